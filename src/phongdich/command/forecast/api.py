"""/api/v1/command/forecast: a unit's latest forecast (Rt, projection, demand on the tower, backtest) and the
running of a new one."""

from datetime import date, datetime

from django.http import Http404
from ninja import Router, Schema, Status

from phongdich.core.scoping import require_permission

from ..dashboard import unit_for
from .runs import forecast_request
from .selectors import latest_run

router = Router(tags=["command"])
SEE_FORECASTS = "command.view_forecastrun"


class ForecastOut(Schema):
    id: int
    unit_id: int
    day: date
    trigger: str
    finished_at: datetime | None
    inputs: dict
    results: dict


class Requested(Schema):
    id: int
    status: str


@router.get("", response=ForecastOut, summary="A unit's latest forecast, with the inputs it was computed from")
def forecast_latest(request, unit: int | None = None):
    require_permission(request.user, SEE_FORECASTS)
    found = unit_for(request.user, unit, permission=SEE_FORECASTS)
    run = latest_run(found)
    if run is None:
        raise Http404
    return run


@router.post("/runs", response={202: Requested}, summary="Compute a unit's forecast now, in the background")
def forecast_run(request, unit: int | None = None):
    require_permission(request.user, SEE_FORECASTS)
    found = unit_for(request.user, unit, permission=SEE_FORECASTS)
    run = forecast_request(actor=request.user, unit=found)
    return Status(202, {"id": run.pk, "status": run.status})
