"""An outbreak in Lái Thiêu for the forecast tests: cases growing a tenth a day over six weeks up to yesterday, two
in three with a known symptom onset two days before confirmation; and a done forecast of the commune."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from phongdich.core import clock
from phongdich.core.testing import unit
from phongdich.people.models import Person
from phongdich.surveillance.models import Case

from ...models import ForecastRun
from ..runs import forecast_execute

DAYS = 42
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi"]
GIVEN = ["Văn Hùng", "Thị Mai", "Minh Tuấn", "Thị Hoa", "Quốc Bảo", "Thị Thu", "Thanh Phong", "Ngọc Lan"]


def daily_counts() -> list[int]:
    return [round(3 * 1.1**n) for n in range(DAYS)]


def an_outbreak(code: str = "25966") -> list[int]:
    """The cases, straight into the tables (the services' checks are not what these tests are about)."""
    commune = unit(code)
    yesterday = clock.today() - timedelta(days=1)
    first = yesterday - timedelta(days=DAYS - 1)
    counts = daily_counts()
    people = Person.objects.bulk_create(
        Person(
            full_name=f"{FAMILY[n % 8]} {GIVEN[(n // 8) % 8]}",
            birth_year=1950 + n % 60,
            sex="female" if n % 2 else "male",
            unit=commune,
        )
        for n in range(sum(counts))
    )
    cases, taken = [], iter(people)
    for offset, count in enumerate(counts):
        day = first + timedelta(days=offset)
        confirmed = timezone.make_aware(datetime.combine(day, time(9)))
        for n in range(count):
            cases.append(
                Case(
                    person=next(taken),
                    unit=commune,
                    confirmed_at=confirmed,
                    confirmation_test="rt_pcr",
                    detection_setting="community",
                    symptom_onset=day - timedelta(days=2) if n % 3 else None,
                    infectious_from=confirmed - timedelta(days=4),
                )
            )
    Case.objects.bulk_create(cases)
    return counts


def a_done_forecast(code: str = "25966") -> ForecastRun:
    commune = unit(code)
    run = ForecastRun.objects.create(unit=commune, day=clock.today() - timedelta(days=1), trigger="on_demand")
    forecast_execute(run.pk)
    run.refresh_from_db()
    return run
