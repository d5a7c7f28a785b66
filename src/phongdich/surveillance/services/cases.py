"""Cases (F0): confirmation with its household, transport and check-in contacts, and closing."""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.background import in_background, run_later
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope
from phongdich.core.uniqueness import first_writer_wins
from phongdich.people.models import Person

from .. import clusters
from ..choices import (
    CaseStatus,
    ConfirmationTest,
    ContactKind,
    ContactSource,
    ContactStatus,
    DetectionSetting,
    Severity,
)
from ..models import Case, Contact, Trip, TripPassenger
from ..selectors import exposure_matches, rules_in_force
from .levels import levels_update, require_in_scope

SYSTEM_MATCHER = "system:exposure-match"


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
        require_in_scope(actor, "surveillance.add_case", person)
        if source_case is not None and not Case.objects.visible_to(actor).filter(pk=source_case.pk).exists():
            raise OutOfScope(_("No such case in your jurisdiction."))
        _check_case_times(confirmed_at, sample_taken_at, symptom_onset, isolated_at)
        if detection_setting not in DetectionSetting.values:
            raise ValidationError({"detection_setting": _("Say where the case was found.")})
        if confirmation_test not in ConfirmationTest.values:
            raise ValidationError({"confirmation_test": _("Say which test confirmed the case.")})
        if Case.objects.filter(person=person, status=CaseStatus.ACTIVE).exists():
            raise ValidationError({"person": _("This person already has an active case.")})
        _national_code_free(national_code)
        rules = rules_in_force(timezone.localdate(confirmed_at))
        start = timezone.localdate(sample_taken_at or confirmed_at)
        if symptom_onset:
            start = min(start, symptom_onset)
        with first_writer_wins(lambda: _national_code_free(national_code)):
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
                recorded_by=audit.user_of(actor),
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
        levels_update(around={person.pk}, actor=actor, reason="case_confirmed", params={"case": case.pk})
        clusters.link_case(case, rules, actor=actor)
        clusters.close_quiet(rules, clock.today())
        run_later(exposure_match_later, case.pk)
    return case


@in_background
def exposure_match_later(case_id: int) -> None:
    """Match a new case's check-ins against everyone else's, in the worker; proposed contacts and levels follow."""
    case = Case.objects.select_related("person").filter(pk=case_id).first()
    if case is not None:
        exposure_match_record(actor=SYSTEM_MATCHER, case=case)


def _national_code_free(national_code: str) -> None:
    if national_code and Case.objects.filter(national_code=national_code).exists():
        raise ValidationError({"national_code": _("A case with this national code is already registered.")})


def _check_case_times(confirmed_at, sample_taken_at, symptom_onset, isolated_at) -> None:
    now = clock.now()
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
            recorded_by=audit.user_of(actor),
        )
        for member_id, unit_id in members.values_list("pk", "unit_id")
    ]
    known = set(Contact.objects.filter(key__in=[r.key for r in rows]).values_list("key", flat=True))
    new = [row for row in rows if row.key not in known]
    Contact.objects.bulk_create(new, ignore_conflicts=True)
    _audit_contacts(actor, case, new, "household register")


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
            recorded_by=audit.user_of(actor),
        )
        for trip_id, departed, arrived, other, unit in TripPassenger.objects.filter(trip__in=trips)
        .exclude(person=case.person_id)
        .values_list("trip_id", "trip__departed_at", "trip__arrived_at", "person_id", "person__unit_id")
    ]
    known = set(Contact.objects.filter(key__in=[r.key for r in rows]).values_list("key", flat=True))
    new = [row for row in rows if row.key not in known]
    Contact.objects.bulk_create(new, batch_size=1000)
    _audit_contacts(actor, case, new, "passenger lists")
    return len(new)


def _audit_contacts(actor, case: Case, new: list[Contact], source: str) -> None:
    """The contacts a case brought from a register, a manifest or check-ins: a row on the case saying how many,
    and one per contact in the exposed person's own history (and unit), written at once."""
    if not new:
        return
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="surveillance.contact",
        object_repr=f"{len(new)} contacts of {case} from the {source}",
        person_id=case.person_id,
        unit_path=case.unit.path,
        detail={"case": case.pk, "contacts": len(new), "source": source},
    )
    created = Contact.objects.filter(key__in=[c.key for c in new]).values_list(
        "pk", "person_id", "unit__path", "kind", "status"
    )
    audit.record_many(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="surveillance.contact",
        rows=[
            (
                pk,
                f"{person_id} ~ {case.person_id} ({kind})",
                person_id,
                path,
                {"other_id": case.person_id, "kind": kind, "status": status},
            )
            for pk, person_id, path, kind, status in created
        ],
    )


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
        case.status, case.status_changed_at = status, clock.now()
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
        params = {"case": case.pk, "status": case.status}
        levels_update(around={case.person_id}, actor=actor, reason=reason, params=params)
    return case


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
            match_rule=m.rule,
        )
        for m in matches
    ]
    with transaction.atomic():
        known = set(Contact.objects.filter(key__in=[r.key for r in rows]).values_list("key", flat=True))
        new = [row for row in rows if row.key not in known]
        Contact.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        _audit_contacts(actor, case, new, "check-ins")
        if new:
            levels_update(around={case.person_id}, actor=actor, reason="checkin_match", params={"case": case.pk})
            clusters.link_case(case, rules, actor=actor)  # a match may be with another case
    return len(new)
