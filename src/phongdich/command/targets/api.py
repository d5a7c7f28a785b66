"""/api/v1/command/targets: the targets of the caller's jurisdiction with their progress, a target, and its
readings day by day. Scoped like the pages; an id in the path answers 404 outside the caller's jurisdiction as
for a missing target."""

from datetime import date

from ninja import Query, Router, Schema
from pydantic import Field

from phongdich.core.api import filtered, lookup
from phongdich.core.pagination import keyset_page
from phongdich.core.scoping import require_permission

from ..choices import TargetStatus
from ..models import Target, TargetReading
from .filtersets import TargetFilterSet
from .selectors import metric_of, progress_of, targets_for

router = Router(tags=["command: targets"])
VIEW = "command.view_target"


class TargetOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    name: str
    metric: str = Field(description="A metric code of the platform (coverage_full_pct, …).")
    metric_label: str
    higher_is_better: bool
    target_value: float
    starts_on: date
    deadline: date
    point_id: int | None = Field(description="The directive point that set it.")
    directive_number: str | None
    status: str = Field(description="on_track, at_risk, met or missed, as the last measure found it.")
    latest_value: float | None
    percent_of_target: int | None = Field(description="The latest value in percent of the target value (0–100).")

    @staticmethod
    def resolve_unit_name(target) -> str:
        return target.unit.name

    @staticmethod
    def resolve_metric_label(target) -> str:
        metric = metric_of(target)
        return str(metric.label) if metric else target.metric

    @staticmethod
    def resolve_higher_is_better(target) -> bool:
        metric = metric_of(target)
        return metric.higher_is_better if metric else True

    @staticmethod
    def resolve_directive_number(target) -> str | None:
        return target.point.directive.number if target.point_id else None

    @staticmethod
    def resolve_percent_of_target(target) -> int | None:
        return progress_of(target).percent


class TargetPage(Schema):
    items: list[TargetOut]
    next_cursor: str | None


class TargetFilters(Schema):
    status: TargetStatus | None = None
    metric: str | None = None
    unit: int | None = Field(None, description="Targets of this unit or below it.")


@router.get("", response=TargetPage, summary="The targets of the caller's jurisdiction, the nearest deadline first")
def list_targets(request, filters: Query[TargetFilters], cursor: str | None = None, limit: int = 50):
    require_permission(request.user, VIEW)
    rows = filtered(TargetFilterSet, filters.dict(), targets_for(request.user), request.user)
    items, next_cursor = keyset_page(rows, ("deadline", "id"), cursor, min(max(limit, 1), 200))
    return {"items": items, "next_cursor": next_cursor}


@router.get("/{int:target_id}", response=TargetOut, summary="A target with its latest value and status")
def read_target(request, target_id: int):
    require_permission(request.user, VIEW)
    return lookup(request.user, targets_for(request.user), target_id)


class ReadingOut(Schema):
    day: date
    value: float


@router.get("/{int:target_id}/readings", response=list[ReadingOut], summary="A target's readings, oldest first")
def read_readings(request, target_id: int):
    require_permission(request.user, VIEW)
    target = lookup(request.user, Target, target_id)
    return list(TargetReading.objects.filter(target=target).order_by("day"))
