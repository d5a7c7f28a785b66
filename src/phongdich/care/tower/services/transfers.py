"""Transfer requests: a patient needs a bed of a tier. The platform asks the nearest facilities of that tier with a
free bed of the kind needed; the first to accept holds the bed until the patient arrives. A request nobody
accepts in time is escalated: it is offered wider and shows on the district's and province's board."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope
from phongdich.people.models import Person
from phongdich.places.models import AdminUnit, Facility

from ...choices import ActionKind, AlertStatus
from ...models import Alert, IsolationOrder
from ...services.reports import alert_action_record
from ..choices import AdmissionStatus, BedKind, OfferAnswer, PatientSeverity, Tier, TransferStatus
from ..models import Admission, TransferOffer, TransferRequest, TreatmentFacility, Ward
from ..rules import route_for, severity_of, tower_rules_on
from ..selectors import coordinates_of, distance_km, suggestions, towers_for, unit_coordinates
from .admissions import _vitals_checked, no_free_bed

FIRST_OFFERS = 3  # facilities asked at once; an escalation asks this many more
REASON_MAX = 300


def transfer_request(
    *,
    actor,
    person: Person,
    reason: str,
    vitals: dict | None = None,
    severity: str = "",
    tier: int | None = None,
    bed_kind: str = "",
    alert: Alert | None = None,
    order: IsolationOrder | None = None,
    admission: Admission | None = None,
) -> TransferRequest:
    """Ask for a bed: from a home-care alert or order (the patient at home) or from a facility's bed (a move up or
    down the tiers). The tier and bed kind follow the severity unless given; the nearest facilities are asked."""
    reason = (reason or "").strip()
    with transaction.atomic():
        origin = _origin_in_scope(actor, person, alert, order, admission)
        vitals = _vitals_checked(vitals or _reported(alert))
        rules = tower_rules_on(clock.today())
        severity = severity or severity_of(vitals, rules)
        route = route_for(severity, rules)
        errors: dict[str, list[str]] = {}
        if not reason:
            errors["reason"] = [_("Say why the patient needs a transfer.")]
        elif len(reason) > REASON_MAX:
            errors["reason"] = [_("At most %(count)d characters.") % {"count": REASON_MAX}]
        if severity not in PatientSeverity.values:
            errors["severity"] = [_("Choose a severity.")]
        tier, bed_kind = tier or route.tier, bed_kind or route.bed_kind
        if tier not in Tier.values:
            errors["tier"] = [_("Choose tier 1, 2 or 3.")]
        if bed_kind not in BedKind.values:
            errors["bed_kind"] = [_("Choose a bed kind.")]
        if errors:
            raise ValidationError(errors)
        now = clock.now()
        request = TransferRequest(
            person=origin.person,
            unit=origin.unit,
            from_facility=origin.facility,
            from_admission=admission,
            order=origin.order,
            alert=alert,
            tier=tier,
            bed_kind=bed_kind,
            severity=severity,
            vitals=vitals,
            reason=reason,
            requested_at=now,
            requested_by=audit.user_of(actor),
            escalate_at=now + timedelta(minutes=rules.escalate_after_minutes),
        )
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError as error:
            raise ValidationError({"person": _("A transfer is already open for this patient.")}) from error
        _offers_made(request, FIRST_OFFERS)
        _audited(actor, request, AuditAction.CREATE, after={"tier": tier, "bed_kind": bed_kind, "severity": severity})
        if alert is not None and alert.status != AlertStatus.CLOSED:
            alert_action_record(actor=actor, alert=alert, kind=ActionKind.TRANSFER, note=reason[:200])
    return request


def _reported(alert: Alert | None) -> dict:
    """The readings of the report that raised the alert, when the request brings none of its own."""
    report = alert.report if alert is not None else None
    if report is None:
        return {}
    readings = {"breathing_rate": report.breathing_rate, "spo2": report.spo2, "pulse": report.pulse}
    return {name: value for name, value in readings.items() if value is not None}


@dataclass
class _Origin:
    """Where the patient is now: at home in a unit (with the order they are on), or in a facility's bed."""

    person: Person
    unit: AdminUnit
    facility: Facility | None = None
    order: IsolationOrder | None = None


def _origin_in_scope(actor, person, alert, order, admission) -> _Origin:
    """Where the patient is now, resolved through the actor's scope before anything else is checked."""
    if admission is not None:
        found = (
            Admission.objects.restrict(actor, "view")
            .select_related("facility__unit", "person")
            .filter(pk=admission.pk)
            .first()
        )
        if found is None or found.person_id != person.pk:
            raise OutOfScope(_("No such admission in your jurisdiction."))
        if found.status != AdmissionStatus.ADMITTED:
            raise ValidationError({"admission": _("This patient has already left the facility.")})
        return _Origin(found.person, found.facility.unit, facility=found.facility)
    if alert is not None:
        found_alert = (
            Alert.objects.restrict(actor, "change").select_related("order", "unit").filter(pk=alert.pk).first()
        )
        if found_alert is None or found_alert.person_id != person.pk:
            raise OutOfScope(_("No such alert in your jurisdiction."))
        order = found_alert.order
    if order is not None:
        found_order = (
            IsolationOrder.objects.visible_to(actor).select_related("unit", "person").filter(pk=order.pk).first()
        )
        if found_order is None or found_order.person_id != person.pk:
            raise OutOfScope(_("No such order in your jurisdiction."))
        return _Origin(found_order.person, found_order.unit, facility=found_order.site, order=found_order)
    found_person = Person.objects.visible_to(actor).select_related("unit").filter(pk=person.pk).first()
    if found_person is None:
        raise OutOfScope(_("No such person in your jurisdiction."))
    return _Origin(found_person, found_person.unit)


def origin_point(request: TransferRequest):
    if request.from_facility_id:
        return coordinates_of(request.from_facility)
    return unit_coordinates(request.unit)


def _offers_made(request: TransferRequest, count: int) -> list[TransferOffer]:
    asked = set(request.offers.values_list("facility_id", flat=True))
    if request.from_facility_id:
        asked.add(request.from_facility_id)
    found = suggestions(
        tier=request.tier, bed_kind=request.bed_kind, origin=origin_point(request), exclude=asked, limit=count
    )
    return [
        TransferOffer.objects.create(
            request=request, facility=suggestion.tower.facility, distance_km=suggestion.distance_km
        )
        for suggestion in found
    ]


def _request_locked(actor, request: TransferRequest, action: str = "change") -> TransferRequest:
    found = (
        TransferRequest.objects.restrict(actor, action)
        .select_for_update(of=("self",))
        .select_related("person", "unit", "from_facility")
        .filter(pk=request.pk)
        .first()
    )
    if found is None:
        raise OutOfScope(_("No such transfer request in your jurisdiction."))
    return found


def _still_waiting(request: TransferRequest) -> None:
    if request.status != TransferStatus.WAITING:
        raise ValidationError(
            {
                "__all__": _("This transfer is no longer waiting (%(status)s).")
                % {"status": request.get_status_display()}
            }
        )


def offer_add(*, actor, request: TransferRequest, facility, reason: str = "") -> TransferOffer:
    """Ask one more facility by hand. One of another tier than the patient needs takes a reason."""
    reason = (reason or "").strip()
    with transaction.atomic():
        request = _request_locked(actor, request)
        _still_waiting(request)
        tower = TreatmentFacility.objects.select_related("facility").filter(facility_id=facility.pk).first()
        if tower is None:
            raise OutOfScope(_("No such facility in the tower."))
        if tower.tier != request.tier and not reason:
            raise ValidationError(
                {
                    "reason": _("%(name)s is at tier %(tier)s and the patient needs tier %(needed)s: give the reason.")
                    % {"name": tower.facility.name, "tier": tower.tier, "needed": request.tier}
                }
            )
        if request.offers.filter(facility_id=facility.pk).exists():
            raise ValidationError({"facility": _("%(name)s has already been asked.") % {"name": tower.facility.name}})
        origin, place = origin_point(request), coordinates_of(tower.facility)
        offer = TransferOffer.objects.create(
            request=request,
            facility=tower.facility,
            off_tier_reason=reason[:REASON_MAX],
            distance_km=distance_km(origin, place),
        )
        _audited(actor, request, AuditAction.UPDATE, after={"asked": tower.facility.name, "reason": reason})
    return offer


def offer_answer(*, actor, offer: TransferOffer, accept: bool, reason: str = "") -> TransferOffer:
    """The asked facility answers. Accepting holds a bed of the kind needed (refused when none is free) and
    withdraws the other offers; declining takes a reason."""
    reason = (reason or "").strip()
    with transaction.atomic():
        tower = towers_for(actor, "care.change_transferoffer").filter(facility_id=offer.facility_id).first()
        locked = TransferOffer.objects.select_for_update().filter(pk=offer.pk).first()
        if tower is None or locked is None:
            raise OutOfScope(_("No such transfer request in your jurisdiction."))
        request = TransferRequest.objects.select_for_update().select_related("person").get(pk=locked.request_id)
        _still_waiting(request)
        if locked.answer != OfferAnswer.PENDING:
            raise ValidationError({"__all__": _("This facility has already answered.")})
        if not accept and not reason:
            raise ValidationError({"reason": _("Say why the facility cannot take the patient.")})
        now = clock.now()
        if accept:
            held = Ward.objects.filter(
                facility_id=locked.facility_id, bed_kind=request.bed_kind, occupied__lt=F("beds") - F("held")
            ).update(held=F("held") + 1)
            if not held:
                raise no_free_bed(tower.facility, request.bed_kind)
            request.status, request.to_facility_id, request.accepted_at = (
                TransferStatus.ACCEPTED,
                locked.facility_id,
                now,
            )
            request.save(update_fields=["status", "to_facility", "accepted_at"])
            request.offers.filter(answer=OfferAnswer.PENDING).exclude(pk=locked.pk).update(
                answer=OfferAnswer.WITHDRAWN, answered_at=now
            )
        locked.answer = OfferAnswer.ACCEPTED if accept else OfferAnswer.DECLINED
        locked.answer_reason, locked.answered_at, locked.answered_by = reason[:REASON_MAX], now, audit.user_of(actor)
        locked.save(update_fields=["answer", "answer_reason", "answered_at", "answered_by"])
        if not accept and not request.offers.filter(answer=OfferAnswer.PENDING).exists():
            _offers_made(request, FIRST_OFFERS)
        _audited(
            actor,
            request,
            AuditAction.UPDATE,
            after={"facility": tower.facility.name, "answer": locked.answer, "reason": reason},
        )
    return locked


def ambulance_dispatch(
    *, actor, request: TransferRequest, reference: str, at: datetime | None = None
) -> TransferRequest:
    """The 115 ambulance sent for the patient, with the dispatch centre's number."""
    reference = (reference or "").strip()
    with transaction.atomic():
        request = _request_locked(actor, request)
        if not request.open:
            raise ValidationError({"__all__": _("This transfer is closed.")})
        if not reference or len(reference) > 30:
            raise ValidationError({"reference": _("Give the 115 dispatch number (at most 30 characters).")})
        request.ambulance_called_at, request.ambulance_ref = at or clock.now(), reference
        request.save(update_fields=["ambulance_called_at", "ambulance_ref"])
        _audited(actor, request, AuditAction.UPDATE, after={"ambulance_ref": reference})
    return request


def transfer_cancel(*, actor, request: TransferRequest, note: str) -> TransferRequest:
    """No longer needed (the patient improved, died, went elsewhere): the held bed is given back."""
    note = (note or "").strip()
    with transaction.atomic():
        request = _request_locked(actor, request)
        if not request.open:
            raise ValidationError({"__all__": _("This transfer is closed.")})
        if not note:
            raise ValidationError({"note": _("Say why the transfer is cancelled.")})
        if request.status == TransferStatus.ACCEPTED:
            Ward.objects.filter(facility_id=request.to_facility_id, bed_kind=request.bed_kind, held__gt=0).update(
                held=F("held") - 1
            )
        now = clock.now()
        request.offers.filter(answer=OfferAnswer.PENDING).update(answer=OfferAnswer.WITHDRAWN, answered_at=now)
        request.status, request.closed_at, request.close_note = TransferStatus.CANCELLED, now, note[:REASON_MAX]
        request.save(update_fields=["status", "closed_at", "close_note"])
        _audited(actor, request, AuditAction.UPDATE, after={"status": request.status, "note": note})
    return request


def transfers_escalate(now: datetime | None = None) -> int:
    """Escalate the waiting requests past their deadline: ask more facilities, flag them to the district and
    province (the board shows them). Run by the care sweep."""
    now = now or clock.now()
    escalated = 0
    due = TransferRequest.objects.filter(status=TransferStatus.WAITING, escalated_at__isnull=True, escalate_at__lte=now)
    for request_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            request = (
                TransferRequest.objects.select_for_update().filter(pk=request_id, escalated_at__isnull=True).first()
            )
            if request is None or request.status != TransferStatus.WAITING:
                continue
            request.escalated_at = now
            request.save(update_fields=["escalated_at"])
            _offers_made(request, FIRST_OFFERS)
            _audited("system", request, AuditAction.UPDATE, after={"escalated_at": now.isoformat()})
            escalated += 1
    return escalated


def _audited(actor, request: TransferRequest, action, after: dict) -> None:
    audit.record(
        actor=actor,
        action=action,
        instance=request,
        person_id=request.person_id,
        unit_path=audit.unit_path_of(request),
        after=after,
    )
