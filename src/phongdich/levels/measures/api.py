"""/api/v1/levels/measures: the measures by level in force (on a day), every version, what is allowed in a unit at
the level in effect there, and a new version (the province's). The same selectors and service as the pages."""

from datetime import date, datetime

from ninja import Router, Schema, Status
from pydantic import Field

from phongdich.core.api import lookup
from phongdich.core.scoping import require_permission
from phongdich.places.models import AdminUnit

from ..models import MeasureRules
from .selectors import Cell, allowed_here, measures_in_force
from .services import measure_rules_add

router = Router(tags=["levels: measures"])

SEE = "levels.view_measurerules"


class MeasureRulesOut(Schema):
    id: int | None
    name: str
    effective_from: date | None
    source_document: str
    document_date: date | None
    by_level: bool
    measures: dict = Field(
        description='{activity: {"1": {"status", "limit", "limit_kind", "note"}, …, "4": …}}; status is open, limited, '
        "closed or province (the province decides); limit_kind people or percent."
    )
    verify: list[str] = Field(
        description='Values not yet checked against the documents: "activity" or "activity.level".'
    )


class MeasureRulesIn(Schema):
    effective_from: date
    source_document: str
    document_date: date
    name: str
    measures: dict
    verify: list[str] = []


class CellOut(Schema):
    activity: str
    label: str
    level: int | None = Field(description="Null when the version is the same at every level.")
    status: str
    status_label: str
    limit: int | None
    limit_kind: str
    limit_text: str
    note: str
    verify: bool


class ChangeOut(Schema):
    activity: str
    label: str
    before: CellOut
    after: CellOut


class LevelChangesOut(Schema):
    level: int
    up: bool
    changes: list[ChangeOut]


class AllowedOut(Schema):
    unit_id: int
    unit_name: str
    level: int | None = Field(description="The published level in effect; null while none is published.")
    level_label: str
    level_unit_id: int | None = Field(description="The unit whose level it is: this one, or the nearest above it.")
    since: datetime | None
    upcoming_level: int | None = Field(description="A published level not yet in effect (a raise under notice).")
    upcoming_at: datetime | None
    rules: MeasureRulesOut
    measures: list[CellOut] = Field(description="Each activity at the level in effect; at every level without one.")
    changes: list[LevelChangesOut] = Field(description="What would change at each other level.")


def _cell(activity: str, label: str, cell: Cell) -> dict:
    return {
        "activity": activity,
        "label": label,
        "level": cell.level,
        "status": cell.status,
        "status_label": str(cell.status_label),
        "limit": cell.limit,
        "limit_kind": cell.limit_kind,
        "limit_text": cell.limit_text,
        "note": cell.note,
        "verify": cell.verify,
    }


@router.get("", response=MeasureRulesOut, summary="The measures by level in force today, or on a day")
def read_in_force(request, on: date | None = None):
    require_permission(request.user, SEE)
    return measures_in_force(on)


@router.get("/versions", response=list[MeasureRulesOut], summary="Every version of the measures by level, newest first")
def list_versions(request):
    require_permission(request.user, SEE)
    return list(MeasureRules.objects.order_by("-effective_from"))


@router.post(
    "", response={201: MeasureRulesOut}, summary="A new version of the measures by level (the province's command)"
)
def create_version(request, payload: MeasureRulesIn):
    require_permission(request.user, "levels.add_measurerules")
    return Status(201, measure_rules_add(actor=request.user, **payload.dict()))


@router.get(
    "/allowed/{int:unit_id}",
    response=AllowedOut,
    summary="What is allowed in a unit now, and what a change of level changes",
)
def read_allowed(request, unit_id: int):
    require_permission(request.user, SEE)
    unit = lookup(request.user, AdminUnit, unit_id)
    allowed = allowed_here(unit)
    rows = allowed.rows
    return {
        "unit_id": unit.pk,
        "unit_name": unit.name,
        "level": allowed.level,
        "level_label": str(allowed.level_label),
        "level_unit_id": allowed.result.unit_id if allowed.result else None,
        "since": allowed.since,
        "upcoming_level": allowed.upcoming.level if allowed.upcoming else None,
        "upcoming_at": allowed.upcoming.effective_at if allowed.upcoming else None,
        "rules": allowed.rules,
        "measures": [_cell(row.activity, row.label, cell) for row in rows for cell in row.cells],
        "changes": [
            {
                "level": other.level,
                "up": other.up,
                "changes": [
                    {
                        "activity": change.activity,
                        "label": change.label,
                        "before": _cell(change.activity, change.label, change.before),
                        "after": _cell(change.activity, change.label, change.after),
                    }
                    for change in other.changes
                ],
            }
            for other in allowed.changes
        ],
    }
