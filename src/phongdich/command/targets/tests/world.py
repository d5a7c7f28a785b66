"""Targets on the shared test world: the province's vaccination coverage written as daily figures (the province's
row is its whole subtree), directives of the province and of a commune with their points. The domain's clock is
pinned to a day of 2021."""

from datetime import date, timedelta

from phongdich.core import clock
from phongdich.core.testing import unit

from ...models import DailyFigures, Directive, DirectivePoint, Target
from ..services import target_set

TODAY = date(2021, 12, 10)
DEC = date(2021, 12, 1)
RESIDENTS = 10_000
LAI_THIEU, HIEP_THANH, THUAN_AN, PROVINCE = "25966", "25741", "725", "74"


def pin_clock(day: date = TODAY) -> None:
    clock.use(day)


def coverage(unit_code: str, start: date, shares: list[float]) -> None:
    """The unit's fully vaccinated residents day by day from `start`, as shares (%) of 10,000 residents."""
    place = unit(unit_code)
    for offset, share in enumerate(shares):
        DailyFigures.objects.update_or_create(
            unit=place,
            day=start + timedelta(days=offset),
            defaults={
                "unit_path": place.path,
                "residents": RESIDENTS,
                "fully_vaccinated": round(RESIDENTS * share / 100),
                "one_dose": RESIDENTS,
            },
        )


def rising(start: date, days: int, first: float, per_day: float) -> list[float]:
    return [min(first + per_day * n, 100) for n in range(days)]


def directive(unit_code: str = PROVINCE, number: str = "11-CT/TU") -> DirectivePoint:
    issued = Directive.objects.create(
        unit=unit(unit_code),
        number=number,
        issued_on=date(2021, 11, 20),
        issuing_body="Ban Thường vụ Tỉnh ủy",
        title="Chỉ thị về tăng cường lãnh đạo phòng, chống dịch Covid-19",
    )
    return DirectivePoint.objects.create(
        directive=issued,
        number="3",
        position=3,
        text="Trong tháng 12/2021, 100% dân số trong diện được tiêm vắc xin được tiêm đủ 2 mũi.",
    )


def full_coverage_target(
    unit_code: str = PROVINCE,
    *,
    starts_on: date = date(2021, 12, 1),
    deadline: date = date(2021, 12, 31),
    value: str = "100",
    point=None,
) -> Target:
    return target_set(
        actor="test",
        unit=unit(unit_code),
        name="100% dân số được tiêm đủ 2 mũi",
        metric="coverage_full_pct",
        target_value=value,
        starts_on=starts_on,
        deadline=deadline,
        point=point,
    )
