"""The metrics a target can track and an alert rule can watch, each computed for a unit's subtree as at a day's end
from the daily figures or, for counts of places, from the records they name."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from phongdich.care.stations.models import MobileStation
from phongdich.levels.choices import ResultStatus
from phongdich.levels.models import LevelResult
from phongdich.places.choices import UnitLevel
from phongdich.places.models import AdminUnit, IndustrialPark

from .figures import midnight
from .models import DailyFigures
from .selectors import figures_on


@dataclass(frozen=True)
class Metric:
    code: str
    label: str | Promise
    kind: str  # "count" or "percent"
    higher_is_better: bool
    compute: Callable[[AdminUnit, date], Decimal | None]


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _coverage(column: str) -> Callable[[AdminUnit, date], Decimal | None]:
    def compute(unit: AdminUnit, day: date) -> Decimal | None:
        row = figures_on(unit, day)
        return _percent(row[column], row["residents"])

    return compute


def _week_sums(unit: AdminUnit, day: date, *columns: str) -> dict[str, int]:
    rows = DailyFigures.objects.filter(unit=unit, day__gt=day - timedelta(days=7), day__lte=day)
    sums = rows.aggregate(**{column: Sum(column) for column in columns})
    return {column: sums[column] or 0 for column in columns}


def _positivity(unit: AdminUnit, day: date) -> Decimal | None:
    sums = _week_sums(unit, day, "tests", "positives")
    return _percent(sums["positives"], sums["tests"])


def _community_cases(unit: AdminUnit, day: date) -> Decimal | None:
    return Decimal(_week_sums(unit, day, "cases_community")["cases_community"])


def _bed_occupancy(unit: AdminUnit, day: date) -> Decimal | None:
    row = figures_on(unit, day)
    patients = row["f0_tier1"] + row["f0_tier2"] + row["f0_tier3"]
    return _percent(patients, row["beds_tier1"] + row["beds_tier2"] + row["beds_tier3"])


def _under_care(unit: AdminUnit, day: date) -> Decimal | None:
    row = figures_on(unit, day)
    return Decimal(sum(row[name] for name in ("f0_home", "f0_site", "f0_tier1", "f0_tier2", "f0_tier3")))


def _open_on(day: date) -> Q:
    return Q(opened_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))


def _communes_with_station(unit: AdminUnit, day: date) -> Decimal | None:
    communes = _communes(unit)
    served = MobileStation.objects.filter(_open_on(day), commune__in=communes).values("commune_id").distinct()
    return _percent(served.count(), communes.count())


def _parks_with_station(unit: AdminUnit, day: date) -> Decimal | None:
    parks = IndustrialPark.objects.filter(unit__path__startswith=unit.path)
    served = MobileStation.objects.filter(_open_on(day), industrial_park__in=parks).values("industrial_park_id")
    return _percent(served.distinct().count(), parks.count())


def _communes_at_level_2_or_lower(unit: AdminUnit, day: date) -> Decimal | None:
    """The share of the unit's communes whose published level in effect at the day's end is 1 or 2."""
    end = midnight(day + timedelta(days=1))
    communes = _communes(unit)
    results = (
        LevelResult.objects.filter(
            unit__in=communes, status=ResultStatus.PUBLISHED, effective_at__lt=end, level__isnull=False
        )
        .order_by("unit_id", "effective_at", "id")
        .values_list("unit_id", "level")
    )
    latest = {unit_id: level for unit_id, level in results if level is not None}  # each unit's last row wins
    if not latest:
        return None
    return _percent(sum(1 for level in latest.values() if level <= 2), communes.count())


def _communes(unit: AdminUnit):
    return AdminUnit.objects.filter(path__startswith=unit.path, level=UnitLevel.COMMUNE)


METRICS: dict[str, Metric] = {
    metric.code: metric
    for metric in (
        Metric(
            "coverage_one_dose_pct", _("Residents with at least one dose (%)"), "percent", True, _coverage("one_dose")
        ),
        Metric(
            "coverage_full_pct", _("Residents fully vaccinated (%)"), "percent", True, _coverage("fully_vaccinated")
        ),
        Metric(
            "communes_with_mobile_station_pct",
            _("Communes with a mobile medical station (%)"),
            "percent",
            True,
            _communes_with_station,
        ),
        Metric(
            "parks_with_mobile_station_pct",
            _("Industrial parks with a mobile medical station (%)"),
            "percent",
            True,
            _parks_with_station,
        ),
        Metric(
            "communes_level_le_2_pct",
            _("Communes at epidemic level 1 or 2 (%)"),
            "percent",
            True,
            _communes_at_level_2_or_lower,
        ),
        Metric("community_cases_7d", _("Community cases in 7 days"), "count", False, _community_cases),
        Metric("positivity_7d_pct", _("Test positivity over 7 days (%)"), "percent", False, _positivity),
        Metric("bed_occupancy_pct", _("Treatment beds occupied (%)"), "percent", False, _bed_occupancy),
        Metric("f0_under_care", _("F0 under care"), "count", False, _under_care),
    )
}


def metric_value(code: str, unit: AdminUnit, day: date) -> Decimal | None:
    """The metric for the unit's subtree as at the day's end; None when it cannot be computed (no population, no
    beds). An unknown code raises KeyError."""
    return METRICS[code].compute(unit, day)


def metric_choices() -> list[tuple[str, str | Promise]]:
    return [(metric.code, metric.label) for metric in METRICS.values()]
