"""/api/v1/care/supplies: stock of the facilities in the caller's jurisdiction with days of cover, the low-stock
alerts, and recording a movement (a retried request with the same idempotency key records nothing twice)."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from phongdich.core.api import lookup, lookup_field
from phongdich.core.scoping import require_permission
from phongdich.places.models import Facility

from .choices import Category, MovementKind
from .models import StockMovement, SupplyItem
from .selectors import SUPPLY_FACILITY_KINDS, StockRow, facilities_for, low_stock, stock_rows
from .services import movement_record

router = Router(tags=["care"])


class StockOut(Schema):
    facility_id: int
    facility_name: str
    item_code: str
    item_name: str
    category: str
    unit_of_measure: str
    on_hand: int
    daily_use: float = Field(description="Average issued a day over the last 7 days.")
    cover_days: float | None = Field(
        description="Days the stock lasts at that use; null when nothing was used, or for equipment."
    )
    low: bool


class StockFilters(Schema):
    facility: int | None = None
    category: Category | None = None
    low: bool = False


class MovementIn(Schema):
    facility_id: int
    item: str = Field(description="The item's code (GET /care/supplies/items).")
    kind: MovementKind = Field(description="receipt, issue, transfer_out or adjustment (a stock count).")
    quantity: int = Field(description="What moved; for a stock count, what the count found.")
    occurred_on: date | None = Field(None, description="Default: today.")
    counterpart_id: int | None = Field(None, description="For a transfer: the facility receiving it.")
    note: str = ""
    idempotency_key: str = Field("", max_length=64, description="Chosen by the client: a retry records nothing twice.")


class MovementOut(Schema):
    id: int
    facility_id: int
    item_code: str
    kind: str
    quantity: int
    effect: int
    occurred_on: date
    occurred_at: datetime
    counterpart_id: int | None
    donation_id: int | None
    note: str

    @staticmethod
    def resolve_item_code(movement) -> str:
        return movement.item.code


class ItemOut(Schema):
    id: int
    code: str
    name: str
    category: str
    unit_of_measure: str
    consumable: bool = Field(description="False for equipment (not used up): no days of cover, no low-stock alert.")
    low_cover_days: int
    active: bool


def _stock_out(row: StockRow) -> dict:
    return {
        "facility_id": row.facility.pk,
        "facility_name": row.facility.name,
        "item_code": row.item.code,
        "item_name": row.item.name,
        "category": row.item.category,
        "unit_of_measure": row.item.unit_of_measure,
        "on_hand": row.on_hand,
        "daily_use": round(row.daily_use, 2),
        "cover_days": None if row.cover_days is None else round(row.cover_days, 1),
        "low": row.low,
    }


@router.get("/stock", response=list[StockOut], summary="Stock of each facility in the caller's jurisdiction")
def list_stock(request, filters: Query[StockFilters]):
    require_permission(request.user, "care.view_stocklevel")
    facilities = facilities_for(request.user)
    if filters.facility is not None:
        facilities = facilities.filter(pk=lookup(request.user, facilities, filters.facility, None).pk)
    rows = stock_rows(facilities, category=filters.category or "", low_only=filters.low)
    return [_stock_out(row) for row in rows]


@router.get("/low-stock", response=list[StockOut], summary="Low-stock alerts, the shortest cover first")
def list_low_stock(request):
    require_permission(request.user, "care.view_stocklevel")
    return [_stock_out(row) for row in low_stock(request.user)]


@router.post("/movements", response={201: MovementOut, 200: MovementOut}, summary="Record a stock movement")
def record_movement(request, payload: MovementIn):
    """201 with the movement; 200 with the first one when the idempotency key was already used."""
    require_permission(request.user, "care.add_stockmovement")
    user = request.user
    facility = lookup(user, facilities_for(user, "care.add_stockmovement"), payload.facility_id, None)
    others = Facility.objects.visible_to(user).filter(kind__in=SUPPLY_FACILITY_KINDS)
    counterpart = lookup_field(user, others, payload.counterpart_id, "counterpart_id", None)
    item = SupplyItem.objects.filter(active=True, code=payload.item).first()
    if item is None:
        raise ValidationError({"item": _("Choose an item in use.")})
    key = payload.idempotency_key.strip()
    known = bool(key) and StockMovement.objects.filter(idempotency_key=key).exists()
    movement = movement_record(
        actor=user,
        facility=facility,
        item=item,
        kind=payload.kind,
        quantity=payload.quantity,
        occurred_on=payload.occurred_on,
        counterpart=counterpart,
        note=payload.note,
        idempotency_key=key,
    )
    return Status(200 if known else 201, movement)


@router.get("/items", response=list[ItemOut], summary="The supply items")
def list_items(request):
    require_permission(request.user, "care.view_supplyitem")
    return list(SupplyItem.objects.order_by("category", "code"))
