"""/api/v1/command: the daily figures of a unit the caller may see (a day, a series, the units below). Situation
reports, directives and tasks, targets, the duty log and alerts have their own routers."""

from datetime import date, timedelta

from django.http import Http404
from ninja import Router, Schema

from phongdich.core import clock
from phongdich.core.scoping import require_permission

from .alerts.api import router as alerts_router
from .dashboard import SEE_FIGURES, unit_for
from .directives.api import router as directives_router
from .duty.api import router as duty_router
from .forecast.api import router as forecast_router
from .models import DailyFigures
from .reports.api import router as reports_router
from .selectors import children_figures, figures_series
from .targets.api import router as targets_router

router = Router(tags=["command"])
MAX_DAYS = 400


class DayFigures(Schema):
    day: date
    figures: dict[str, int]


class UnitFigures(Schema):
    unit_id: int
    unit_code: str
    unit_name: str
    figures: dict[str, int]


@router.get(
    "/figures",
    response=list[DayFigures],
    summary="A unit's daily figures (its whole subtree), every day from `start` to `end`",
    description="Columns: " + ", ".join(DailyFigures.COUNTS) + ". Flows count the day; stocks are at its end.",
)
def unit_figures(request, unit: int | None = None, start: date | None = None, end: date | None = None):
    require_permission(request.user, SEE_FIGURES)
    found = unit_for(request.user, unit)
    end = end or clock.today()
    start = start or end - timedelta(days=29)
    if start > end or (end - start).days >= MAX_DAYS:
        raise Http404
    return [{"day": day, "figures": row} for day, row in figures_series(found, start, end)]


@router.get(
    "/figures/children",
    response=list[UnitFigures],
    summary="The figures of the units directly below a unit for one day",
)
def children(request, unit: int | None = None, day: date | None = None):
    require_permission(request.user, SEE_FIGURES)
    found = unit_for(request.user, unit)
    rows = children_figures(found, day or clock.today())
    return [
        {"unit_id": child.pk, "unit_code": child.code, "unit_name": child.name, "figures": row} for child, row in rows
    ]


router.add_router("/alerts", alerts_router)
router.add_router("/directives", directives_router)
router.add_router("/duty", duty_router)
router.add_router("/forecast", forecast_router)
router.add_router("/reports", reports_router)
router.add_router("/targets", targets_router)
