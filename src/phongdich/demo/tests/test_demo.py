import pytest
from django.core.management import call_command
from django.db import transaction

from phongdich.accounts.models import User
from phongdich.core import clock
from phongdich.demo.builder import CENSUS_TOTAL_2019, DEMO_ACCOUNTS, build_demo
from phongdich.demo.command_duty import DUTY_STAFF
from phongdich.people.models import Person
from phongdich.places.choices import Structure, UnitLevel
from phongdich.places.models import AdminUnit, Population

pytestmark = pytest.mark.xdist_group("demo")  # one worker builds the shared province once (make test runs in parallel)


def clear_database():
    from phongdich.accounts.models import RoleAssignment
    from phongdich.care.models import (
        Alert,
        AlertAction,
        CareContact,
        IsolationOrder,
        MedicineDelivery,
        Message,
        ReportLink,
        SelfReport,
        SiteCapacity,
    )
    from phongdich.care.stations.models import (
        CommunityTeam,
        CourseAttendance,
        MobileStation,
        StaffMember,
        TrainingCourse,
    )
    from phongdich.care.supplies.models import Donation, StockLevel, StockMovement
    from phongdich.care.tower.models import Admission, TransferOffer, TransferRequest, TreatmentFacility, Ward
    from phongdich.command import models as command
    from phongdich.labs.models import (
        Barcode,
        Lab,
        Pool,
        PoolResult,
        ResampleTask,
        ResultImport,
        Sample,
        TestingPlan,
        TestingRound,
    )
    from phongdich.levels.models import Assessment, CapacityEntry, InputsWatermark, LevelTarget, WeeklyInput, Zone
    from phongdich.people.models import Household, PersonMerge, ResidenceChange
    from phongdich.places.models import Facility, IndustrialPark, Organisation, Venue
    from phongdich.surveillance.models import Case, CheckIn, Cluster, Contact, LevelChange, TracingState, TracingTask
    from phongdich.vaccination.models import (
        Allocation,
        Certificate,
        CoverageCell,
        Delivery,
        Dose,
        DoseImport,
        ReviewRow,
        Shipment,
        VaccinationTarget,
    )

    command.SituationReport.objects.update(previous=None)
    for model in (
        command.ForecastRun,
        command.Scenario,
        command.DutyEntry,
        command.DutyShift,
        command.Inspection,
        command.TaskAttachment,
        command.TaskProgress,
        command.Task,
        command.BriefingDecision,
        command.Briefing,
        command.TargetReading,
        command.Target,
        command.DirectivePoint,
        command.Directive,
        command.Body,
        command.Alert,
        command.AlertRule,
        command.SituationReport,
        command.ReportTemplate,
        command.DailyFigures,
        command.FiguresWatermark,
    ):
        model.objects.all().delete()
    Sample.objects.update(for_task=None)
    Admission.objects.update(previous=None, transfer=None)
    TransferRequest.objects.update(from_admission=None)
    for model in (
        Zone,
        Assessment,
        LevelTarget,
        CapacityEntry,
        WeeklyInput,
        InputsWatermark,
        StockMovement,
        StockLevel,
        Donation,
        CourseAttendance,
        TrainingCourse,
        StaffMember,
        CommunityTeam,
        MobileStation,
        TransferOffer,
        TransferRequest,
        Admission,
        Ward,
        TreatmentFacility,
        Message,
        AlertAction,
        Alert,
        SelfReport,
        CareContact,
        MedicineDelivery,
        IsolationOrder,
        ReportLink,
        SiteCapacity,
        Certificate,
        Delivery,
        Allocation,
        Shipment,
        ReviewRow,
        Dose,
        DoseImport,
        CoverageCell,
        VaccinationTarget,
        ResampleTask,
        PoolResult,
        Sample,
        Pool,
        Barcode,
        TestingRound,
        TestingPlan,
        ResultImport,
        Lab,
        TracingTask,
        LevelChange,
        TracingState,
        Contact,
        Case,
        Cluster,
        CheckIn,
        PersonMerge,
        ResidenceChange,
        Person,
        Household,
        RoleAssignment,
        User,
        Venue,
        Facility,
        Organisation,
        IndustrialPark,
        Population,
    ):
        model.objects.all().delete()
    for level in (UnitLevel.GROUP, UnitLevel.COMMUNE, UnitLevel.DISTRICT, UnitLevel.PROVINCE):
        AdminUnit.objects.filter(level=level).delete()


SCALE = 0.004  # enough residents for a few F0 at home on the demo's day, in under a minute


@pytest.fixture
def empty_db(db):
    """The demo builds into a database without the shared test world (rolled back after the test)."""
    clear_database()


@pytest.fixture(scope="module")
def built_province(django_db_setup, django_db_blocker):
    """One demo province, built once for the tests that only read it, in place of the shared test world; rolled
    back after the last of them."""
    with django_db_blocker.unblock(), transaction.atomic():
        clear_database()
        yield build_demo(scale=SCALE, seed=7)
        transaction.set_rollback(True)


@pytest.fixture
def province(built_province, db):
    """The demo province, with the clock at its day as a server reading the demo database has it."""
    clock.forget()
    return built_province


def snapshot():
    return sorted(Person.objects.values_list("full_name", "birth_date", "id_number", "unit__code"))


def test_the_demo_province_matches_the_scaled_census_and_has_every_role(province):
    binh_duong = AdminUnit.objects.get(structure=Structure.LEGACY, code="74")
    population = Population.objects.get(unit=binh_duong, year=2019)
    assert population.total == round(CENSUS_TOTAL_2019 * SCALE)
    assert population.age_18_plus < population.total and population.age_65_plus > 0
    groups = AdminUnit.objects.filter(level=UnitLevel.GROUP)
    assert groups.count() == province.groups and groups.count() >= 91 * 3
    # The demo's accounts, and the province command centre's duty officers who keep its log (no password).
    assert {u.username for u in User.objects.all()} == set(DEMO_ACCOUNTS) | {name for name, _full in DUTY_STAFF}
    assert all(u.role_assignments.count() == 1 for u in User.objects.all())
    assert Person.objects.filter(full_name="Nguyễn Thị Hằng", unit__code="25966-01").exists()
    # Residents plus a few entered twice, plus the two named residents.
    assert Person.objects.count() == province.persons > population.total
    assert User.objects.get(username="xa.laithieu").check_password("demo")


def test_the_same_seed_builds_the_same_province(empty_db):
    build_demo(scale=0.0002, seed=11)
    first = snapshot()
    clear_database()
    build_demo(scale=0.0002, seed=11)
    assert snapshot() == first


def test_demo_if_empty_leaves_an_existing_province_alone(db, capsys):
    call_command("demo", "--if-empty")
    assert "already built" in capsys.readouterr().out


def test_the_demo_outbreak_follows_the_reported_curve_up_to_its_day(province):
    from datetime import timedelta

    from phongdich.core.models import DemoClock
    from phongdich.demo.outbreak import AS_OF, daily_curve
    from phongdich.surveillance.models import Case, TracingState, TracingTask

    result = province
    reported = sum(cases for day, cases in daily_curve() if day <= AS_OF)
    assert result.outbreak.cases == int(reported * SCALE)
    # …and one more: the individual test that followed round 3's positive pool in Lái Thiêu.
    assert Case.objects.count() == result.outbreak.cases + 1
    assert Case.objects.filter(notes__contains=" LT3-").count() == 1
    # The cases keep their 2021 dates, and the database records the demo's day as the platform's clock.
    assert DemoClock.objects.get().day == AS_OF and clock.today() == AS_OF
    # 27/8/2021, the reported peak, is four days before the demo's day.
    peak_day = AS_OF - timedelta(days=4)
    busiest = max(
        (Case.objects.filter(confirmed_at__date=peak_day + timedelta(days=d)).count(), d) for d in range(-10, 4)
    )
    assert abs(busiest[1]) <= 3
    assert Case.objects.filter(status="active").exists() and Case.objects.filter(status="recovered").exists()
    assert TracingState.objects.filter(level=1).count() > TracingState.objects.filter(level=0).count()
    assert TracingTask.objects.filter(done_at__isnull=True, level=1).exists()
    # The command centre has last night's forecasts, with a reliable Rt for the province, and three scenarios.
    from phongdich.command.models import ForecastRun, Scenario

    province = ForecastRun.objects.get(unit__path=AdminUnit.root_path(), status="done")
    assert province.day == AS_OF - timedelta(days=1) and province.results["rt"][-1]["reliable"]
    assert (
        ForecastRun.objects.filter(status="done").count()
        == 1 + AdminUnit.objects.get(path=AdminUnit.root_path()).children.count()
    )
    assert Scenario.objects.count() == 3


def test_the_demo_vaccinates_most_adults_issues_certificates_and_proposes_a_split(province):
    from phongdich.vaccination.dcc import codec
    from phongdich.vaccination.models import Certificate, Dose, Shipment
    from phongdich.vaccination.selectors import coverage_of, trusted_keys

    result = province
    assert result.vaccination.doses == Dose.objects.count() > 0
    coverage = coverage_of(AdminUnit.objects.get(structure=Structure.LEGACY, code="74"))
    assert 0.8 < coverage.count("18+", "one_dose") / coverage.count("18+", "residents") < 0.97
    assert coverage.count("18+", "full") < coverage.count("18+", "one_dose")
    certificate = Certificate.objects.first()
    assert result.vaccination.certificates == Certificate.objects.count() > 0
    assert certificate.issued_at.year == 2021
    assert codec.verify(certificate.text, keys=trusted_keys(), at=clock.now()).valid
    assert sum(a.doses for a in Shipment.objects.get().allocations.all()) == 100_000


def test_the_demo_leaves_pools_on_their_way_for_the_labs_desk_to_receive(province, client):
    from phongdich.labs.models import Pool

    in_transit = list(Pool.objects.filter(status="sent").values_list("barcode", flat=True))
    assert in_transit and Pool.objects.filter(status="done").exists()
    client.force_login(User.objects.get(username="xetnghiem.cdc"))
    page = client.get("/testing/receive/").content.decode()
    assert all(barcode in page for barcode in in_transit)


def test_the_demo_treats_f0_at_home_with_reports_alerts_silences_and_releases_due(province):
    from phongdich.care.choices import AlertKind, OrderKind, OrderStatus
    from phongdich.care.models import Alert, IsolationOrder, SelfReport

    result = province.care
    at_home = IsolationOrder.objects.filter(kind=OrderKind.F0_HOME)
    assert result.f0_home == at_home.count() > 0 and result.f1_home > 0
    assert result.reports == SelfReport.objects.count() >= 4 * result.f0_home  # mostly three to five days, twice a day
    assert Alert.objects.filter(kind=AlertKind.WARNING_SIGN).exists()
    assert Alert.objects.filter(kind=AlertKind.MISSED_REPORTS).exists()
    assert all(order.link_id for order in at_home)
    due = IsolationOrder.objects.filter(status=OrderStatus.ACTIVE, planned_end__lte=clock.today())
    assert due.exists() and result.released == IsolationOrder.objects.filter(status=OrderStatus.RELEASED).count()


def test_the_demo_stations_supplies_and_workforce_read_as_a_real_province_would(province, client):
    """One station per commune on the builder's own mobile station facility; equipment never low; a donation of
    Bến Cát for its welfare officer; tier-3 hospitals with dozens of staff; volunteers start after they recovered."""
    from django.db.models import Count
    from django.utils import timezone

    from phongdich.care.stations.choices import StaffOrigin
    from phongdich.care.stations.models import CommunityTeam, MobileStation, StaffMember
    from phongdich.care.stations.selectors import norm_warnings, teams_with_counts
    from phongdich.care.supplies.models import StockLevel
    from phongdich.care.supplies.selectors import StockRow, with_use
    from phongdich.places.choices import FacilityKind
    from phongdich.places.models import Facility

    mobile = Facility.objects.filter(kind=FacilityKind.MOBILE_STATION)
    assert mobile.exists() and not mobile.filter(mobile_station__isnull=True).exists()
    per_commune = MobileStation.objects.filter(industrial_park=None).values("commune").annotate(n=Count("pk"))
    assert all(row["n"] == 1 for row in per_commune)
    assert all(name.startswith("Trạm Y tế lưu động ") for name in mobile.values_list("name", flat=True))

    levels = with_use(StockLevel.objects.select_related("item", "facility"))
    rows = [StockRow(level=level, used=level.used) for level in levels]
    assert all(row.cover_days is None and not row.low for row in rows if row.item.code == "O2-MAYTAO")
    low = [row for row in rows if row.low]
    assert any(row.item.category == "oxygen" for row in low)
    assert len({round(row.cover_days, 1) for row in low}) == len(low) > 2  # each at its own days of cover

    client.force_login(User.objects.get(username="ansinh.bencat"))
    page = client.get("/care/supplies/donations/").content.decode()
    assert "Công ty TNHH May mặc Mỹ Phước" in page

    becamex = StaffMember.objects.filter(facility__name="Bệnh viện Quốc tế Becamex").count()
    assert becamex >= 60
    for member in StaffMember.objects.filter(origin=StaffOrigin.RECOVERED_F0, person__isnull=False):
        case = member.person.cases.filter(status="recovered").order_by("-status_changed_at").first()
        assert member.from_on > timezone.localdate(case.status_changed_at)

    teams = list(teams_with_counts(CommunityTeam.objects.all()))  # this small a province has small groups
    assert all(3 <= team.member_count <= 5 or norm_warnings(team.member_count, team.household_count) for team in teams)
    assert teams and all(team.name.startswith("Tổ COVID cộng đồng") for team in teams)
