"""Writes of supplies: stock moved in and out of a facility, donations in kind and their allocation, the item
catalogue. A stock level changes only here, in the transaction that records the movement, and never below zero:
an outgoing movement takes stock with a conditional UPDATE, so two issues at the same moment cannot both spend it."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.core.templatetags.humanize_vi import num
from phongdich.core.uniqueness import created_once
from phongdich.places.models import AdminUnit, Facility

from .choices import OUTGOING_KINDS, RECORDED_KINDS, Category, DonorKind, MovementKind
from .models import Donation, DonationLine, StockLevel, StockMovement, SupplyItem
from .selectors import SUPPLY_FACILITY_KINDS, facilities_for

MOVEMENT_FIELDS = ["facility", "item", "kind", "quantity", "effect", "occurred_on", "counterpart", "donation", "note"]
ITEM_FIELDS = ["code", "name", "category", "unit_of_measure", "medicine", "consumable", "low_cover_days", "active"]
MAX_QUANTITY = 10**12


# ---- Movements -------------------------------------------------------------------------------------------------


def movement_record(
    *,
    actor,
    facility: Facility,
    item: SupplyItem,
    kind: str,
    quantity: int,
    occurred_on: date | None = None,
    counterpart: Facility | None = None,
    note: str = "",
    idempotency_key: str = "",
) -> StockMovement:
    """A receipt, an issue (daily use), a transfer to another facility (both legs) or a stock count (`quantity`
    is what the count found). A request sent again with the same `idempotency_key` returns what the first recorded."""
    _require_facility(actor, "care.add_stockmovement", facility)
    key = idempotency_key.strip() or None
    if key and (earlier := _by_key(key)):
        return _same_request(earlier, facility)
    _check_movement(item=item, kind=kind, quantity=quantity, facility=facility, counterpart=counterpart)
    day = occurred_on or clock.today()
    _check_day(day)

    def create() -> StockMovement:
        with transaction.atomic():
            return _move(
                actor=actor,
                facility=facility,
                item=item,
                kind=kind,
                quantity=quantity,
                day=day,
                counterpart=counterpart,
                note=note.strip(),
                key=key,
            )

    if key is None:
        return create()
    movement, _created = created_once(create, lambda: _by_key(key))
    return _same_request(movement, facility)


def _same_request(earlier: StockMovement, facility: Facility) -> StockMovement:
    if earlier.facility_id != facility.pk:
        raise ValidationError({"idempotency_key": _("This key was already used for another movement.")})
    return earlier


def _by_key(key: str) -> StockMovement | None:
    return StockMovement.objects.filter(idempotency_key=key).first()


def _require_facility(actor, permission: str, facility: Facility) -> None:
    if not facilities_for(actor, permission).filter(pk=facility.pk).exists():
        raise OutOfScope


def _check_movement(*, item, kind, quantity, facility, counterpart) -> None:
    errors = {}
    if kind not in RECORDED_KINDS:
        errors["kind"] = _("Choose a receipt, an issue, a transfer or a stock count.")
    if not item.active:
        errors["item"] = _("This item is no longer in use.")
    low = 0 if kind == MovementKind.ADJUSTMENT else 1
    if quantity is None or not low <= quantity <= MAX_QUANTITY:
        errors["quantity"] = _("Give a quantity of at least %(low)s.") % {"low": low}
    if kind == MovementKind.TRANSFER_OUT:
        if counterpart is None:
            errors["counterpart"] = _("Choose the facility the stock goes to.")
        elif counterpart.pk == facility.pk:
            errors["counterpart"] = _("A facility cannot transfer stock to itself.")
        elif counterpart.kind not in SUPPLY_FACILITY_KINDS:
            errors["counterpart"] = _("Choose a facility that keeps supplies.")
    if errors:
        raise ValidationError(errors)


def _check_day(day: date) -> None:
    if day > clock.today():
        raise ValidationError({"occurred_on": _("The day cannot be in the future.")})


def _move(*, actor, facility, item, kind, quantity, day, counterpart, note, key, donation=None) -> StockMovement:
    if kind in OUTGOING_KINDS:
        _take(facility, item, quantity)
        effect = -quantity
    elif kind == MovementKind.ADJUSTMENT:
        effect = _count(facility, item, quantity)
    else:
        _put(facility, item, quantity)
        effect = quantity
    movement = _movement(
        actor, facility, item, kind, quantity, effect, day, counterpart, note, key=key, donation=donation
    )
    if kind == MovementKind.TRANSFER_OUT:
        _put(counterpart, item, quantity)
        _movement(actor, counterpart, item, MovementKind.TRANSFER_IN, quantity, quantity, day, facility, note)
    return movement


def _take(facility: Facility, item: SupplyItem, quantity: int) -> None:
    taken = StockLevel.objects.filter(facility=facility, item=item, quantity__gte=quantity).update(
        quantity=F("quantity") - quantity, updated_at=clock.now()
    )
    if not taken:
        on_hand = StockLevel.objects.filter(facility=facility, item=item).values_list("quantity", flat=True).first()
        raise ValidationError({"quantity": not_enough_message(item, on_hand or 0, quantity)})


def not_enough_message(item: SupplyItem, on_hand: int, asked: int) -> str:
    return _("Stock of %(item)s: %(on_hand)s left, cannot issue %(asked)s") % {
        "item": item.name,
        "on_hand": num(on_hand),
        "asked": num(asked),
    }


def _put(facility: Facility, item: SupplyItem, quantity: int) -> None:
    level, _created = StockLevel.objects.get_or_create(facility=facility, item=item)
    StockLevel.objects.filter(pk=level.pk).update(quantity=F("quantity") + quantity, updated_at=clock.now())


def _count(facility: Facility, item: SupplyItem, counted: int) -> int:
    """Set the stock to what a count found; the change it makes."""
    StockLevel.objects.get_or_create(facility=facility, item=item)
    level = StockLevel.objects.select_for_update().get(facility=facility, item=item)
    effect = counted - level.quantity
    level.quantity, level.updated_at = counted, clock.now()
    level.save(update_fields=["quantity", "updated_at"])
    return effect


def _movement(actor, facility, item, kind, quantity, effect, day, counterpart, note, *, key=None, donation=None):
    movement = StockMovement.objects.create(
        facility=facility,
        item=item,
        kind=kind,
        quantity=quantity,
        effect=effect,
        occurred_on=day,
        occurred_at=clock.now(),
        counterpart=counterpart,
        donation=donation,
        note=note,
        idempotency_key=key,
        recorded_by=audit.user_of(actor),
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=movement,
        unit_path=facility.unit.path,
        after=audit.snapshot(movement, MOVEMENT_FIELDS),
    )
    return movement


# ---- Donations -------------------------------------------------------------------------------------------------


def donation_record(
    *,
    actor,
    donor_name: str,
    donor_kind: str,
    unit: AdminUnit,
    received_on: date,
    lines: list[tuple[SupplyItem, int]],
    donor_contact: str = "",
    note: str = "",
) -> Donation:
    """What a donor gave, received by `unit`; allocated to facilities afterwards (`donation_allocate`)."""
    if not scope_of(actor, "care.add_donation").covers_path(unit.path):
        raise OutOfScope
    donor_name = donor_name.strip()
    errors = {}
    if not donor_name:
        errors["donor_name"] = _("Give the donor's name.")
    if donor_kind not in DonorKind.values:
        errors["donor_kind"] = _("Choose an organisation or an individual.")
    if received_on > clock.today():
        errors["received_on"] = _("The day cannot be in the future.")
    if line_errors := _line_errors(lines):
        errors["lines"] = line_errors
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        donation = Donation.objects.create(
            donor_name=donor_name,
            donor_kind=donor_kind,
            donor_contact=donor_contact.strip(),
            unit=unit,
            received_on=received_on,
            note=note.strip(),
            recorded_by=audit.user_of(actor),
        )
        DonationLine.objects.bulk_create(
            DonationLine(donation=donation, item=item, quantity=quantity) for item, quantity in lines
        )
        after = audit.snapshot(donation) | {"lines": {item.code: quantity for item, quantity in lines}}
        audit.record(actor=actor, action=AuditAction.CREATE, instance=donation, after=after)
    return donation


def _line_errors(lines: list[tuple[SupplyItem, int]]) -> str:
    if not lines:
        return _("List at least one item received.")
    items = [item.pk for item, _quantity in lines]
    if len(set(items)) != len(items):
        return _("List each item once.")
    if any(not 1 <= quantity <= MAX_QUANTITY for _item, quantity in lines):
        return _("Each item needs a quantity of at least 1.")
    return ""


def donation_allocate(
    *,
    actor,
    donation: Donation,
    facility: Facility,
    item: SupplyItem,
    quantity: int,
    occurred_on: date | None = None,
    note: str = "",
) -> StockMovement:
    """Part of a donation sent to a facility: a receipt there naming the donation. Never more than is left."""
    if not Donation.objects.restrict(actor, "change").filter(pk=donation.pk).exists():
        raise OutOfScope
    _require_facility(actor, "care.change_donation", facility)
    if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError({"quantity": _("Give a quantity of at least %(low)s.") % {"low": 1}})
    day = occurred_on or clock.today()
    _check_day(day)
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(pk=donation.pk)
        left = allocation_left(donation, item)
        if left is None:
            raise ValidationError({"item": _("This donation has no %(item)s.") % {"item": item.name}})
        if quantity > left:
            raise ValidationError({"quantity": over_allocation_message(item, left, quantity)})
        return _move(
            actor=actor,
            facility=facility,
            item=item,
            kind=MovementKind.RECEIPT,
            quantity=quantity,
            day=day,
            counterpart=None,
            note=note.strip() or str(donation),
            key=None,
            donation=donation,
        )


def allocation_left(donation: Donation, item: SupplyItem) -> int | None:
    """What of `item` the donation still has to allocate; None when it holds none of it."""
    received = DonationLine.objects.filter(donation=donation, item=item).values_list("quantity", flat=True).first()
    if received is None:
        return None
    allocated = donation.allocations.filter(item=item).aggregate(total=Sum("quantity"))["total"] or 0
    return received - allocated


def over_allocation_message(item: SupplyItem, left: int, asked: int) -> str:
    return _("%(item)s: %(left)s %(unit)s left to allocate from this donation, cannot allocate %(asked)s") % {
        "item": item.name,
        "left": num(left),
        "unit": item.unit_of_measure,
        "asked": num(asked),
    }


# ---- The item catalogue ----------------------------------------------------------------------------------------


def supply_item_add(*, actor, code: str, **fields) -> SupplyItem:
    _require_province(actor, "care.add_supplyitem")
    code = code.strip().upper()
    fields = _clean_item(fields)
    if not code:
        fields_errors = {"code": _("Give the item a short code.")}
        raise ValidationError(fields_errors)
    if SupplyItem.objects.filter(code__iexact=code).exists():
        raise ValidationError({"code": _("Another item has this code.")})
    with transaction.atomic():
        item = SupplyItem.objects.create(code=code, **fields)
        audit.record(actor=actor, action=AuditAction.CREATE, instance=item, after=audit.snapshot(item, ITEM_FIELDS))
    return item


def supply_item_update(*, actor, item: SupplyItem, **fields) -> SupplyItem:
    """An item's name, category, unit, package, alert threshold and whether it is in use (an item with movements
    is never deleted: set it out of use)."""
    _require_province(actor, "care.change_supplyitem")
    fields = _clean_item(fields)
    with transaction.atomic():
        item = SupplyItem.objects.select_for_update().get(pk=item.pk)
        before = audit.snapshot(item, ITEM_FIELDS)
        for name, value in fields.items():
            setattr(item, name, value)
        item.save(update_fields=list(fields))
        changed_before, changed_after = audit.diff(before, audit.snapshot(item, ITEM_FIELDS))
        audit.record(actor=actor, action=AuditAction.UPDATE, instance=item, before=changed_before, after=changed_after)
    return item


def _require_province(actor, permission: str) -> None:
    if not scope_of(actor, permission).is_provincial:
        raise PermissionDenied(_("Only a province-level administrator changes the supply items."))


def _clean_item(fields: dict) -> dict:
    fields = {**fields, "name": fields["name"].strip(), "unit_of_measure": fields["unit_of_measure"].strip()}
    errors = {}
    if not fields["name"]:
        errors["name"] = _("Give the item's name.")
    if not fields["unit_of_measure"]:
        errors["unit_of_measure"] = _("Give the unit it is counted in (lít, bình, hộp …).")
    if fields["category"] not in Category.values:
        errors["category"] = _("Choose a category.")
    if errors:
        raise ValidationError(errors)
    return fields
