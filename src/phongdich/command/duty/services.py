"""The command centre's 24/7 duty log and its briefings ("giao ban").

A unit's command centre is on duty in shifts, one at a time, each with a lead and officers who hold a duty role
over the unit. The shift logs what comes in (calls, reports, hotline questions), with what was done and the case,
task or alert it concerns, and hands over to the next shift with a note that the next shift's lead receives.

An entry is logged with the time the call or report came in: after the fact too (late logging is normal on a busy
night), but inside its shift, from an hour before the shift's start (calls taken while the shifts change) to its
end, and never in the future. Once a shift has been handed over its log is closed.

A briefing is planned with its agenda; once held its attendance, minutes and decisions are recorded; a decision
becomes a task of a lead body through the directives' `task_assign`; the minutes are then closed.

Every write resolves the records it names through the actor's jurisdiction first (out of it is "not found"),
validates, saves and writes its audit row, with the unit, in one transaction."""

from datetime import date, datetime, timedelta
from typing import overload

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.places.choices import UnitLevel
from phongdich.places.models import AdminUnit
from phongdich.surveillance.models import Case

from ..choices import BriefingStatus, EntryCategory, EntrySource
from ..models import Alert, Body, Briefing, BriefingDecision, DutyEntry, DutyShift, Task
from .selectors import briefing_people, briefings_where, duty_officers, keeps_the_log, next_shift, shifts_where

EARLIEST = date(2020, 1, 1)
MAX_SHIFT_HOURS = 24
MAX_DAYS_AHEAD = 31
EARLY_ENTRY = timedelta(hours=1)  # an entry may be logged this long before its shift's start
FUTURE_SLACK = timedelta(minutes=5)  # a device clock a little ahead of the server's is not "the future"
MAX_OFFICERS = 20
CALLER_MAX = 200
TEXT_MAX = 4000
TITLE_MAX = 200
CHAIR_MAX = 200
MINUTES_MAX = 20000
ABSENT_MAX = 400
DECISION_MAX = 2000
MAX_ATTENDEES = 200


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "d/m/Y H:i")


@overload
def _aware(moment: datetime) -> datetime: ...
@overload
def _aware(moment: None) -> None: ...
def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def _pk(record) -> int:
    """The id of a record (or an id itself); 0, which no row has, for none."""
    return int(getattr(record, "pk", record) or 0)


def _unit_in_scope(actor, unit: AdminUnit, permission: str) -> AdminUnit:
    """The unit re-read (and locked, so two shifts of one unit are opened one after the other), if the actor
    holds `permission` over it; OutOfScope otherwise, like a missing unit."""
    found = AdminUnit.objects.select_for_update().filter(pk=_pk(unit)).first()
    if found is None or not scope_of(actor, permission).covers_path(found.path):
        raise OutOfScope(_("No such unit in your jurisdiction."))
    return found


def _shift(actor, shift: DutyShift, permission: str) -> DutyShift:
    found = (
        shifts_where(actor, permission)
        .select_for_update(of=("self",))
        .select_related("unit", "lead")
        .filter(pk=_pk(shift))
        .first()
    )
    if found is None:
        raise OutOfScope(_("No such duty shift in your jurisdiction."))
    return found


def _linked(actor, model, record, message: str):
    """A record an entry links to, re-read through the actor's jurisdiction (None for none)."""
    if record is None:
        return None
    found = model.objects.visible_to(actor).filter(pk=_pk(record)).first()
    if found is None:
        raise OutOfScope(message)
    return found


def _too_long(errors: dict, field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors[field] = _("At most %(max)d characters.") % {"max": limit}


def _shift_time_errors(starts_at: datetime | None, ends_at: datetime | None) -> dict[str, str]:
    errors = {}
    if starts_at is None:
        errors["starts_at"] = _("Give the start of the shift.")
    elif timezone.localdate(starts_at) < EARLIEST:
        errors["starts_at"] = _("A duty shift cannot start before 2020.")
    elif starts_at > clock.now() + timedelta(days=MAX_DAYS_AHEAD):
        errors["starts_at"] = _("Shifts are planned at most %(days)d days ahead.") % {"days": MAX_DAYS_AHEAD}
    if ends_at is None:
        errors["ends_at"] = _("Give the end of the shift.")
    elif starts_at is not None and "starts_at" not in errors:
        if ends_at <= starts_at:
            errors["ends_at"] = _("The shift must end (%(end)s) after it starts (%(start)s).") % {
                "end": _when(ends_at),
                "start": _when(starts_at),
            }
        elif ends_at - starts_at > timedelta(hours=MAX_SHIFT_HOURS):
            errors["ends_at"] = _("A shift lasts at most %(hours)d hours.") % {"hours": MAX_SHIFT_HOURS}
    return errors


def shift_open(*, actor, unit: AdminUnit, starts_at: datetime, ends_at: datetime, lead, officers) -> DutyShift:
    """Put a shift on a unit's duty: its lead and officers hold a duty role over the unit (assigned to it or to
    a unit above it); a unit has one shift on duty at a time, so a shift overlapping another is refused."""
    officers = list(dict.fromkeys(officers or []))
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    with transaction.atomic():
        unit = _unit_in_scope(actor, unit, "command.add_dutyshift")
        errors: dict[str, str] = {}
        if unit.level == UnitLevel.GROUP:
            errors["unit"] = _("A residential group keeps no duty log: open the shift at its commune's command centre.")
        errors.update(_shift_time_errors(starts_at, ends_at))
        people = [person for person in [lead, *officers] if person is not None]
        eligible = set(duty_officers(unit).filter(pk__in=[person.pk for person in people]).values_list("pk", flat=True))
        if lead is None:
            errors["lead"] = _("Name the shift's lead.")
        elif lead.pk not in eligible:
            errors["lead"] = _("%(user)s holds no command duty role over %(unit)s.") % {
                "user": lead,
                "unit": unit.name,
            }
        if len(officers) > MAX_OFFICERS:
            errors["officers"] = _("At most %(max)d officers on one shift.") % {"max": MAX_OFFICERS}
        elif outside := [str(person) for person in officers if person.pk not in eligible]:
            errors["officers"] = _("These officers hold no command duty role over %(unit)s: %(users)s.") % {
                "unit": unit.name,
                "users": ", ".join(outside[:5]),
            }
        if "starts_at" not in errors and "ends_at" not in errors:
            overlapping = (
                DutyShift.objects.filter(unit=unit, starts_at__lt=ends_at, ends_at__gt=starts_at)
                .select_related("lead")
                .order_by("starts_at")
                .first()
            )
            if overlapping is not None:
                errors["__all__"] = _(
                    "This shift overlaps the shift of %(start)s – %(end)s led by %(lead)s: a unit has one shift on "
                    "duty at a time."
                ) % {"start": _when(overlapping.starts_at), "end": _when(overlapping.ends_at), "lead": overlapping.lead}
        if errors:
            raise ValidationError(errors)
        shift = DutyShift.objects.create(unit=unit, starts_at=starts_at, ends_at=ends_at, lead=lead)
        shift.officers.set(officers)
        after = audit.snapshot(shift) | {"officers": [person.pk for person in officers]}
        audit.record(actor=actor, action=AuditAction.CREATE, instance=shift, unit_path=unit.path, after=after)
    return shift


def entry_log(
    *,
    actor,
    shift: DutyShift,
    at: datetime,
    source: str,
    caller: str,
    category: str,
    content: str,
    actions: str,
    case: Case | None = None,
    task: Task | None = None,
    alert: Alert | None = None,
) -> DutyEntry:
    """Log a call or report that came in during a shift, and what was done about it. Its time may be logged late
    but lies inside the shift (from an hour before its start) and not in the future; the shift is not yet handed
    over. The lead and officers log, or whoever may change the unit's shifts."""
    at = _aware(at)
    caller, content, actions = (caller or "").strip(), (content or "").strip(), (actions or "").strip()
    with transaction.atomic():
        shift = _shift(actor, shift, "command.add_dutyentry")
        case = _linked(actor, Case, case, _("No such case in your jurisdiction."))
        task = _linked(actor, Task, task, _("No such task in your jurisdiction."))
        alert = _linked(actor, Alert, alert, _("No such alert in your jurisdiction."))
        if not keeps_the_log(actor, shift):
            raise PermissionDenied(
                _("Only the shift's lead and officers, or who may change the shifts of %(unit)s, log in this shift.")
                % {"unit": shift.unit.name}
            )
        errors: dict[str, str] = {}
        if shift.handed_over_at is not None:
            errors["__all__"] = _(
                "This shift was handed over at %(at)s: its log is closed. Log the entry in the shift on duty."
            ) % {"at": _when(shift.handed_over_at)}
        if at is None:
            errors["at"] = _("Give the time the call or report came in.")
        elif at > clock.now() + FUTURE_SLACK:
            errors["at"] = _("%(at)s is in the future: log what has come in.") % {"at": _when(at)}
        elif at < shift.starts_at - EARLY_ENTRY:
            errors["at"] = _(
                "%(at)s is before this shift (it starts at %(start)s): an entry may be logged late, but at most an "
                "hour before its shift starts."
            ) % {"at": _when(at), "start": _when(shift.starts_at)}
        elif at > shift.ends_at:
            errors["at"] = _("%(at)s is after this shift ended (%(end)s): log it in the next shift.") % {
                "at": _when(at),
                "end": _when(shift.ends_at),
            }
        if source not in EntrySource.values:
            errors["source"] = _("Choose where the call or report came from.")
        if category not in EntryCategory.values:
            errors["category"] = _("Choose what the entry is about.")
        if not content:
            errors["content"] = _("Write what was reported.")
        _too_long(errors, "content", content, TEXT_MAX)
        _too_long(errors, "caller", caller, CALLER_MAX)
        _too_long(errors, "actions", actions, TEXT_MAX)
        if errors:
            raise ValidationError(errors)
        entry = DutyEntry.objects.create(
            shift=shift,
            at=at,
            source=source,
            caller=caller,
            category=category,
            content=content,
            actions=actions,
            case=case,
            task=task,
            alert=alert,
            recorded_by=audit.user_of(actor),
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=entry,
            unit_path=shift.unit.path,
            person_id=case.person_id if case else None,
            after=audit.snapshot(entry),
        )
    return entry


def shift_hand_over(*, actor, shift: DutyShift, note: str, to_shift: DutyShift | None) -> DutyShift:
    """Hand a shift over to the next shift of its unit with a note (what is pending, what to watch); the next
    shift's lead then receives it (`shift_receive`). A shift is handed over once."""
    note = (note or "").strip()
    with transaction.atomic():
        shift = _shift(actor, shift, "command.view_dutyshift")
        if to_shift is not None:
            to_shift = shifts_where(actor).filter(pk=_pk(to_shift)).first()
            if to_shift is None:
                raise OutOfScope(_("No such duty shift in your jurisdiction."))
        if not keeps_the_log(actor, shift):
            raise PermissionDenied(
                _("Only the shift's lead and officers, or who may change the shifts of %(unit)s, hand it over.")
                % {"unit": shift.unit.name}
            )
        if shift.handed_over_at is not None:
            raise ValidationError(
                {"__all__": _("This shift was already handed over at %(at)s.") % {"at": _when(shift.handed_over_at)}}
            )
        errors: dict[str, str] = {}
        following = next_shift(shift)
        if following is None:
            errors["to_shift"] = _("Open the next shift first: the handover goes to its lead.")
        elif to_shift is None or to_shift.pk != following.pk:
            errors["to_shift"] = _("Hand over to the next shift of %(unit)s, the one starting at %(start)s.") % {
                "unit": shift.unit.name,
                "start": _when(following.starts_at),
            }
        if clock.now() < shift.starts_at:
            errors["__all__"] = _("This shift has not started yet (it starts at %(start)s).") % {
                "start": _when(shift.starts_at)
            }
        if not note:
            errors["note"] = _("Write the handover note: what is pending and what the next shift must watch.")
        _too_long(errors, "note", note, TEXT_MAX)
        if errors:
            raise ValidationError(errors)
        assert following is not None  # refused above otherwise
        shift.handover_note, shift.handed_over_at = note, clock.now()
        shift.save(update_fields=["handover_note", "handed_over_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=shift,
            unit_path=shift.unit.path,
            before={"handed_over_at": None},
            after={"handed_over_at": shift.handed_over_at.isoformat(), "handover_note": note},
            detail={"handover_to": following.pk},
        )
    return shift


def shift_receive(*, actor, shift: DutyShift) -> DutyShift:
    """The next shift's lead receives the handover of `shift` (the shift that handed over)."""
    with transaction.atomic():
        shift = _shift(actor, shift, "command.view_dutyshift")
        if shift.handed_over_at is None:
            raise ValidationError({"__all__": _("Nothing to receive: this shift has not been handed over yet.")})
        if shift.received_by_id is not None:
            raise ValidationError(
                {"__all__": _("%(user)s has already received this handover.") % {"user": shift.received_by}}
            )
        following = next_shift(shift)
        user = audit.user_of(actor)
        if following is None or (not isinstance(actor, str) and (user is None or user.pk != following.lead_id)):
            raise PermissionDenied(
                _("Only the next shift's lead, %(lead)s, receives this handover.")
                % {"lead": following.lead if following else "—"}
            )
        shift.received_by = user or following.lead
        shift.save(update_fields=["received_by"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=shift,
            unit_path=shift.unit.path,
            before={"received_by": None},
            after={"received_by": shift.received_by_id},
            detail={"received_at": clock.now().isoformat(), "next_shift": following.pk},
        )
    return shift


# Briefings -------------------------------------------------------------------------------------------------


def _briefing(actor, briefing: Briefing, permission: str = "command.change_briefing") -> Briefing:
    found = (
        briefings_where(actor, permission)
        .select_for_update(of=("self",))
        .select_related("unit")
        .filter(pk=_pk(briefing))
        .first()
    )
    if found is None:
        raise OutOfScope(_("No such briefing in your jurisdiction."))
    return found


def briefing_plan(
    *, actor, unit: AdminUnit, held_at: datetime, title: str, chair: str = "", agenda: str = ""
) -> Briefing:
    """Plan a briefing of a unit's command centre, with its agenda."""
    held_at = _aware(held_at)
    title, chair, agenda = " ".join((title or "").split()), (chair or "").strip(), (agenda or "").strip()
    with transaction.atomic():
        unit = _unit_in_scope(actor, unit, "command.add_briefing")
        errors: dict[str, str] = {}
        if unit.level == UnitLevel.GROUP:
            errors["unit"] = _("A residential group holds no command briefings: plan it at its commune.")
        if held_at is None:
            errors["held_at"] = _("Give the time of the briefing.")
        elif timezone.localdate(held_at) < EARLIEST:
            errors["held_at"] = _("A briefing cannot be held before 2020.")
        elif held_at > clock.now() + timedelta(days=MAX_DAYS_AHEAD):
            errors["held_at"] = _("Briefings are planned at most %(days)d days ahead.") % {"days": MAX_DAYS_AHEAD}
        if not title:
            errors["title"] = _("Give the briefing a title.")
        _too_long(errors, "title", title, TITLE_MAX)
        _too_long(errors, "chair", chair, CHAIR_MAX)
        _too_long(errors, "agenda", agenda, TEXT_MAX)
        if errors:
            raise ValidationError(errors)
        briefing = Briefing.objects.create(
            unit=unit, held_at=held_at, title=title, chair=chair, agenda=agenda, created_by=audit.user_of(actor)
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=briefing,
            unit_path=unit.path,
            after=audit.snapshot(briefing),
        )
    return briefing


def briefing_record(*, actor, briefing: Briefing, attendees, bodies, minutes: str, absent_note: str = "") -> Briefing:
    """Record who attended a briefing (users and bodies), who was absent, and its minutes, once it has been held.
    Recorded again while the minutes are open, it replaces what was recorded."""
    attendees, bodies = list(dict.fromkeys(attendees or [])), list(dict.fromkeys(bodies or []))
    minutes, absent_note = (minutes or "").strip(), (absent_note or "").strip()
    with transaction.atomic():
        briefing = _briefing(actor, briefing)
        found = Body.objects.visible_to(actor).filter(pk__in=[body.pk for body in bodies])
        if found.count() != len(bodies):
            raise OutOfScope(_("No such body in your jurisdiction."))
        if briefing.status == BriefingStatus.CLOSED:
            raise ValidationError({"__all__": _("The minutes of this briefing are closed.")})
        errors: dict[str, str] = {}
        if briefing.held_at > clock.now() + FUTURE_SLACK:
            errors["__all__"] = _("The briefing is planned for %(at)s: record its minutes once it has been held.") % {
                "at": _when(briefing.held_at)
            }
        if len(attendees) > MAX_ATTENDEES:
            errors["attendees"] = _("At most %(max)d attendees.") % {"max": MAX_ATTENDEES}
        else:
            known = set(
                briefing_people(briefing.unit)
                .filter(pk__in=[user.pk for user in attendees])
                .values_list("pk", flat=True)
            )
            if strangers := [str(user) for user in attendees if user.pk not in known]:
                errors["attendees"] = _("These people hold no active role in, above or below %(unit)s: %(users)s.") % {
                    "unit": briefing.unit.name,
                    "users": ", ".join(strangers[:5]),
                }
        if not minutes:
            errors["minutes"] = _("Write the minutes: what was reported and what was decided.")
        _too_long(errors, "minutes", minutes, MINUTES_MAX)
        _too_long(errors, "absent_note", absent_note, ABSENT_MAX)
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(briefing, ["status", "minutes", "absent_note"])
        briefing.minutes, briefing.absent_note, briefing.status = minutes, absent_note, BriefingStatus.HELD
        briefing.save(update_fields=["minutes", "absent_note", "status"])
        briefing.attendees.set(attendees)
        briefing.attending_bodies.set(bodies)
        after = audit.snapshot(briefing, ["status", "minutes", "absent_note"]) | {
            "attendees": [user.pk for user in attendees],
            "bodies": [body.pk for body in bodies],
        }
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=briefing,
            unit_path=briefing.unit.path,
            before=before,
            after=after,
        )
    return briefing


def decision_add(*, actor, briefing: Briefing, text: str) -> BriefingDecision:
    """Add a decision to a held briefing's minutes, after the ones already there."""
    text = (text or "").strip()
    with transaction.atomic():
        briefing = _briefing(actor, briefing)
        errors: dict[str, str] = {}
        if briefing.status == BriefingStatus.PLANNED:
            errors["__all__"] = _("Record the briefing's minutes first: decisions are taken at a held briefing.")
        elif briefing.status == BriefingStatus.CLOSED:
            errors["__all__"] = _("The minutes of this briefing are closed.")
        if not text:
            errors["text"] = _("Write the decision.")
        _too_long(errors, "text", text, DECISION_MAX)
        if errors:
            raise ValidationError(errors)
        last = briefing.decisions.aggregate(last=Max("position"))["last"]
        decision = BriefingDecision.objects.create(briefing=briefing, text=text, position=(last or 0) + 1)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=decision,
            unit_path=briefing.unit.path,
            after=audit.snapshot(decision),
        )
    return decision


def decision_to_task(
    *, actor, decision: BriefingDecision, lead: Body, deadline: date, coordinating=(), expected_output: str = ""
) -> Task:
    """Make a briefing's decision a task of a lead body (with coordinating bodies, a deadline and an expected
    output), assigned in the briefing's unit through the directives' `task_assign`, which checks the bodies and
    the deadline. A decision is assigned once to each lead body."""
    from phongdich.command.directives.services import task_assign

    with transaction.atomic():
        found = (
            BriefingDecision.objects.filter(pk=_pk(decision), briefing__in=briefings_where(actor).values("pk"))
            .select_related("briefing__unit")
            .first()
        )
        if found is None:
            raise OutOfScope(_("No such briefing decision in your jurisdiction."))
        decision = found
        if lead is not None and decision.tasks.filter(lead_id=lead.pk).exists():
            raise ValidationError({"lead": _("This decision is already a task of %(body)s.") % {"body": lead}})
        return task_assign(
            actor=actor,
            unit=decision.briefing.unit,
            title=decision.text[:400],
            lead=lead,
            deadline=deadline,
            coordinating=coordinating,
            expected_output=expected_output,
            decision=decision,
        )


def briefing_close(*, actor, briefing: Briefing) -> Briefing:
    """Close a held briefing's minutes: no more changes to its attendance, minutes or decisions."""
    with transaction.atomic():
        briefing = _briefing(actor, briefing)
        if briefing.status == BriefingStatus.CLOSED:
            raise ValidationError(
                {
                    "__all__": _("The minutes were already closed on %(at)s.")
                    % {"at": _when(briefing.closed_at or clock.now())}
                }
            )
        if briefing.status == BriefingStatus.PLANNED or not briefing.minutes:
            raise ValidationError({"__all__": _("Record the minutes before closing them.")})
        briefing.status, briefing.closed_at = BriefingStatus.CLOSED, clock.now()
        briefing.save(update_fields=["status", "closed_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=briefing,
            unit_path=briefing.unit.path,
            before={"status": BriefingStatus.HELD},
            after={"status": BriefingStatus.CLOSED, "closed_at": briefing.closed_at.isoformat()},
        )
    return briefing
