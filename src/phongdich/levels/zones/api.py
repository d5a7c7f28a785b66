"""/api/v1/levels/zones: lockdown areas (red zones, red points) in the caller's jurisdiction, their figures,
declaring, extending and lifting one. Scoped like the pages; the same services do the writes. Ids in the path
answer 404 outside the caller's jurisdiction as for a missing area; ids in the body, 422 on their field."""

from datetime import datetime

from ninja import Query, Router, Schema, Status
from pydantic import Field

from phongdich.core.api import filtered, lookup, lookup_field, lookup_fields
from phongdich.core.pagination import keyset_page
from phongdich.core.scoping import require_permission
from phongdich.places.choices import UnitLevel
from phongdich.places.forms import units_for

from ..choices import LeaveTest, ZoneKind
from ..models import Zone
from .filtersets import ZoneFilterSet
from .selectors import leave_test_progress, state_of, zone_figures, zone_residents
from .services import zone_declare, zone_end, zone_extend

router = Router(tags=["levels: lockdown areas"])


class ZoneOut(Schema):
    id: int
    kind: str
    name: str
    unit_id: int = Field(description="The district or commune whose area it lies in.")
    unit_name: str
    unit_ids: list[int] = Field(description="The units inside (their whole subtree).")
    addresses: list[str] = Field(description="Address, building or alley lines inside the unit.")
    polygon: dict | None = Field(description="The boundary as a GeoJSON Polygon or MultiPolygon, if drawn.")
    starts_at: datetime
    planned_end_at: datetime
    ended_at: datetime | None
    ended_early: bool
    state: str = Field(description="planned, open, overdue (past its planned end), ended or ended_early.")
    leave_test: str
    leave_conditions: str
    reason: str
    end_reason: str
    decision: str

    @staticmethod
    def resolve_unit_name(zone) -> str:
        return zone.unit.name

    @staticmethod
    def resolve_unit_ids(zone) -> list[int]:
        return [unit.pk for unit in zone.units.all()]

    @staticmethod
    def resolve_state(zone) -> str:
        return state_of(zone)


class ZonePage(Schema):
    items: list[ZoneOut]
    next_cursor: str | None


class LeaveTestOut(Schema):
    test: str
    residents: int
    negative: int
    positive: int
    waiting: int
    not_sampled: int


class ZoneDetailOut(ZoneOut):
    residents: int = Field(description="People registered inside (their units' subtrees, or at its addresses).")
    leave_test_progress: LeaveTestOut | None = Field(
        description="The residents' samples of the test to leave taken since the start; null when none is asked."
    )


class FiguresOut(Schema):
    open: int
    planned: int
    overdue: int
    ended: int
    ended_early: int
    median_days: float | None
    mean_days: float | None
    residents: int = Field(description="People inside the open areas, each counted once.")


class ZoneFilters(Schema):
    q: str | None = None
    state: str | None = Field(None, description="open, overdue, planned, ended or ended_early.")
    kind: ZoneKind | None = None
    unit: int | None = Field(None, description="Areas lying in this unit or below it.")


def _zones(request, filters: ZoneFilters):
    require_permission(request.user, "levels.view_zone")
    params = filters.dict()
    return filtered(ZoneFilterSet, params, Zone.objects.visible_to(request.user), request.user)


@router.get("", response=ZonePage, summary="Lockdown areas in the caller's jurisdiction, the latest declared first")
def list_zones(request, filters: Query[ZoneFilters], cursor: str | None = None, limit: int = 50):
    rows = _zones(request, filters).select_related("unit").prefetch_related("units")
    items, next_cursor = keyset_page(rows, ("-id",), cursor, min(max(limit, 1), 200))
    return {"items": items, "next_cursor": next_cursor}


@router.get("/figures", response=FiguresOut, summary="Open, ended and early-ended areas; durations; residents inside")
def read_figures(request, filters: Query[ZoneFilters]):
    return zone_figures(_zones(request, filters))


def _detail(zone: Zone) -> Zone:
    residents = zone_residents(zone)
    zone.residents = residents.count()
    zone.leave_test_progress = leave_test_progress(zone, residents)
    return zone


@router.get("/{int:zone_id}", response=ZoneDetailOut, summary="A lockdown area with its residents counted")
def read_zone(request, zone_id: int):
    require_permission(request.user, "levels.view_zone")
    return _detail(lookup(request.user, Zone.objects.select_related("unit"), zone_id))


class ZoneIn(Schema):
    kind: ZoneKind
    name: str
    unit_id: int = Field(
        description="The district or commune whose area it lies in (a residential group issues no decisions)."
    )
    unit_ids: list[int] = Field(default_factory=list, description="Units inside, each within the unit's subtree.")
    addresses: list[str] = Field(default_factory=list, description="Address, building or alley lines, one each.")
    polygon: dict | None = Field(None, description="A GeoJSON Polygon or MultiPolygon (longitude, latitude).")
    starts_at: datetime
    planned_end_at: datetime
    leave_test: LeaveTest = LeaveTest.NONE
    leave_conditions: str = ""
    reason: str = ""
    decision: str = ""


@router.post("", response={201: ZoneDetailOut}, summary="Declare a lockdown area or red point")
def create_zone(request, payload: ZoneIn):
    require_permission(request.user, "levels.add_zone")
    user = request.user
    units = units_for(user, "levels.add_zone").exclude(level=UnitLevel.PROVINCE)
    unit = lookup_field(user, units, payload.unit_id, "unit_id", action=None)
    inside = lookup_fields(user, units, payload.unit_ids, "unit_ids", action=None) if payload.unit_ids else []
    zone = zone_declare(
        actor=user,
        kind=payload.kind,
        name=payload.name,
        unit=unit,
        units=inside,
        addresses=payload.addresses,
        polygon=payload.polygon,
        starts_at=payload.starts_at,
        planned_end_at=payload.planned_end_at,
        leave_test=payload.leave_test,
        leave_conditions=payload.leave_conditions,
        reason=payload.reason,
        decision=payload.decision,
    )
    return Status(201, _detail(zone))


class EndIn(Schema):
    ended_at: datetime
    end_reason: str = Field("", description="Needed when the lockdown is lifted before its planned end.")


@router.post("/{int:zone_id}/end", response=ZoneOut, summary="Lift a lockdown (early: with the reason)")
def end_zone(request, zone_id: int, payload: EndIn):
    require_permission(request.user, "levels.change_zone")
    zone = lookup(request.user, Zone, zone_id, "change")
    return zone_end(actor=request.user, zone=zone, ended_at=payload.ended_at, end_reason=payload.end_reason)


class ExtendIn(Schema):
    planned_end_at: datetime
    reason: str


@router.post("/{int:zone_id}/extend", response=ZoneOut, summary="Move an open lockdown's planned end later")
def extend_zone(request, zone_id: int, payload: ExtendIn):
    require_permission(request.user, "levels.change_zone")
    zone = lookup(request.user, Zone, zone_id, "change")
    return zone_extend(actor=request.user, zone=zone, planned_end_at=payload.planned_end_at, reason=payload.reason)
