"""Splitting a shipment across the units below the area it is for, recording deliveries to sites.

The formula, written on the shipment with its weights so anyone can check it:
    need = a × unvaccinated priority people + b × other unvaccinated eligible people
           + c × people waiting for their next primary dose
    doses = the shipment split in proportion to need (largest remainder, so the shares add up exactly).
The weights a, b, c (3, 1, 1 to start) are part of the vaccination rules in force on the shipment's date.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.arithmetic import largest_remainder
from phongdich.core.choices import AuditAction
from phongdich.core.rules import in_force
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.core.templatetags.humanize_vi import num
from phongdich.places.models import AdminUnit, Facility

from ..choices import ShipmentStatus
from ..models import Allocation, Delivery, Shipment, VaccinationRules, VaccineProduct

FORMULA = (
    "need = {priority_unvaccinated} × unvaccinated priority people (65+, chronic disease, pregnant, front line) "
    "+ {other_unvaccinated} × other unvaccinated people aged 5+ "
    "+ {awaiting_next_dose} × people waiting for their next primary dose; "
    "doses in proportion to need, largest remainder"
)


def allocation_inputs(unit: AdminUnit) -> list[tuple[AdminUnit, dict]]:
    from ..selectors import coverage_by_child, priority_counts

    priority = priority_counts(unit)
    inputs = []
    for child, coverage in coverage_by_child(unit):
        eligible_unvaccinated = coverage.count("5+", "residents") - coverage.count("5+", "one_dose")
        priority_unvaccinated = sum(priority.get(child.path, {}).values())
        inputs.append(
            (
                child,
                {
                    "priority_unvaccinated": priority_unvaccinated,
                    "other_unvaccinated": max(eligible_unvaccinated - priority_unvaccinated, 0),
                    "awaiting_next_dose": coverage.count("5+", "one_dose") - coverage.count("5+", "full"),
                },
            )
        )
    return inputs


def _require_unit(actor, permission: str, unit: AdminUnit) -> None:
    if not scope_of(actor, permission).covers_path(unit.path):
        raise OutOfScope(_("No such unit in your jurisdiction."))


def shipment_propose(
    *, actor, product: VaccineProduct, doses: int, received_on, unit: AdminUnit, reference: str = ""
) -> Shipment:
    with transaction.atomic():
        _require_unit(actor, "vaccination.add_shipment", unit)
        if doses <= 0:
            raise ValidationError({"doses": _("A shipment has at least one dose.")})
        inputs = allocation_inputs(unit)
        if not inputs:
            raise ValidationError({"unit": _("%(unit)s has no units below it to split across.") % {"unit": unit.name}})
        weights = in_force(VaccinationRules, received_on).allocation_weights
        needs = [sum(weights[key] * value for key, value in values.items()) for _child, values in inputs]
        shares = largest_remainder(doses, needs) if sum(needs) else largest_remainder(doses, [1] * len(needs))
        shipment = Shipment.objects.create(
            product=product,
            doses=doses,
            received_on=received_on,
            unit=unit,
            reference=reference.strip(),
            formula={"weights": weights, "text": FORMULA.format(**weights)},
            created_by=audit.user_of(actor),
        )
        Allocation.objects.bulk_create(
            Allocation(shipment=shipment, unit=child, inputs=values, need=need, proposed=share, doses=share)
            for (child, values), need, share in zip(inputs, needs, shares, strict=True)
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=shipment,
            unit_path=unit.path,
            after={"doses": doses, "product": product.code},
        )
    return shipment


def _locked_shipment(actor, shipment: Shipment) -> Shipment:
    locked = Shipment.objects.restrict(actor, "change").select_for_update(of=("self",)).filter(pk=shipment.pk).first()
    if locked is None:
        raise OutOfScope(_("No such shipment in your jurisdiction."))
    if locked.status != ShipmentStatus.PROPOSED:
        raise ValidationError(_("This split is approved and can no longer change."))
    return locked


def allocation_set(*, actor, shipment: Shipment, doses_by_unit: dict[int, int]) -> Shipment:
    """Edit the proposed split. The shares must still add up to the shipment."""
    with transaction.atomic():
        shipment = _locked_shipment(actor, shipment)
        allocations = {a.unit_id: a for a in shipment.allocations.select_for_update()}
        if unknown := set(doses_by_unit) - set(allocations):
            raise ValidationError(_("Units %(ids)s are not part of this split.") % {"ids": sorted(unknown)})
        if any(value < 0 for value in doses_by_unit.values()):
            raise ValidationError(_("A share cannot be negative."))
        after = {unit_id: doses_by_unit.get(unit_id, a.doses) for unit_id, a in allocations.items()}
        if sum(after.values()) != shipment.doses:
            raise ValidationError(
                _("The shares add up to %(sum)s doses; the shipment has %(doses)s.")
                % {"sum": num(sum(after.values())), "doses": num(shipment.doses)}
            )
        changed = [a for unit_id, a in allocations.items() if a.doses != after[unit_id]]
        before = {a.unit_id: a.doses for a in changed}
        for allocation in changed:
            allocation.doses = after[allocation.unit_id]
        Allocation.objects.bulk_update(changed, ["doses"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=shipment,
            before=before,
            after={a.unit_id: a.doses for a in changed},
        )
    return shipment


def shipment_approve(*, actor, shipment: Shipment, doses_by_unit: dict[int, int] | None = None) -> Shipment:
    """Approve the split, with the shares as last edited (`doses_by_unit`) saved first, so an approval never
    drops an edit made on the same page."""
    with transaction.atomic():
        if doses_by_unit is not None:
            allocation_set(actor=actor, shipment=shipment, doses_by_unit=doses_by_unit)
        shipment = _locked_shipment(actor, shipment)
        shipment.status, shipment.approved_by, shipment.approved_at = (
            ShipmentStatus.APPROVED,
            audit.user_of(actor),
            clock.now(),
        )
        shipment.save(update_fields=["status", "approved_by", "approved_at"])
        audit.record(actor=actor, action=AuditAction.UPDATE, instance=shipment, after={"status": shipment.status})
    return shipment


def delivery_record(
    *,
    actor,
    site: Facility,
    product: VaccineProduct,
    doses: int,
    delivered_on,
    lot: str = "",
    allocation: Allocation | None = None,
    note: str = "",
) -> Delivery:
    """Doses arriving at a site (positive), or leaving it as waste or transfer (negative, with a note)."""
    if doses == 0:
        raise ValidationError({"doses": _("Enter the number of doses delivered (or a negative number for waste).")})
    if doses < 0 and not note.strip():
        raise ValidationError({"note": _("Say why doses leave the site (wasted, expired, transferred).")})
    with transaction.atomic():
        scope = scope_of(actor, "vaccination.add_delivery")
        if not (scope.covers_path(site.unit.path) or site.pk in scope.facility_ids):
            raise OutOfScope(_("No such site in your jurisdiction."))
        if allocation is not None and allocation.shipment.status != ShipmentStatus.APPROVED:
            raise ValidationError({"allocation": _("Deliver only from an approved split.")})
        delivery = Delivery.objects.create(
            site=site,
            product=product,
            lot=lot.strip(),
            doses=doses,
            delivered_on=delivered_on,
            allocation=allocation,
            note=note.strip(),
            recorded_by=audit.user_of(actor),
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=delivery,
            unit_path=site.unit.path,
            after={"doses": doses, "product": product.code},
        )
    return delivery
