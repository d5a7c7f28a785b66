"""Changes to an order once made: ending it other than by release, who looks after it, visits and calls, medicine
packages, and the places of a concentrated site. Each is scoped by the permission it needs (the community team
records visits and medicine for its group's orders but neither ends nor reassigns them) and audited with the order's
person and unit."""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope, scope_filter, scope_of
from phongdich.places.models import Facility

from ..choices import ContactKind, OrderStatus
from ..models import CareContact, IsolationOrder, MedicineDelivery, MedicineKind
from .orders import facility_checked, responsible_checked

# How an order ends other than by release (release needs its test: care's release part records it).
ENDINGS = {OrderStatus.TRANSFERRED, OrderStatus.BROKEN, OrderStatus.DIED, OrderStatus.MOVED_AWAY}
MAX_QUANTITY = 20
LATE_TOLERANCE = timedelta(minutes=5)  # a phone's clock a little ahead is not "in the future"


def orders_in_scope(actor, permission: str) -> QuerySet:
    """The orders on which `actor` holds `permission` (care.add_carecontact, …), scoped like `restrict`."""
    scope = scope_of(actor, permission)
    rows = IsolationOrder.objects.all()
    if scope.everywhere:
        return rows
    if scope.is_empty:
        return rows.none()
    return rows.filter(scope_filter(IsolationOrder, scope))


def _order_locked(actor, order: IsolationOrder, permission: str) -> IsolationOrder:
    found = (
        orders_in_scope(actor, permission)
        .select_for_update(of=("self",))
        .select_related("unit", "person")
        .filter(pk=order.pk)
        .first()
    )
    if found is None:
        raise OutOfScope(_("No such order in your jurisdiction."))
    return found


def _still_active(order: IsolationOrder, field: str) -> None:
    if order.status != OrderStatus.ACTIVE:
        raise ValidationError({field: _("This order has ended (%(status)s).") % {"status": order.get_status_display()}})


def order_end(
    *, actor, order: IsolationOrder, status: str, ended_on: date, reason: str = "", note: str = ""
) -> IsolationOrder:
    """End an active order other than by release: transferred (to hospital, another site), broke isolation, died,
    moved away. `reason` says where to or why; a transfer needs it."""
    with transaction.atomic():
        order = _order_locked(actor, order, "care.change_isolationorder")
        _still_active(order, "status")
        errors: dict[str, list[str]] = {}
        if status == OrderStatus.RELEASED:
            errors["status"] = [_("A release needs its test: record it on the release list.")]
        elif status not in ENDINGS:
            errors["status"] = [_("Choose how the order ended.")]
        if ended_on is None:
            errors["ended_on"] = [_("Give the date it ended.")]
        elif ended_on < order.starts_on:
            errors["ended_on"] = [
                _("An order cannot end before it started (%(start)s).")
                % {"start": order.starts_on.strftime("%d/%m/%Y")}
            ]
        elif ended_on > clock.today():
            errors["ended_on"] = [_("This date is in the future.")]
        reason, note = (reason or "").strip(), (note or "").strip()
        if status == OrderStatus.TRANSFERRED and not reason:
            errors["reason"] = [_("Say where the person was transferred to.")]
        if len(reason) > 200:
            errors["reason"] = [_("At most 200 characters.")]
        if errors:
            raise ValidationError(errors)
        fields = ["status", "ended_on", "end_reason", "end_params"]
        before = audit.snapshot(order, fields)
        order.status, order.ended_on, order.end_reason = status, ended_on, status
        order.end_params = {"reason": reason, "note": note[:500]}
        order.save(update_fields=fields)
        _audit_update(actor, order, before, fields)
    return order


def order_assign(
    *, actor, order: IsolationOrder, responsible=None, team: str = "", facility: Facility | None = None
) -> IsolationOrder:
    """Who looks after an active order: a health worker, a team, the health facility following it."""
    with transaction.atomic():
        order = _order_locked(actor, order, "care.change_isolationorder")
        _still_active(order, "responsible")
        errors: dict[str, list[str]] = {}
        facility = facility or order.facility
        facility_checked(facility, errors)
        team = (team or "").strip()
        if len(team) > 100:
            errors["team"] = [_("At most 100 characters.")]
        responsible_checked(responsible, order.unit.path, facility, order.site, errors)
        if errors:
            raise ValidationError(errors)
        fields = ["responsible", "team", "facility"]
        before = audit.snapshot(order, fields)
        order.responsible, order.team, order.facility = responsible, team, facility
        order.save(update_fields=fields)
        _audit_update(actor, order, before, fields)
    return order


def _audit_update(actor, order: IsolationOrder, before: dict, fields: list[str]) -> None:
    changed_before, changed_after = audit.diff(before, audit.snapshot(order, fields))
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=order,
        person_id=order.person_id,
        unit_path=order.unit.path,
        before=changed_before,
        after=changed_after,
    )


def _when_checked(order: IsolationOrder, at: datetime | None, field: str) -> None:
    if at is None:
        raise ValidationError({field: _("Give the date and time.")})
    if at > clock.now() + LATE_TOLERANCE:
        raise ValidationError({field: _("This time is in the future.")})
    day = timezone.localdate(at)
    if day < order.starts_on:
        raise ValidationError(
            {field: _("The order starts on %(start)s.") % {"start": order.starts_on.strftime("%d/%m/%Y")}}
        )
    if order.ended_on is not None and day > order.ended_on:
        raise ValidationError({field: _("The order ended on %(end)s.") % {"end": order.ended_on.strftime("%d/%m/%Y")}})


def contact_record(*, actor, order: IsolationOrder, kind: str, done_at: datetime, note: str = "") -> CareContact:
    """A visit or a call to the person under an order."""
    with transaction.atomic():
        order = _order_locked(actor, order, "care.add_carecontact")
        if kind not in ContactKind.values:
            raise ValidationError({"kind": _("Choose a visit or a call.")})
        _when_checked(order, done_at, "done_at")
        contact = CareContact.objects.create(
            order=order, kind=kind, done_at=done_at, note=(note or "").strip()[:500], done_by=audit.user_of(actor)
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=contact,
            person_id=order.person_id,
            unit_path=order.unit.path,
            after=audit.snapshot(contact),
        )
    return contact


def medicine_deliver(
    *, actor, order: IsolationOrder, kind: MedicineKind, quantity: int, delivered_at: datetime
) -> MedicineDelivery:
    """A medicine package handed to the person under an order."""
    with transaction.atomic():
        order = _order_locked(actor, order, "care.add_medicinedelivery")
        if kind is None or not kind.active:
            raise ValidationError({"kind": _("Choose a package in use.")})
        if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
            raise ValidationError({"quantity": _("Between 1 and %(most)s packages.") % {"most": MAX_QUANTITY}})
        _when_checked(order, delivered_at, "delivered_at")
        delivery = MedicineDelivery.objects.create(
            order=order, kind=kind, quantity=quantity, delivered_at=delivered_at, delivered_by=audit.user_of(actor)
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=delivery,
            person_id=order.person_id,
            unit_path=order.unit.path,
            after=audit.snapshot(delivery),
        )
    return delivery
