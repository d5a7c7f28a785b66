"""Re-levelling after a change, full recomputes of levels and clusters, clearing a contact, and the
door-to-door tasks that follow new levels."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.bulk import json_values
from phongdich.core.choices import AuditAction
from phongdich.core.rules import version_add
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.people.models import Person
from phongdich.places.models import AdminUnit

from .. import clusters, flevels
from ..choices import (
    CheckInMatch,
    ClearReason,
    TaskMethod,
)
from ..models import TracingRules, TracingState, TracingTask
from ..selectors import rules_in_force


def require_in_scope(actor, permission: str, person: Person) -> None:
    """A person outside the actor's jurisdiction for this permission is reported as not found."""
    if not scope_of(actor, permission).covers_path(person.unit.path):
        raise OutOfScope(_("No such person in your jurisdiction."))


def levels_update(*, actor, around: set[int], reason: str, params: dict) -> flevels.Relevel:
    """Re-level the neighbourhood of `around` after a change there, with tasks for new contacts. Called by the
    services below inside their transaction; `reason` is a code, `params` the ids and values behind it, put
    into words when shown (reasons.py)."""
    with transaction.atomic():
        result = flevels.relevel(around, rules=rules_in_force(), actor=str(actor), reason=reason, params=params)
        _tasks_for(actor, result.changes, reason=reason, params=params)
    return result


def person_clear(*, actor, person: Person, reason: str) -> TracingState:
    """A contact tested negative or finished quarantine: their exposures so far no longer make them (or the
    people they met) contacts; a later exposure would."""
    if reason not in ClearReason.values:
        raise ValidationError({"reason": _("Say why the person is cleared.")})
    with transaction.atomic():
        person = Person.objects.select_related("unit").get(pk=person.pk)
        require_in_scope(actor, "surveillance.change_tracingstate", person)
        state = TracingState.objects.filter(person=person).first()
        if state is None or state.level in (None, 0):
            raise ValidationError({"person": _("Only a current contact (F1–F3) can be cleared.")})
        contacts_clear(actor=actor, person_ids={person.pk}, reason=reason)
        state.refresh_from_db()
    return state


def contacts_clear(
    *, actor, person_ids: set[int], reason: str, min_level: int = 1, negative_ends_source: bool = False
) -> int:
    """Clear, in one re-levelling, every current contact among `person_ids` at `min_level` or deeper (a lab's
    batch of negative results). With `negative_ends_source`, a contact above `min_level` (an F1 who stays in
    quarantine) keeps their level but is no longer a source, and the people traced only through them are
    cleared with that reason. Others are passed over. Returns how many were cleared or ended as sources."""
    if reason not in ClearReason.values:
        raise ValidationError({"reason": _("Say why the person is cleared.")})
    with transaction.atomic():
        states = list(
            TracingState.objects.select_for_update()
            .filter(person_id__in=json_values(person_ids), level__gte=1, cleared_at__isnull=True)
            .select_related("unit")
        )
        cleared = [s for s in states if (s.level or 0) >= min_level]
        ended = [s for s in states if (s.level or 0) < min_level] if negative_ends_source else []
        if not cleared and not ended:
            return 0
        now = clock.now()
        TracingState.objects.filter(pk__in=[s.pk for s in cleared]).update(cleared_at=now, cleared_reason=reason)
        TracingState.objects.filter(pk__in=[s.pk for s in ended]).update(not_source_until=now)
        audit.record_many(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="surveillance.tracingstate",
            rows=[
                (s.pk, f"F{s.level} #{s.person_id}", s.person_id, s.unit.path, change)
                for group, change in ((cleared, {"cleared_reason": reason}), (ended, {"not_source_until": str(now)}))
                for s in group
            ],
        )
        changed = cleared + ended
        who = {"person": changed[0].person_id} if len(changed) == 1 else {"count": len(changed)}
        result = levels_update(
            around={s.person_id for s in changed},
            actor=actor,
            reason="cleared",
            params={**who, "clear_reason": reason},
        )
        if reason == ClearReason.NEGATIVE_TEST:
            _clear_downstream(actor, result.changes, now)
    return len(changed)


def _clear_downstream(actor, changes: list[flevels.Change], now) -> None:
    """The people who are no longer contacts because the person they were traced through tested negative
    are cleared with that reason, for them and their tracers to see."""
    gone = [c.person_id for c in changes if c.before not in (None, 0) and c.after is None]
    if not gone:
        return
    states = TracingState.objects.filter(person_id__in=json_values(gone), cleared_at__isnull=True)
    rows = list(states.values_list("pk", "level", "person_id", "unit__path"))
    states.update(cleared_at=now, cleared_reason=ClearReason.SOURCE_NEGATIVE)
    audit.record_many(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="surveillance.tracingstate",
        rows=[(pk, f"#{person}", person, path, {"cleared_reason": ClearReason.SOURCE_NEGATIVE.value})
              for pk, _level, person, path in rows],
    )  # fmt: skip


def clusters_rebuild(*, actor) -> int:
    """Recompute every cluster from the cases and their links (after a bulk load); close the quiet ones."""
    rules = rules_in_force()
    with transaction.atomic():
        made = clusters.rebuild(rules, actor=actor)
        closed = clusters.close_quiet(rules, clock.today())
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
        _tasks_for(actor, result.changes, reason="full_recompute", params={})
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="surveillance.tracingstate",
            object_repr="full recompute",
            detail={"changed": len(result.changes)},
        )
    return result


def _tasks_for(actor, changes: list[flevels.Change], *, reason: str, params: dict) -> None:
    """New F1/F2 get a task to reach them (F1: visit, F2: call), each audited in the person's history; a person
    who is no longer a contact has their open task closed with the level change's cause, which the task's page
    puts into words in its reader's language (so the note field is left to the tracer)."""
    if not changes:
        return
    rules = rules_in_force()
    now = clock.now()
    wanted = {c.person_id: c.after for c in changes if c.after in (1, 2)}
    units = {c.person_id: c.unit_id for c in changes}
    gone = [c.person_id for c in changes if c.after is None or c.after > 2]
    open_tasks = TracingTask.objects.filter(done_at__isnull=True)
    has_open = set()
    for ids in flevels.chunks(wanted):
        has_open |= set(open_tasks.filter(person_id__in=ids).values_list("person_id", flat=True))
    created = TracingTask.objects.bulk_create(
        [
            TracingTask(
                person_id=person,
                unit_id=units[person],
                level=level,
                method=TaskMethod.VISIT if level == 1 else TaskMethod.CALL,
                due_at=now + timedelta(hours=rules.task_due_hours),
            )
            for person, level in wanted.items()
            if level is not None
            if person not in has_open
        ],
        batch_size=2000,
    )
    _audit_new_tasks(actor, created)
    for ids in flevels.chunks(gone):
        open_tasks.filter(person_id__in=ids).update(done_at=now, closed_reason=reason, closed_params=params)


def _audit_new_tasks(actor, tasks: list[TracingTask]) -> None:
    paths = dict(AdminUnit.objects.filter(pk__in={t.unit_id for t in tasks}).values_list("pk", "path"))
    audit.record_many(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="surveillance.tracingtask",
        rows=[
            (t.pk, f"F{t.level} #{t.person_id}", t.person_id, paths[t.unit_id], {"level": t.level, "method": t.method})
            for t in tasks
        ],
    )


RULE_FIELDS = [
    "infectious_days_before",
    "max_level",
    "checkin_match",
    "checkin_window_minutes",
    "default_stay_minutes",
    "max_stay_minutes",
    "task_due_hours",
    "cluster_quiet_days",
]
RULE_LIMITS = {
    "infectious_days_before": (0, 14),
    "max_level": (1, 3),
    "checkin_window_minutes": (0, 24 * 60),
    "default_stay_minutes": (1, 24 * 60),
    "max_stay_minutes": (1, 24 * 60),
    "task_due_hours": (1, 24 * 7),
    "cluster_quiet_days": (7, 90),
}


def tracing_rules_add(*, actor, effective_from, source_document: str, document_date=None, **values) -> TracingRules:
    """A new version of the tracing rules, province-wide, citing its document. Past versions are never edited
    (cases keep the infectious period computed when they were confirmed); when the version is already in
    force, every level is recomputed with it at once."""
    errors = {}
    if values.get("checkin_match", CheckInMatch.SCANS) not in CheckInMatch.values:
        errors["checkin_match"] = _("Choose how check-ins are matched.")
    if int(values.get("max_stay_minutes", 720)) < int(values.get("default_stay_minutes", 60)):
        errors["max_stay_minutes"] = _("The longest stay counted cannot be shorter than the default stay.")
    with transaction.atomic():
        rules = version_add(
            actor=actor,
            model=TracingRules,
            effective_from=effective_from,
            source_document=source_document,
            document_date=document_date,
            values=values,
            fields=RULE_FIELDS,
            limits=RULE_LIMITS,
            refusal=_("Only a province-level administrator changes the tracing rules."),
            errors=errors,
        )
        if effective_from <= clock.today():
            levels_recompute(actor=actor)
    return rules
