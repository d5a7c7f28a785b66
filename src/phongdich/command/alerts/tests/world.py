"""What the alert centre's tests watch, on the shared test world: home-care warnings of Lái Thiêu's F0 at home, a
hospital's beds, a field hospital's oxygen, a task past its deadline, the daily figures of a district, two published
level assessments and a target. Records are written straight to their tables (their apps test their services);
the domain's clock is pinned to a day of 2021."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from phongdich.care.choices import AlertKind, AlertStatus, Severity
from phongdich.care.models import Alert as CareAlert
from phongdich.care.supplies.models import SupplyItem
from phongdich.care.supplies.services import movement_record
from phongdich.care.tests.factories import an_order
from phongdich.care.tower.services.facilities import facility_enrol
from phongdich.core import clock
from phongdich.core.testing import unit
from phongdich.levels.choices import AssessmentStatus, ResultStatus
from phongdich.levels.models import Assessment, LevelResult, LevelRules
from phongdich.people.models import Person
from phongdich.people.services import person_create
from phongdich.places.choices import FacilityKind
from phongdich.places.models import Facility

from ...choices import BodyKind, TargetStatus, TaskStatus
from ...models import AlertRule, Body, DailyFigures, Target, Task

TODAY = date(2021, 9, 15)
LAI_THIEU, HIEP_THANH, TAN_PHUOC_KHANH, THUAN_AN, THU_DAU_MOT = "25966", "25741", "25963", "725", "718"
BECAMEX = "Bệnh viện Quốc tế Becamex"
FIELD_HOSPITAL = "Bệnh viện dã chiến số 2"
HOME_PEOPLE = [
    "Nguyễn Văn Hùng",
    "Trần Thị Lan",
    "Lê Minh Tuấn",
    "Phạm Thị Mai",
    "Võ Văn Nam",
    "Đặng Thị Hoa",
    "Bùi Văn Sơn",
]


def at(hour: int = 10, day: date = TODAY) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def pin_clock() -> datetime:
    clock.use(TODAY)
    return clock.now()


def rule(code: str) -> AlertRule:
    return AlertRule.objects.get(code=code)


def someone_at_home(commune: str = LAI_THIEU, number: int = 0) -> Person:
    return person_create(
        actor="test",
        full_name=HOME_PEOPLE[number % len(HOME_PEOPLE)],
        birth_year=1970 + number,
        sex="male" if number % 2 else "female",
        unit=unit(f"{commune}-0{1 + number % 2}"),
    )


def care_alert(
    commune: str = LAI_THIEU,
    *,
    kind: str = AlertKind.WARNING_SIGN,
    overdue: bool = True,
    status: str = AlertStatus.OPEN,
    number: int = 0,
) -> CareAlert:
    """A care alert of someone at home in the commune: due for acknowledgement an hour ago (or in an hour)."""
    person = someone_at_home(commune, number)
    order = an_order(person, starts_on=TODAY - timedelta(days=3))
    now = clock.now()
    due = now - timedelta(hours=1) if overdue else now + timedelta(hours=1)
    return CareAlert.objects.create(
        order=order,
        person=person,
        unit_id=person.unit_id,
        kind=kind,
        severity=Severity.MODERATE,
        signs=[{"code": "spo2", "value": 95}],
        status=status,
        raised_at=due - timedelta(minutes=15),
        acknowledge_by=due,
        escalate_at=due + timedelta(minutes=15),
    )


def hospital(occupied: int, beds: int = 20, name: str = BECAMEX, commune: str = LAI_THIEU) -> Facility:
    """A tier-3 hospital with `beds` regular beds, `occupied` of them taken."""
    facility = Facility.objects.create(name=name, kind=FacilityKind.HOSPITAL, unit=unit(commune))
    facility_enrol(actor="test", facility=facility, tier=3, beds={"regular": beds})
    facility.wards.update(occupied=occupied)
    return facility


def oxygen_used(per_day: int, received: int, commune: str = TAN_PHUOC_KHANH, name: str = FIELD_HOSPITAL) -> Facility:
    """A field hospital that received `received` 40-litre cylinders 8 days ago and issued `per_day` each of the last
    7 days."""
    facility = Facility.objects.create(name=name, kind=FacilityKind.FIELD_HOSPITAL, unit=unit(commune))
    item = SupplyItem.objects.get(code="O2-BINH40")
    movement_record(
        actor="test", facility=facility, item=item, kind="receipt", quantity=received, occurred_on=TODAY - timedelta(8)
    )
    for day in range(7):
        movement_record(
            actor="test",
            facility=facility,
            item=item,
            kind="issue",
            quantity=per_day,
            occurred_on=TODAY - timedelta(day),
        )
    return facility


def a_task(
    unit_code: str = THUAN_AN, *, days_late: int = 2, status: str = TaskStatus.IN_PROGRESS, title: str = ""
) -> Task:
    body, _created = Body.objects.get_or_create(
        unit=unit(unit_code),
        name="Trung tâm Y tế thành phố Thuận An",
        defaults={"kind": BodyKind.HOSPITAL, "short_name": "TTYT Thuận An"},
    )
    return Task.objects.create(
        unit=unit(unit_code),
        title=title or "Thành lập trạm y tế lưu động tại các phường",
        lead=body,
        deadline=TODAY - timedelta(days=days_late),
        status=status,
    )


def figures(unit_code: str, *, tests: int, positives: int, days: int = 7) -> None:
    """Daily figures of a unit over the last `days` days, the same each day."""
    place = unit(unit_code)
    for back in range(days):
        DailyFigures.objects.create(
            unit=place, unit_path=place.path, day=TODAY - timedelta(days=back), tests=tests, positives=positives
        )


def published(week: date, levels: dict[str, int]) -> Assessment:
    """A published assessment of a week with the given levels by unit code."""
    rules = LevelRules.objects.order_by("effective_from").first()
    assessment = Assessment.objects.create(
        rules=rules,
        week=week,
        assessed_on=week + timedelta(days=7),
        status=AssessmentStatus.PUBLISHED,
        published_at=at(9, week + timedelta(days=7)),
        effective_at=at(12, week + timedelta(days=7)),
    )
    for code, level in levels.items():
        place = unit(code)
        LevelResult.objects.create(
            assessment=assessment,
            unit=place,
            unit_path=place.path,
            depth=place.depth,
            proposed_level=level,
            level=level,
            status=ResultStatus.PUBLISHED,
            effective_at=assessment.effective_at,
        )
    return assessment


def a_target(status: str = TargetStatus.AT_RISK, unit_code: str = "74", latest: str = "62.5") -> Target:
    return Target.objects.create(
        unit=unit(unit_code),
        name="100% xã, phường có trạm y tế lưu động",
        metric="communes_with_mobile_station_pct",
        target_value=Decimal(100),
        starts_on=TODAY - timedelta(days=20),
        deadline=date(2021, 9, 30),
        status=status,
        latest_value=Decimal(latest),
    )
