"""Surveillance writes: check-in ingestion (every item judged on its own), cases, contacts, clearances,
exposure matches and tracing tasks. Every change that can move an F-level re-levels around it (flevels.py)."""

import logging
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from phongdich.core import audit, validators
from phongdich.core.bulk import db_datetime, insert_new
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope, Scope, scope_of
from phongdich.people.models import Person
from phongdich.places.models import Venue

from . import clusters, flevels
from .choices import (
    CaseStatus,
    CheckInOutcome,
    CheckInSource,
    ClearReason,
    ConfirmationTest,
    ContactKind,
    ContactSource,
    ContactStatus,
    DetectionSetting,
    Severity,
    TaskMethod,
    TaskOutcome,
)
from .models import Case, CheckIn, Contact, TracingState, TracingTask, Trip, TripPassenger
from .selectors import exposure_matches, rules_in_force

log = logging.getLogger(__name__)
MAX_BATCH = 1000
CHECKIN_COLUMNS = [
    "client_id",
    "venue",
    "unit",
    "person",
    "checked_in_at",
    "checked_out_at",
    "source",
    "received_at",
    "recorded_by",
]


@dataclass
class ItemResult:
    client_id: str
    status: str
    code: str = ""
    message: str = ""


# A batch repeats numbers; normalising each distinct one once is enough.
normalize_id_number = lru_cache(maxsize=65536)(validators.normalize_id_number)
normalize_phone = lru_cache(maxsize=65536)(validators.normalize_phone)


class VenueRef(NamedTuple):
    pk: int
    unit_id: int
    unit_path: str


class ItemError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def checkin_batch_ingest(*, actor, items: list[dict], source: str = CheckInSource.SCANNER) -> list[ItemResult]:
    """Store the valid, new check-ins of a batch (up to MAX_BATCH) and say what happened to each item.

    Retrying a batch stores nothing twice (client ids are unique); a bad item never stops the others."""
    if len(items) > MAX_BATCH:
        raise ValidationError({"items": _("At most %(n)d check-ins per batch.") % {"n": MAX_BATCH}})
    if source not in CheckInSource.values:
        raise ValidationError({"source": _("Unknown source.")})
    return _ingest(actor, items, source, scope_of(actor, "surveillance.add_checkin"))


def checkin_self_record(*, venue_token: str, number: str, client_id: str) -> ItemResult:
    """A resident checking in on the public page opened from the venue's QR code, naming themself by phone,
    CCCD/CMND or the text of their personal QR card. The venue's signed token is the authority here, so any
    active venue is accepted; the page's own id for the visit makes a resubmitted form count once."""
    item = {"client_id": client_id, "venue_token": venue_token, "checked_in_at": timezone.now().isoformat()}
    number = number.strip()
    digits = re.sub(r"[\s.+()-]", "", number)
    if number.startswith(CARD_PREFIX):
        item["person_card"] = number
    elif digits.isdigit() and len(digits) in (9, 12):  # a CMND or a CCCD; phone numbers have 10 or 11 digits
        item["id_number"] = digits
    else:
        item["phone"] = number
    return _ingest("public", [item], CheckInSource.WEB, Scope(everywhere=True))[0]


def person_card_text(person: Person) -> str:
    """What a personal QR card carries: a signed reference, no name or number."""
    return CARD_PREFIX + signing.Signer(salt=settings.PHONGDICH_CARD_SALT).sign(str(person.pk))


CARD_PREFIX = "PD1:"


def _ingest(actor, items: list[dict], source: str, scope: Scope) -> list[ItemResult]:
    batch = _Batch(actor, items, scope)
    results: list[ItemResult] = []
    rows: list[tuple] = []
    received_at, recorded_by = db_datetime(timezone.now()), getattr(actor, "pk", None)
    for item in items:
        client_id = str(item.get("client_id") or "")[:64] if isinstance(item, dict) else ""
        try:
            row = batch.check(item, client_id)
        except ItemError as error:
            results.append(ItemResult(client_id, CheckInOutcome.REJECTED, error.code, error.message))
            continue
        if row is None:
            results.append(ItemResult(client_id, CheckInOutcome.DUPLICATE))
            continue
        rows.append((*row, source, received_at, recorded_by))
        results.append(ItemResult(client_id, CheckInOutcome.ACCEPTED))
    counts = Counter(r.status for r in results)
    rejected = Counter(r.code for r in results if r.code)
    with transaction.atomic():
        insert_new(CheckIn, CHECKIN_COLUMNS, rows, unique="client_id")
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="surveillance.checkin",
            object_repr=f"{len(rows)} check-ins",
            detail={**counts, "rejected_by_reason": dict(rejected)},
        )
    if rejected:
        log.info("check-in batch from %s: %s rejected %s", actor, sum(rejected.values()), dict(rejected))
    return results


class _Batch:
    """What one batch needs looked up, fetched in a handful of queries rather than per item."""

    def __init__(self, actor, items: list[dict], scope: Scope):
        self.now = timezone.now()
        self.scope = scope
        self.future = timedelta(seconds=settings.PHONGDICH_CHECKIN_FUTURE_TOLERANCE_SECONDS)
        self.oldest = self.now - timedelta(days=settings.PHONGDICH_CHECKIN_MAX_AGE_DAYS)
        dicts = [i for i in items if isinstance(i, dict)]
        client_ids = [str(i.get("client_id") or "") for i in dicts]
        self.known = set(CheckIn.objects.filter(client_id__in=client_ids).values_list("client_id", flat=True))
        self.seen: set[str] = set()
        self.venues = self._venues({Venue.token_in(str(i.get("venue_token") or "")) for i in dicts})
        self.by_phone, self.by_id = self._persons(dicts)

    def check(self, item, client_id: str) -> tuple | None:
        """The item's values in CHECKIN_COLUMNS order (without the last three), None for a repeat, or ItemError."""
        if not isinstance(item, dict) or not client_id:
            raise ItemError("client_id_missing", _("Each check-in needs a client id."))
        if client_id in self.known or client_id in self.seen:
            return None
        venue = self._venue(Venue.token_in(str(item.get("venue_token") or "")))
        person_id = self._person(item)
        checked_in_at = self._time(item.get("checked_in_at"), "checked_in_at")
        checked_out_at = self._time(item["checked_out_at"], "checked_out_at") if item.get("checked_out_at") else None
        if checked_out_at and checked_out_at < checked_in_at:
            raise ItemError("checkout_before_checkin", _("The check-out is before the check-in."))
        self.seen.add(client_id)
        return (
            client_id,
            venue.pk,
            venue.unit_id,
            person_id,
            db_datetime(checked_in_at),
            db_datetime(checked_out_at) if checked_out_at else None,
        )

    def _venues(self, tokens: set[str]) -> dict[str, VenueRef | str]:
        """token -> (venue id, unit id, unit path), or the error code for a forged or unknown token."""
        signer = signing.Signer(salt=settings.PHONGDICH_VENUE_TOKEN_SALT)
        keys: dict[str, str] = {}
        found: dict[str, VenueRef | str] = {}
        for token in tokens:
            try:
                keys[signer.unsign(token)] = token
            except signing.BadSignature:
                found[token] = "venue_token_forged"
        venues = Venue.objects.filter(key__in=keys, active=True).values_list("key", "pk", "unit_id", "unit__path")
        by_key = {key: VenueRef(pk, unit_id, path) for key, pk, unit_id, path in venues}
        for key, token in keys.items():
            found[token] = by_key.get(key, "venue_unknown")
        return found

    def _venue(self, token: str) -> VenueRef:
        venue = self.venues.get(token, "venue_token_forged")
        if venue == "venue_token_forged":
            raise ItemError("venue_token_forged", _("The venue code is not one this platform issued."))
        if isinstance(venue, str):
            raise ItemError("venue_unknown", _("No active venue has this code."))
        if not self.scope.covers_path(venue.unit_path):
            raise ItemError("venue_outside_jurisdiction", _("This venue is outside your jurisdiction."))
        return venue

    def _persons(self, items: list[dict]) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        phones, numbers = set(), set()
        for item in items:
            try:
                if item.get("phone"):
                    phones.add(normalize_phone(str(item["phone"])))
                if item.get("id_number"):
                    numbers.add(normalize_id_number(str(item["id_number"])))
            except ValidationError:
                continue
        active = Person.objects.filter(merged_into__isnull=True)
        by_phone: dict[str, list[int]] = {}
        for pk, phone in active.filter(phone__in=phones).values_list("pk", "phone"):
            by_phone.setdefault(phone, []).append(pk)
        by_id: dict[str, list[int]] = {}
        for pk, number in active.filter(id_number__in=numbers).values_list("pk", "id_number"):
            by_id.setdefault(number, []).append(pk)
        return by_phone, by_id

    def _person(self, item: dict) -> int:
        """The one person a CCCD/CMND (preferred) or a phone number names."""
        if item.get("person_card"):
            return self._card_holder(str(item["person_card"]))
        try:
            if item.get("id_number"):
                matches = self.by_id.get(normalize_id_number(str(item["id_number"])), [])
            elif item.get("phone"):
                matches = self.by_phone.get(normalize_phone(str(item["phone"])), [])
            else:
                raise ItemError("person_missing", _("Give the person's CCCD/CMND or phone number."))
        except ValidationError as error:
            raise ItemError("person_number_invalid", error.messages[0]) from error
        if not matches:
            raise ItemError("person_unknown", _("No registered person has this number."))
        if len(matches) > 1:
            raise ItemError("person_ambiguous", _("Several people share this number; use the CCCD/CMND."))
        return matches[0]

    @staticmethod
    def _card_holder(text: str) -> int:
        try:
            pk = int(signing.Signer(salt=settings.PHONGDICH_CARD_SALT).unsign(text.removeprefix(CARD_PREFIX)))
        except (signing.BadSignature, ValueError) as error:
            raise ItemError("person_card_forged", _("This personal QR code was not issued by the platform.")) from error
        if not Person.objects.active().filter(pk=pk).exists():
            raise ItemError("person_unknown", _("No registered person has this number."))
        return pk

    def _time(self, value, field: str) -> datetime:
        moment = parse_datetime(value) if isinstance(value, str) else None
        if moment is None:
            raise ItemError("time_invalid", _("%(field)s is not an ISO 8601 time.") % {"field": field})
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)  # scanners without a zone record local (Vietnam) time
        if moment > self.now + self.future:
            raise ItemError("time_in_future", _("%(field)s is in the future.") % {"field": field})
        if moment < self.oldest:
            raise ItemError("time_too_old", _("%(field)s is older than the platform accepts.") % {"field": field})
        return moment


# ---- Cases, contacts and F-levels -------------------------------------------------------------------------

SYSTEM_MATCHER = "system:exposure-match"


def _require_in_scope(actor, permission: str, person: Person) -> None:
    """A person outside the actor's jurisdiction for this permission is reported as not found."""
    if not scope_of(actor, permission).covers_path(person.unit.path):
        raise OutOfScope(_("No such person in your jurisdiction."))


def levels_update(*, actor, around: set[int], reason: str, detail: str) -> flevels.Relevel:
    """Re-level the neighbourhood of `around` after a change there, with tasks for new contacts. Called by the
    services below inside their transaction; `reason` is a code, `detail` the cause in words."""
    with transaction.atomic():
        result = flevels.relevel(around, rules=rules_in_force(), actor=str(actor), reason=reason, detail=detail)
        _tasks_for(result.changes, reason=detail)
    return result


def case_confirm(
    *,
    actor,
    person: Person,
    confirmed_at: datetime,
    confirmation_test: str,
    detection_setting: str,
    sample_taken_at: datetime | None = None,
    symptom_onset: date | None = None,
    severity: str = Severity.ASYMPTOMATIC,
    isolated_at: datetime | None = None,
    source_case: Case | None = None,
    national_code: str = "",
    notes: str = "",
) -> Case:
    """Register a confirmed case: household members become contacts, levels around the person are recomputed
    at once, and exposure matching against check-ins runs as a background task after the commit."""
    with transaction.atomic():
        person = Person.objects.select_related("unit").select_for_update(of=("self",)).get(pk=person.pk)
        _require_in_scope(actor, "surveillance.add_case", person)
        _check_case_times(confirmed_at, sample_taken_at, symptom_onset, isolated_at)
        if detection_setting not in DetectionSetting.values:
            raise ValidationError({"detection_setting": _("Say where the case was found.")})
        if confirmation_test not in ConfirmationTest.values:
            raise ValidationError({"confirmation_test": _("Say which test confirmed the case.")})
        if Case.objects.filter(person=person, status=CaseStatus.ACTIVE).exists():
            raise ValidationError({"person": _("This person already has an active case.")})
        if national_code and Case.objects.filter(national_code=national_code).exists():
            raise ValidationError({"national_code": _("A case with this national code is already registered.")})
        rules = rules_in_force(timezone.localdate(confirmed_at))
        start = timezone.localdate(sample_taken_at or confirmed_at)
        if symptom_onset:
            start = min(start, symptom_onset)
        case = Case.objects.create(
            person=person,
            episode=(person.cases.aggregate(n=Max("episode"))["n"] or 0) + 1,
            national_code=national_code,
            unit=person.unit,
            confirmed_at=confirmed_at,
            confirmation_test=confirmation_test,
            sample_taken_at=sample_taken_at,
            symptom_onset=symptom_onset,
            detection_setting=detection_setting,
            severity=severity,
            isolated_at=isolated_at,
            infectious_from=_start_of_day(start - timedelta(days=rules.infectious_days_before)),
            source_case=source_case,
            notes=notes,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=case,
            person_id=person.pk,
            unit_path=person.unit.path,
            after=audit.snapshot(case),
        )
        _household_contacts(actor, case)
        trip_contacts(actor, case)
        levels_update(around={person.pk}, actor=actor, reason="case_confirmed", detail=f"F0 {case} confirmed")
        clusters.link_case(case, rules)
        clusters.close_quiet(rules, timezone.localdate())
        transaction.on_commit(lambda: enqueue_exposure_match(case.pk))
    return case


def enqueue_exposure_match(case_id: int) -> None:
    from .tasks import match_exposures

    match_exposures.enqueue(case_id)


def _check_case_times(confirmed_at, sample_taken_at, symptom_onset, isolated_at) -> None:
    now = timezone.now()
    errors = {}
    if confirmed_at > now + timedelta(minutes=5):
        errors["confirmed_at"] = _("The confirmation cannot be in the future.")
    if sample_taken_at and sample_taken_at > confirmed_at:
        errors["sample_taken_at"] = _("The sample must be taken before the confirmation.")
    if symptom_onset and symptom_onset > timezone.localdate(confirmed_at):
        errors["symptom_onset"] = _("Symptom onset cannot be after the confirmation.")
    if isolated_at and isolated_at > now + timedelta(minutes=5):
        errors["isolated_at"] = _("The isolation cannot be in the future.")
    if errors:
        raise ValidationError(errors)


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _household_contacts(actor, case: Case) -> None:
    """Everyone registered in the case's household is a confirmed household contact over the infectious period."""
    if not case.person.household_id:
        return
    members = Person.objects.active().filter(household_id=case.person.household_id).exclude(pk=case.person_id)
    rows = [
        Contact(
            key=f"household:{case.pk}:{member_id}",
            person_id=member_id,
            other_id=case.person_id,
            unit_id=unit_id,
            kind=ContactKind.HOUSEHOLD,
            source=ContactSource.REGISTER,
            status=ContactStatus.CONFIRMED,
            first_at=case.infectious_from,
            last_at=max(case.infectious_until, case.infectious_from),
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        for member_id, unit_id in members.values_list("pk", "unit_id")
    ]
    Contact.objects.bulk_create(rows, ignore_conflicts=True)


def trip_contacts(actor, case: Case) -> int:
    """Everyone who shared a vehicle with the case during its infectious period (from uploaded manifests)
    becomes a confirmed transport contact; returns how many contacts are new."""
    trips = Trip.objects.filter(
        passengers__person=case.person_id,
        departed_at__lte=case.infectious_until,
        arrived_at__gte=case.infectious_from,
    )
    rows = [
        Contact(
            key=f"manifest:{trip_id}:{case.person_id}:{other}",
            person_id=other,
            other_id=case.person_id,
            unit_id=unit,
            kind=ContactKind.TRANSPORT,
            source=ContactSource.MANIFEST,
            status=ContactStatus.CONFIRMED,
            first_at=departed,
            last_at=arrived,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        for trip_id, departed, arrived, other, unit in TripPassenger.objects.filter(trip__in=trips)
        .exclude(person=case.person_id)
        .values_list("trip_id", "trip__departed_at", "trip__arrived_at", "person_id", "person__unit_id")
    ]
    known = set(Contact.objects.filter(key__in=[r.key for r in rows]).values_list("key", flat=True))
    new = [row for row in rows if row.key not in known]
    Contact.objects.bulk_create(new, batch_size=1000)
    return len(new)


CASE_CLOSING = {CaseStatus.RECOVERED, CaseStatus.DIED, CaseStatus.MOVED_AWAY, CaseStatus.RULED_OUT}


def case_status_set(*, actor, case: Case, status: str, note: str = "") -> Case:
    """Close an active case (recovered, died, moved away, ruled out as a false positive): contacts who were
    contacts only through it lose or change their level, and the history says why."""
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("unit").get(pk=case.pk)
        if not Case.objects.restrict(actor, "change").filter(pk=case.pk).exists():
            raise OutOfScope(_("No such case in your jurisdiction."))
        if status not in CASE_CLOSING:
            raise ValidationError({"status": _("Choose how the case ended.")})
        if case.status != CaseStatus.ACTIVE:
            raise ValidationError({"status": _("This case is already closed.")})
        before = audit.snapshot(case, ["status", "status_changed_at", "notes"])
        case.status, case.status_changed_at = status, timezone.now()
        if note:
            case.notes = f"{case.notes}\n{note}".strip()
        case.save(update_fields=["status", "status_changed_at", "notes"])
        after = audit.snapshot(case, ["status", "status_changed_at", "notes"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=case,
            person_id=case.person_id,
            unit_path=case.unit.path,
            before=before,
            after=after,
        )
        reason = "case_ruled_out" if status == CaseStatus.RULED_OUT else "case_closed"
        levels_update(
            around={case.person_id}, actor=actor, reason=reason, detail=f"F0 {case}: {case.get_status_display()}"
        )
    return case


def contact_record(
    *,
    actor,
    person: Person,
    other: Person,
    kind: str,
    first_at: datetime,
    last_at: datetime | None = None,
    source: str = ContactSource.INTERVIEW,
    status: str = ContactStatus.CONFIRMED,
    venue=None,
    overlap_minutes: int | None = None,
    key: str = "",
) -> tuple[Contact, bool]:
    """Record that `person` met `other` (e.g. an F0); returns (contact, created). A repeated `key` (an import
    row, a check-in pair) returns the contact already stored, so retries never duplicate."""
    last_at = last_at or first_at
    if person.pk == other.pk:
        raise ValidationError({"other": _("A person cannot be their own contact.")})
    if last_at < first_at:
        raise ValidationError({"last_at": _("The last contact is before the first.")})
    if first_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"first_at": _("The contact cannot be in the future.")})
    if kind not in ContactKind.values:
        raise ValidationError({"kind": _("Unknown kind of contact.")})
    with transaction.atomic():
        person = Person.objects.select_related("unit").get(pk=person.pk)
        other = Person.objects.select_related("unit").get(pk=other.pk)
        scope = scope_of(actor, "surveillance.add_contact")
        if not (scope.covers_path(person.unit.path) or scope.covers_path(other.unit.path)):
            raise OutOfScope(_("Neither person is in your jurisdiction."))
        key = key or f"{source}:{person.pk}:{other.pk}:{kind}:{first_at.isoformat()}"
        existing = Contact.objects.filter(key=key).first()
        if existing is not None:
            return existing, False
        contact = Contact.objects.create(
            key=key[:120],
            person=person,
            other=other,
            unit_id=person.unit_id,
            kind=kind,
            source=source,
            status=status,
            first_at=first_at,
            last_at=last_at,
            venue=venue,
            overlap_minutes=overlap_minutes,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=contact,
            person_id=person.pk,
            unit_path=person.unit.path,
            after=audit.snapshot(contact),
        )
        levels_update(
            around={person.pk, other.pk}, actor=actor, reason="contact_added", detail=f"contact with #{other.pk}"
        )
    return contact, True


def contact_review(*, actor, contact: Contact, confirm: bool, reason: str = "") -> Contact:
    """A tracer confirms a proposed contact, or dismisses one (with the reason kept), which re-levels."""
    with transaction.atomic():
        contact = Contact.objects.restrict(actor, "change").select_for_update().filter(pk=contact.pk).first()
        if contact is None:
            raise OutOfScope(_("No such contact in your jurisdiction."))
        if not confirm and not reason.strip():
            raise ValidationError({"reason": _("Say why the contact is dismissed.")})
        before = audit.snapshot(contact, ["status", "dismissed_reason"])
        contact.status = ContactStatus.CONFIRMED if confirm else ContactStatus.DISMISSED
        contact.dismissed_reason = "" if confirm else reason.strip()[:300]
        contact.save(update_fields=["status", "dismissed_reason"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=contact,
            person_id=contact.person_id,
            before=before,
            after=audit.snapshot(contact, ["status", "dismissed_reason"]),
        )
        if not confirm:
            levels_update(
                around={contact.person_id, contact.other_id},
                actor=actor,
                reason="contact_dismissed",
                detail=f"contact with #{contact.other_id} dismissed: {contact.dismissed_reason}",
            )
    return contact


def person_clear(*, actor, person: Person, reason: str) -> TracingState:
    """A contact tested negative or finished quarantine: their exposures so far no longer make them (or the
    people they met) contacts; a later exposure would."""
    if reason not in ClearReason.values:
        raise ValidationError({"reason": _("Say why the person is cleared.")})
    with transaction.atomic():
        person = Person.objects.select_related("unit").get(pk=person.pk)
        _require_in_scope(actor, "surveillance.change_tracingstate", person)
        state = TracingState.objects.select_for_update().filter(person=person).first()
        if state is None or state.level in (None, 0):
            raise ValidationError({"person": _("Only a current contact (F1–F3) can be cleared.")})
        state.cleared_at, state.cleared_reason = timezone.now(), reason
        state.save(update_fields=["cleared_at", "cleared_reason"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=state,
            person_id=person.pk,
            unit_path=person.unit.path,
            after={"cleared_reason": reason},
        )
        levels_update(
            around={person.pk},
            actor=actor,
            reason="cleared",
            detail=f"#{person.pk}: {state.get_cleared_reason_display()}",
        )
        state.refresh_from_db()
    return state


def exposure_match_record(*, actor, case: Case) -> int:
    """Turn the case's check-in exposures into proposed venue contacts (kept once per check-in pair); returns
    how many are new. Levels are recomputed once for all of them."""
    rules = rules_in_force(timezone.localdate(case.confirmed_at))
    matches = exposure_matches(case, rules)
    if not matches:
        return 0
    units = dict(Person.objects.filter(pk__in={m.person_id for m in matches}).values_list("pk", "unit_id"))
    rows = [
        Contact(
            key=f"checkin:{m.case_checkin_id}:{m.checkin_id}",
            person_id=m.person_id,
            other_id=case.person_id,
            unit_id=units[m.person_id],
            kind=ContactKind.VENUE,
            source=ContactSource.CHECKIN_MATCH,
            status=ContactStatus.PROPOSED,
            first_at=max(m.checked_in_at, m.case_checked_in_at - timedelta(minutes=rules.checkin_window_minutes)),
            last_at=max(m.left_at, m.checked_in_at),
            venue_id=m.venue_id,
            overlap_minutes=m.overlap_minutes,
        )
        for m in matches
    ]
    with transaction.atomic():
        known = set(Contact.objects.filter(key__in=[r.key for r in rows]).values_list("key", flat=True))
        new = [row for row in rows if row.key not in known]
        Contact.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="surveillance.contact",
            object_repr=f"{len(new)} check-in matches for {case}",
            person_id=case.person_id,
            detail={"case": case.pk, "matches": len(matches), "new": len(new)},
        )
        if new:
            levels_update(
                around={case.person_id}, actor=actor, reason="checkin_match", detail=f"check-in match with F0 {case}"
            )
            clusters.link_case(case, rules)  # a match may be with another case
    return len(new)


def clusters_rebuild(*, actor) -> int:
    """Recompute every cluster from the cases and their links (after a bulk load); close the quiet ones."""
    rules = rules_in_force()
    with transaction.atomic():
        made = clusters.rebuild(rules)
        closed = clusters.close_quiet(rules, timezone.localdate())
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="surveillance.cluster",
            object_repr="rebuild",
            detail={"clusters": made, "closed": closed},
        )
    return made


def levels_recompute(*, actor) -> flevels.Relevel:
    """Recompute every level from scratch (after a bulk load or a change of rules), with tasks for new contacts."""
    with transaction.atomic():
        result = flevels.relevel(None, rules=rules_in_force(), actor=str(actor), reason="full_recompute")
        _tasks_for(result.changes, reason=_("full recompute"))
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="surveillance.tracingstate",
            object_repr="full recompute",
            detail={"changed": len(result.changes)},
        )
    return result


def _tasks_for(changes: list[flevels.Change], *, reason: str) -> None:
    """New F1/F2 get a task to reach them (F1: visit, F2: call); a person who is no longer a contact has their
    open task closed with the reason."""
    if not changes:
        return
    rules = rules_in_force()
    now = timezone.now()
    wanted = {c.person_id: c for c in changes if c.after in (1, 2)}
    gone = [c.person_id for c in changes if c.after is None or c.after > 2]
    open_tasks = TracingTask.objects.filter(done_at__isnull=True)
    has_open = set()
    for ids in flevels.chunks(wanted):
        has_open |= set(open_tasks.filter(person_id__in=ids).values_list("person_id", flat=True))
    TracingTask.objects.bulk_create(
        [
            TracingTask(
                person_id=person,
                unit_id=change.unit_id,
                level=change.after,
                method=TaskMethod.VISIT if change.after == 1 else TaskMethod.CALL,
                due_at=now + timedelta(hours=rules.task_due_hours),
            )
            for person, change in wanted.items()
            if person not in has_open
        ],
        batch_size=2000,
    )
    for ids in flevels.chunks(gone):
        open_tasks.filter(person_id__in=ids).update(done_at=now, note=_("No longer a contact: %s") % reason[:250])


def task_assign(*, actor, task: TracingTask, assignee) -> TracingTask:
    """Give a task to a community team member who works where the person lives."""
    with transaction.atomic():
        task = TracingTask.objects.restrict(actor, "assign").select_for_update().filter(pk=task.pk).first()
        if task is None:
            raise OutOfScope(_("No such task in your jurisdiction."))
        task_unit_path = task.unit.path
        if assignee is not None and not scope_of(assignee, "surveillance.change_tracingtask").covers_path(
            task_unit_path
        ):
            raise ValidationError({"assignee": _("This person does not trace in the task's area.")})
        before = audit.snapshot(task, ["assigned_to"])
        task.assigned_to = assignee
        task.save(update_fields=["assigned_to"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=task,
            person_id=task.person_id,
            unit_path=task_unit_path,
            before=before,
            after=audit.snapshot(task, ["assigned_to"]),
        )
    return task


def task_outcome_record(*, actor, task: TracingTask, outcome: str, note: str = "") -> TracingTask:
    """What happened when the team called or visited; later issues feed isolation and testing from it."""
    if outcome not in TaskOutcome.values:
        raise ValidationError({"outcome": _("Choose what happened.")})
    with transaction.atomic():
        task = TracingTask.objects.restrict(actor, "change").select_for_update().filter(pk=task.pk).first()
        if task is None:
            raise OutOfScope(_("No such task in your jurisdiction."))
        if task.done_at is not None:
            raise ValidationError({"outcome": _("This task is already done.")})
        task.outcome, task.note, task.done_at = outcome, note.strip()[:300], timezone.now()
        task.done_by = actor if getattr(actor, "pk", None) else None
        task.save(update_fields=["outcome", "note", "done_at", "done_by"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=task,
            person_id=task.person_id,
            after=audit.snapshot(task, ["outcome", "note", "done_at"]),
        )
    return task
