"""Admissions: a patient takes a bed, moves up or down the tiers, is discharged or dies.

A bed is taken by a conditional update of its ward (occupied + 1 only while a bed is free), in the admission's
transaction: two admissions racing for the last bed cannot both succeed, on SQLite and PostgreSQL alike."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope
from phongdich.labs.choices import Result, SampleStatus
from phongdich.labs.models import Sample
from phongdich.people.models import Person

from ...choices import F0_KINDS, OrderStatus
from ...models import IsolationOrder, IsolationRules
from ..choices import AdmissionStatus, BedKind, DeathCause, FacilityStatus, TransferStatus
from ..models import Admission, TransferRequest, Ward
from ..rules import severity_of, tower_rules_on
from ..selectors import towers_for

VITALS = {"breathing_rate": (5, 80), "spo2": (50, 100), "pulse": (20, 250)}


class NoFreeBed(ValidationError):
    """The facility has no free bed of the kind: the API answers it 409, the pages as a form error."""


def no_free_bed(facility, bed_kind: str) -> NoFreeBed:
    return NoFreeBed(
        {
            "bed_kind": _("%(facility)s has no free %(kind)s.")
            % {"facility": facility.name, "kind": BedKind(bed_kind).label.lower()}
        }
    )


def admit(
    *,
    actor,
    person: Person,
    facility,
    bed_kind: str,
    vitals: dict | None = None,
    severity: str = "",
    note: str = "",
    transfer: TransferRequest | None = None,
    client_key: str = "",
) -> Admission:
    """Admit a person to a bed of a kind. A retried request with the same `client_key` gives back the admission
    it made. The person's home-treatment or site order ends as transferred; an admission they were in at another
    facility ends as transferred too."""
    client_key = (client_key or "").strip()[:64]
    if client_key and (done := Admission.objects.filter(client_key=client_key).first()) is not None:
        return _same_or_refused(done, person, facility)
    with transaction.atomic():
        tower = towers_for(actor, "care.add_admission").filter(facility_id=facility.pk).first()
        if tower is None:
            raise OutOfScope(_("No such facility in your jurisdiction."))
        facility = tower.facility
        if transfer is not None:
            transfer = TransferRequest.objects.select_for_update().get(pk=transfer.pk)
        person = _person_for(actor, person, transfer)
        vitals = _vitals_checked(vitals or {})
        rules = tower_rules_on(clock.today())
        severity = severity or severity_of(vitals, rules)
        _admission_checked(tower, person, bed_kind, transfer, severity)
        _bed_taken(facility, bed_kind, transfer)
        previous = _previous_ended(actor, person, transfer)
        admission = Admission(
            person=person,
            facility=facility,
            bed_kind=bed_kind,
            severity=severity,
            vitals=vitals,
            rules=rules,
            previous=previous,
            transfer=transfer,
            note=(note or "").strip()[:300],
            admitted_by=audit.user_of(actor),
            client_key=client_key or None,
        )
        admission.order = _orders_ended(actor, person, facility)
        try:
            with transaction.atomic():
                admission.save()
        except IntegrityError as error:
            raise ValidationError({"person": _("This person is already in a bed.")}) from error
        if transfer is not None:
            TransferRequest.objects.filter(pk=transfer.pk).update(status=TransferStatus.ADMITTED, closed_at=clock.now())
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=admission,
            person_id=person.pk,
            unit_path=facility.unit.path,
            after=audit.snapshot(admission, ["facility", "bed_kind", "severity", "vitals", "previous", "transfer"]),
        )
    return admission


def _same_or_refused(done: Admission, person, facility) -> Admission:
    if done.person_id != person.pk or done.facility_id != facility.pk:
        raise ValidationError({"client_key": _("This request key was already used for another admission.")})
    return done


def _person_for(actor, person: Person, transfer: TransferRequest | None) -> Person:
    """The person, if the actor may see them or is taking them in on a transfer it accepted."""
    if transfer is not None:
        if transfer.person_id != person.pk:
            raise ValidationError({"person": _("This transfer is for another person.")})
        return Person.objects.get(pk=person.pk)
    found = Person.objects.visible_to(actor).filter(pk=person.pk, merged_into__isnull=True).first()
    if found is None:
        raise OutOfScope(_("No such person in your jurisdiction."))
    return found


def _vitals_checked(vitals: dict) -> dict:
    errors, kept = {}, {}
    for name, (low, high) in VITALS.items():
        value = vitals.get(name)
        if value in (None, ""):
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not low <= number <= high:
            errors[name] = [_("A whole number from %(low)d to %(high)d.") % {"low": low, "high": high}]
        else:
            kept[name] = number
    if errors:
        raise ValidationError(errors)
    return kept


def _admission_checked(tower, person, bed_kind: str, transfer, severity: str) -> None:
    errors: dict[str, list[str]] = {}
    if bed_kind not in BedKind.values:
        errors["bed_kind"] = [_("Choose a bed kind.")]
    if severity not in {choice for choice, _label in Admission._meta.get_field("severity").choices}:
        errors["severity"] = [_("Choose a severity.")]
    if tower.status != FacilityStatus.OPEN:
        errors["facility"] = [
            _("%(name)s is %(status)s: it admits no one.")
            % {"name": tower.facility.name, "status": tower.get_status_display().lower()}
        ]
    if transfer is not None and (
        transfer.status != TransferStatus.ACCEPTED or transfer.to_facility_id != tower.facility_id
    ):
        errors["transfer"] = [_("This transfer has not been accepted by this facility.")]
    if transfer is not None and transfer.bed_kind != bed_kind:
        errors["bed_kind"] = [
            _("The bed held for this transfer is a %(kind)s.") % {"kind": transfer.get_bed_kind_display().lower()}
        ]
    open_here = (
        Admission.objects.filter(person=person, status=AdmissionStatus.ADMITTED).select_related("facility").first()
    )
    if open_here is not None and (transfer is None or transfer.from_admission_id != open_here.pk):
        errors["person"] = [
            _("This person is already in a bed at %(facility)s: transfer them from there.")
            % {"facility": open_here.facility.name}
        ]
    if errors:
        raise ValidationError(errors)


def _bed_taken(facility, bed_kind: str, transfer) -> None:
    """Take a free bed, or the bed held for the transfer; refuse when there is none."""
    wards = Ward.objects.filter(facility=facility, bed_kind=bed_kind)
    if transfer is not None:
        taken = wards.filter(held__gt=0).update(held=F("held") - 1, occupied=F("occupied") + 1)
    else:
        taken = wards.filter(occupied__lt=F("beds") - F("held")).update(occupied=F("occupied") + 1)
    if not taken:
        raise no_free_bed(facility, bed_kind)


def _bed_freed(admission: Admission) -> None:
    Ward.objects.filter(facility_id=admission.facility_id, bed_kind=admission.bed_kind, occupied__gt=0).update(
        occupied=F("occupied") - 1
    )


def _previous_ended(actor, person, transfer) -> Admission | None:
    if transfer is None or transfer.from_admission_id is None:
        return None
    previous = Admission.objects.select_for_update().get(pk=transfer.from_admission_id)
    if previous.status != AdmissionStatus.ADMITTED:
        return previous
    previous.status, previous.ended_at = AdmissionStatus.TRANSFERRED, clock.now()
    previous.save(update_fields=["status", "ended_at"])
    _bed_freed(previous)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=previous,
        person_id=person.pk,
        unit_path=audit.unit_path_of(previous.facility),
        after={"status": previous.status},
    )
    return previous


def _orders_ended(actor, person, facility) -> IsolationOrder | None:
    """End the person's active F0 order as transferred to this facility: home treatment always, a concentrated
    site's order when the bed is elsewhere (a patient in a bed of the site itself stays on its order)."""
    order = (
        IsolationOrder.objects.select_for_update(of=("self",))
        .filter(person=person, status=OrderStatus.ACTIVE, kind__in=F0_KINDS)
        .exclude(site=facility)
        .first()
    )
    if order is None:
        return None
    fields = ["status", "ended_on", "end_reason", "end_params"]
    before = audit.snapshot(order, fields)
    order.status, order.ended_on, order.end_reason = OrderStatus.TRANSFERRED, clock.today(), OrderStatus.TRANSFERRED
    order.end_params = {"reason": _("Admitted to %(facility)s") % {"facility": facility.name}}
    order.save(update_fields=fields)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=order,
        person_id=person.pk,
        unit_path=audit.unit_path_of(order),
        before=before,
        after=audit.snapshot(order, fields),
    )
    return order


def admission_locked(actor, admission: Admission) -> Admission:
    found = (
        Admission.objects.restrict(actor, "change")
        .select_for_update(of=("self",))
        .select_related("facility__unit", "person")
        .filter(pk=admission.pk)
        .first()
    )
    if found is None:
        raise OutOfScope(_("No such admission in your jurisdiction."))
    return found


@dataclass
class DischargeCheck:
    ready: bool
    reasons: list[str]


def discharge_check(admission: Admission, at: datetime) -> DischargeCheck:
    """Care I's hospital discharge rule for the day: enough days since treatment began, and the last negative
    tests (or Ct at least the threshold), far enough apart."""
    rule = _discharge_rule(timezone.localdate(at))
    began = treatment_began(admission)
    day = (timezone.localdate(at) - began).days + 1
    reasons = []
    if rule.get("day") and day < rule["day"]:
        reasons.append(
            _("Day %(day)s of treatment (since %(began)s): discharge from day %(needed)s.")
            % {"day": day, "began": began.strftime("%d/%m/%Y"), "needed": rule["day"]}
        )
    needed = rule.get("negative_tests") or 0
    if needed:
        clear = _clearing_tests(admission.person_id, began, at, rule)
        if len(clear) < needed:
            reasons.append(
                _("%(have)s of the %(needed)s negative tests (or Ct ≥ %(ct)s) %(hours)s hours apart.")
                % {
                    "have": len(clear),
                    "needed": needed,
                    "ct": rule.get("ct_at_least", 30),
                    "hours": rule.get("hours_apart", 0),
                }
            )
    return DischargeCheck(ready=not reasons, reasons=reasons)


def _discharge_rule(day: date) -> dict:
    rules = IsolationRules.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    return rules.discharge if rules is not None else {}


def treatment_began(admission: Admission) -> date:
    """The first day of this episode: the first admission of the chain, or the home order before it."""
    first = admission
    while first.previous_id is not None:
        first = first.previous
    began = timezone.localdate(first.admitted_at)
    if first.order_id is not None and first.order.starts_on < began:
        began = first.order.starts_on
    return began


def _clearing_tests(person_id: int, began: date, at: datetime, rule: dict) -> list[datetime]:
    """The latest run of released tests that clear the patient, newest first, each far enough from the next."""
    ct_at_least = rule.get("ct_at_least") or 0
    apart = timedelta(hours=rule.get("hours_apart") or 0)
    samples = (
        Sample.objects.filter(person_id=person_id, status=SampleStatus.RELEASED, sampled_at__lte=at)
        .filter(sampled_at__date__gte=began)
        .order_by("-sampled_at")
        .values_list("sampled_at", "result", "ct_e", "ct_n", "ct_rdrp")
    )
    clear: list[datetime] = []
    for sampled_at, result, *cts in samples:
        values = [ct for ct in cts if ct is not None]
        clears = result == Result.NEGATIVE or (result == Result.POSITIVE and values and min(values) >= ct_at_least)
        if not clears:
            break
        if not clear or clear[-1] - sampled_at >= apart:
            clear.append(sampled_at)
    return clear


def discharge(
    *, actor, admission: Admission, at: datetime | None = None, override: str = "", note: str = ""
) -> Admission:
    """Discharge under the rules; before they allow it only with a doctor's reason, which is stored."""
    at = at or clock.now()
    override = (override or "").strip()
    with transaction.atomic():
        admission = admission_locked(actor, admission)
        _still_in_bed(admission, at)
        check = discharge_check(admission, at)
        if not check.ready and not override:
            raise ValidationError(
                {
                    "override": [
                        _("The discharge rules are not met yet:"),
                        *check.reasons,
                        _("Give the doctor's reason to discharge now."),
                    ]
                }
            )
        _ended(actor, admission, AdmissionStatus.DISCHARGED, at, discharge_override=override[:300], note=note)
    return admission


def death_record(*, actor, admission: Admission, died_on: date, cause: str, note: str = "") -> Admission:
    errors: dict[str, list[str]] = {}
    if cause not in DeathCause.values:
        errors["cause"] = [_("Choose the cause of death.")]
    if died_on is None:
        errors["died_on"] = [_("Give the date of death.")]
    elif died_on > clock.today():
        errors["died_on"] = [_("This date is in the future.")]
    with transaction.atomic():
        admission = admission_locked(actor, admission)
        if died_on is not None and died_on < timezone.localdate(admission.admitted_at):
            errors["died_on"] = [
                _("This date is before the admission (%(day)s).") % {"day": admission.admitted_at.strftime("%d/%m/%Y")}
            ]
        if errors:
            raise ValidationError(errors)
        _still_in_bed(admission, clock.now())
        _ended(actor, admission, AdmissionStatus.DIED, clock.now(), died_on=died_on, death_cause=cause, note=note)
    return admission


def _still_in_bed(admission: Admission, at: datetime) -> None:
    if admission.status != AdmissionStatus.ADMITTED:
        raise ValidationError(
            {"__all__": _("This patient has already left (%(status)s).") % {"status": admission.get_status_display()}}
        )
    if at < admission.admitted_at:
        raise ValidationError({"at": _("This time is before the admission.")})


def _ended(actor, admission: Admission, status: str, at: datetime, note: str = "", **values) -> None:
    fields = ["status", "ended_at", "note", *values]
    before = audit.snapshot(admission, fields)
    admission.status, admission.ended_at = status, at
    if note:
        admission.note = note.strip()[:300]
    for name, value in values.items():
        setattr(admission, name, value)
    admission.save(update_fields=fields)
    _bed_freed(admission)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=admission,
        person_id=admission.person_id,
        unit_path=admission.facility.unit.path,
        before=before,
        after=audit.snapshot(admission, fields),
    )
