"""Putting a facility in the tower and keeping its beds and equipment: every change of capacity is dated, so past
occupancy stays right, and refused below the patients already in the beds."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.places.models import Facility

from ..choices import AdmissionStatus, BedKind, FacilityStatus, Tier, TransferStatus
from ..models import Admission, TransferRequest, TreatmentFacility, Ward, WardCapacity
from ..selectors import towers_for

MAX_BEDS = 20_000
EQUIPMENT = ("ventilators", "high_flow_oxygen", "ecmo")


def facility_enrol(
    *,
    actor,
    facility: Facility,
    tier: int,
    beds: dict[str, int],
    latitude=None,
    longitude=None,
    equipment: dict[str, int] | None = None,
) -> TreatmentFacility:
    """Put a facility in the tower at a tier with its beds by kind."""
    with transaction.atomic():
        facility = _facility_in_scope(actor, facility.pk)
        errors: dict[str, list[str]] = {}
        if tier not in Tier.values:
            errors["tier"] = [_("Choose tier 1, 2 or 3.")]
        if TreatmentFacility.objects.filter(facility=facility).exists():
            errors["facility"] = [_("%(name)s is already in the tower.") % {"name": facility.name}]
        errors.update(_beds_errors(beds))
        if errors:
            raise ValidationError(errors)
        tower = TreatmentFacility.objects.create(
            facility=facility, tier=tier, latitude=latitude, longitude=longitude, **(equipment or {})
        )
        for kind, count in beds.items():
            ward = Ward.objects.create(facility=facility, bed_kind=kind, beds=count)
            WardCapacity.objects.create(ward=ward, beds=count, recorded_by=audit.user_of(actor), reason=_("Opened"))
        audit.record(actor=actor, action=AuditAction.CREATE, instance=tower, after={"tier": tier, "beds": beds})
    return tower


def _facility_in_scope(actor, facility_id: int) -> Facility:
    scope = scope_of(actor, "care.add_treatmentfacility")
    found = Facility.objects.select_related("unit").filter(pk=facility_id).first()
    if found is None or not (scope.everywhere or scope.covers_path(found.unit.path)):
        raise OutOfScope(_("No such facility in your jurisdiction."))
    return found


def _beds_errors(beds: dict[str, int]) -> dict[str, list[str]]:
    errors = {}
    for kind, count in beds.items():
        if kind not in BedKind.values:
            errors["beds"] = [_("Unknown bed kind “%(kind)s”.") % {"kind": kind}]
        elif not isinstance(count, int) or not 0 <= count <= MAX_BEDS:
            errors[f"beds_{kind}"] = [
                _("A whole number from 0 to %(max)s.") % {"max": f"{MAX_BEDS:,}".replace(",", ".")}
            ]
    return errors


def tower_locked(actor, facility_id: int, permission: str = "care.change_treatmentfacility") -> TreatmentFacility:
    found = towers_for(actor, permission).select_for_update(of=("self",)).filter(facility_id=facility_id).first()
    if found is None:
        raise OutOfScope(_("No such facility in your jurisdiction."))
    return found


def facility_update(
    *, actor, facility: Facility, status: str, equipment: dict[str, int], note: str = ""
) -> TreatmentFacility:
    """Status (open, closing, returned to its owner) and equipment. A facility is returned only once empty."""
    with transaction.atomic():
        tower = tower_locked(actor, facility.pk)
        errors: dict[str, list[str]] = {}
        if status not in FacilityStatus.values:
            errors["status"] = [_("Choose a status.")]
        elif status == FacilityStatus.RETURNED and Ward.objects.filter(facility=facility, occupied__gt=0).exists():
            errors["status"] = [_("Patients are still in this facility: it can be returned once they have left.")]
        for name in EQUIPMENT:
            value = equipment.get(name, getattr(tower, name))
            if not isinstance(value, int) or not 0 <= value <= 1000:
                errors[name] = [_("A whole number from 0 to 1.000.")]
        if errors:
            raise ValidationError(errors)
        fields = ["status", "status_note", *EQUIPMENT]
        before = audit.snapshot(tower, fields)
        tower.status, tower.status_note = status, (note or "").strip()[:300]
        for name in EQUIPMENT:
            setattr(tower, name, equipment.get(name, getattr(tower, name)))
        tower.save(update_fields=fields)
        audit.record(
            actor=actor, action=AuditAction.UPDATE, instance=tower, before=before, after=audit.snapshot(tower, fields)
        )
    return tower


def capacity_set(*, actor, facility: Facility, bed_kind: str, beds: int, reason: str = "") -> Ward:
    """A ward's capacity from now on. Lowering it below the patients in it and the beds held is refused."""
    if bed_kind not in BedKind.values:
        raise ValidationError({"bed_kind": _("Choose a bed kind.")})
    if not isinstance(beds, int) or not 0 <= beds <= MAX_BEDS:
        raise ValidationError(
            {"beds": _("A whole number from 0 to %(max)s.") % {"max": f"{MAX_BEDS:,}".replace(",", ".")}}
        )
    with transaction.atomic():
        tower_locked(actor, facility.pk, "care.change_ward")
        ward, _created = Ward.objects.get_or_create(facility=facility, bed_kind=bed_kind)
        changed = Ward.objects.filter(pk=ward.pk, occupied__lte=beds - F("held")).update(beds=beds)
        if not changed:
            ward.refresh_from_db()
            raise ValidationError({"beds": _too_few_beds(bed_kind, beds, ward)})
        before = ward.beds
        ward.refresh_from_db()
        WardCapacity.objects.create(
            ward=ward,
            beds=beds,
            valid_from=clock.now(),
            recorded_by=audit.user_of(actor),
            reason=(reason or "").strip()[:200],
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=ward,
            object_repr=f"{facility.name}: {BedKind(bed_kind).label}",
            before={"beds": before},
            after={"beds": beds, "reason": reason},
        )
    return ward


def _too_few_beds(bed_kind: str, beds: int, ward: Ward) -> str:
    values = {"kind": BedKind(bed_kind).label.lower(), "beds": beds, "occupied": ward.occupied, "held": ward.held}
    if ward.held:
        return (
            _(
                "The %(kind)s cannot go down to %(beds)s: %(occupied)s patients are in them and %(held)s beds are "
                "held for transfers."
            )
            % values
        )
    return _("The %(kind)s cannot go down to %(beds)s: %(occupied)s patients are in them.") % values


def wards_recount() -> int:
    """Set every ward's occupied and held counts from the admissions and accepted transfers themselves, for a bulk
    load (the demo) or a repair; a ward counting more than its beds gets as many. Returns the wards changed."""
    occupied = _counts(Admission.objects.filter(status=AdmissionStatus.ADMITTED), "facility_id")
    held = _counts(TransferRequest.objects.filter(status=TransferStatus.ACCEPTED), "to_facility_id")
    changed = []
    for ward in Ward.objects.all():
        key = (ward.facility_id, ward.bed_kind)
        counts = (occupied.get(key, 0), held.get(key, 0))
        if counts != (ward.occupied, ward.held):
            ward.occupied, ward.held = counts
            ward.beds = max(ward.beds, sum(counts))
            changed.append(ward)
    Ward.objects.bulk_update(changed, ["occupied", "held", "beds"], batch_size=500)
    return len(changed)


def _counts(rows, facility_field: str) -> dict[tuple[int, str], int]:
    grouped = rows.order_by().values(facility_field, "bed_kind").annotate(count=Count("id"))
    return {(row[facility_field], row["bed_kind"]): row["count"] for row in grouped}
