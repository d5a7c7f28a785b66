"""/api/v1/levels/map: the levels of a published week, unit by unit, for whoever may see levels. Published levels
name no one; the same weeks as the map (the latest by default, 404 for a week that was not published)."""

from datetime import date, datetime

from django.http import Http404
from ninja import Router, Schema
from pydantic import Field

from phongdich.core.scoping import require_permission

from ..models import LevelResult
from .selectors import published_weeks, result_level

router = Router(tags=["levels: map"])


class MapUnitOut(Schema):
    code: str
    name: str
    level: int | None = Field(description="The level that week; null when the unit has no population recorded.")
    depth: int = Field(description="0 province, 1 district, 2 commune, 3 residential group (legacy tree).")
    effective_at: datetime | None


class MapOut(Schema):
    assessment_id: int
    week: date = Field(description="The Monday of the week assessed.")
    effective_at: datetime | None
    units: list[MapUnitOut]


@router.get("", response=MapOut, summary="The levels of a published week (the latest by default), unit by unit")
def read_map(request, week: date | None = None, depth: int | None = None):
    require_permission(request.user, "levels.view_levelresult")
    weeks = published_weeks()
    found = next((item for item in weeks if item.week == week), None) if week else (weeks[-1] if weeks else None)
    if found is None:
        raise Http404
    rows = LevelResult.objects.filter(assessment_id=found.pk)
    if depth is not None:
        rows = rows.filter(depth=depth)
    units = [
        {
            "code": code,
            "name": name,
            "level": result_level(level, proposed, outcome),
            "depth": unit_depth,
            "effective_at": effective_at,
        }
        for code, name, level, proposed, outcome, unit_depth, effective_at in rows.order_by("unit_path").values_list(
            "unit__code", "unit__name", "level", "proposed_level", "outcome", "depth", "effective_at"
        )
    ]
    return {"assessment_id": found.pk, "week": found.week, "effective_at": found.effective_at, "units": units}
