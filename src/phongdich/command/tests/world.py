"""A week of the outbreak in the test world for the command centre, entered day by day through the services, as the
platform would see it: cases found in the community, in quarantine and on arrival; antigen tests; F0 treated at home
and in the tower's beds; doses; a death and a recovery. The clock is pinned to each day while it is entered."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from phongdich.accounts.models import User
from phongdich.care.choices import OrderKind
from phongdich.care.services.order_changes import order_end
from phongdich.care.services.orders import order_create
from phongdich.care.tower.services.admissions import admit
from phongdich.care.tower.tests.world import build_tower
from phongdich.core import clock
from phongdich.core.testing import unit
from phongdich.labs.choices import Result, SampleKind
from phongdich.labs.services.results import Reading, sample_result_record
from phongdich.labs.services.samples import sample_register
from phongdich.people.services import person_create
from phongdich.surveillance.choices import CaseStatus, DetectionSetting
from phongdich.surveillance.services.cases import case_confirm, case_status_set
from phongdich.vaccination.models import VaccineProduct
from phongdich.vaccination.services import dose_record

FIRST_DAY = date(2021, 11, 15)
DAYS = 5
NAMES = ["Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Minh Tuấn", "Phạm Thị Hoa", "Huỳnh Văn Phát", "Đặng Thị Kim"]


def moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def earlier_today(share: float) -> datetime:
    """A moment of the pinned day before the clock's time of day (`share` of the way from midnight): the services
    refuse records dated in the future, and the suite also runs with the clock moved to half past midnight. Every
    such moment falls before noon, so before a report's 16:00 cut-off."""
    now = clock.now()
    midnight = timezone.make_aware(datetime.combine(clock.today(), time()))
    return midnight + (now - midnight) * min(share, 0.5)


def days_of_the_week() -> list[date]:
    return [FIRST_DAY + timedelta(days=n) for n in range(DAYS)]


def a_day_of_work(day: date, number: int, tower) -> None:
    """What one day brings: two community cases and one found in quarantine in Thuận An, one arrival in Thủ Dầu Một;
    three antigen tests; an F0 at home; a patient in the field hospital; doses."""
    officer = User.objects.get(username="district_officer")
    commander = User.objects.get(username="province_commander")
    clock.use(day)
    people = []
    for n, (code, setting) in enumerate(
        [
            ("25966-01", DetectionSetting.COMMUNITY),
            ("25966-02", DetectionSetting.COMMUNITY),
            ("25741-01", DetectionSetting.QUARANTINE),
            ("25963-01", DetectionSetting.IMPORTED_PROVINCE),
        ]
    ):
        person = person_create(
            actor=commander,
            full_name=NAMES[(number + n) % len(NAMES)],
            birth_year=1985 + number * 2 + n,
            sex="male" if n % 2 else "female",
            unit=unit(code),
        )
        people.append(person)
        case_confirm(
            actor=commander,
            person=person,
            confirmed_at=earlier_today(0.2 + n * 0.05),
            confirmation_test="antigen",
            detection_setting=setting,
        )
    for n, person in enumerate(people[:3]):
        sample = sample_register(
            actor=commander,
            person=person,
            kind=SampleKind.ANTIGEN,
            sampled_at=earlier_today(0.1),
            barcode=f"AG-{number}-{n}",
        )
        result = Result.POSITIVE if n == 0 else Result.NEGATIVE
        sample_result_record(
            actor=commander, sample=sample, reading=Reading(result=result, result_at=earlier_today(0.4))
        )
    order_create(
        actor=officer,
        person=people[0],
        kind=OrderKind.F0_HOME,
        starts_on=day,
        measurements={"state": "mild", "breathing_rate": 18, "spo2": 98, "chronic_stable": True},
    )
    admit(actor=commander, person=people[1], facility=tower.phu_chanh, bed_kind="regular")
    product = VaccineProduct.objects.get(code="EU/1/20/1528")
    dose_record(actor=commander, person=people[3], product=product, given_on=day, lot="FF2382")
    dose_record(actor=commander, person=people[2], product=product, given_on=day, lot="FF2382")


def build_week(world) -> list[date]:
    """The week entered day by day; on its third day the first day's home patient moves away and one case dies,
    another recovers."""
    clock.use(FIRST_DAY - timedelta(days=1))
    tower = build_tower()
    days = days_of_the_week()
    for number, day in enumerate(days):
        a_day_of_work(day, number, tower)
        if number == 2:
            _outcomes(day)
    return days


def _outcomes(day: date) -> None:
    from phongdich.care.models import IsolationOrder
    from phongdich.surveillance.models import Case

    commander = User.objects.get(username="province_commander")
    first_order = IsolationOrder.objects.filter(kind=OrderKind.F0_HOME, starts_on=FIRST_DAY).first()
    order_end(actor=commander, order=first_order, status="moved_away", ended_on=day, reason="Chuyển về quê")
    cases = Case.objects.filter(confirmed_at__date__gte=FIRST_DAY).order_by("pk")
    case_status_set(actor=commander, case=cases[1], status=CaseStatus.DIED)
    case_status_set(actor=commander, case=cases[2], status=CaseStatus.RECOVERED)
