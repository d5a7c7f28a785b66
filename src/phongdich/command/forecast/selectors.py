"""Reads of the forecast runs: a unit's latest, its children's latest, and what a page shows of one."""

from dataclasses import dataclass
from datetime import date

from phongdich.places.models import AdminUnit

from ..choices import ForecastStatus
from ..models import ForecastRun, Scenario


def latest_run(unit: AdminUnit) -> ForecastRun | None:
    return ForecastRun.objects.filter(unit=unit, status=ForecastStatus.DONE).order_by("-day", "-finished_at").first()


def pending_run(unit: AdminUnit) -> ForecastRun | None:
    return ForecastRun.objects.filter(unit=unit, status=ForecastStatus.QUEUED).order_by("-created_at").first()


def latest_runs_of(units: list[AdminUnit]) -> dict[int, ForecastRun]:
    """Each unit's latest done run, in one query."""
    runs = ForecastRun.objects.filter(unit__in=units, status=ForecastStatus.DONE).order_by("unit_id", "-day", "-pk")
    latest: dict[int, ForecastRun] = {}
    for run in runs.only("pk", "unit_id", "day", "results", "finished_at"):
        latest.setdefault(run.unit_id, run)
    return latest


@dataclass
class RtNow:
    day: date
    mean: float
    lower: float
    upper: float

    @property
    def trend(self) -> str:
        if self.upper < 1:
            return "declining"
        if self.lower > 1:
            return "growing"
        return "uncertain"


def rt_now(run: ForecastRun) -> RtNow | None:
    """The last reliable estimate of the run."""
    for row in reversed(run.results.get("rt", [])):
        if row.get("reliable") and row.get("mean") is not None:
            return RtNow(date.fromisoformat(row["date"]), row["mean"], row["lower"], row["upper"])
    return None


def projected_totals(run: ForecastRun) -> list[dict]:
    """The projected cases of the next 7, 14 and 28 days, each with its 95 % interval."""
    return run.results.get("totals", [])


def scenarios_of(unit: AdminUnit):
    """The unit's scenarios, newest first (the unit was resolved through the user's scope)."""
    return Scenario.objects.filter(unit=unit).select_related("created_by").order_by("-created_at", "-pk")
