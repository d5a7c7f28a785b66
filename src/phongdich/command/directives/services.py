"""Directives, the bodies they assign tasks to, the tasks themselves, their progress reports, inspections and
reminders. Every write resolves what it names through the actor's jurisdiction first (out of scope answers like a
missing record), then checks its own rules, and is audited with the unit it concerns in the same transaction."""

import logging
import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from phongdich.accounts.models import RoleAssignment, User
from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.places.models import AdminUnit

from ..choices import OPEN_TASK_STATUSES, BodyKind, InspectionRating, TaskStatus
from ..models import (
    Body,
    Briefing,
    BriefingDecision,
    Directive,
    DirectivePoint,
    Inspection,
    Task,
    TaskAttachment,
    TaskProgress,
)
from .attachments import Kind, check_files, clean_name
from .parsing import directive_points_parse, directive_recipients_parse
from .selectors import REMIND_DAYS, directives_visible_to, is_member, tasks_visible_to

__all__ = [
    "body_add",
    "body_members_set",
    "bodies_in_scope",
    "directive_points_parse",
    "directive_record",
    "directive_recipients_parse",
    "inspection_record",
    "progress_report",
    "task_assign",
    "task_close",
    "tasks_remind",
]

logger = logging.getLogger(__name__)

TITLE_MAX = 400
OUTPUT_MAX = 400
NUMBER_MAX = 60
ISSUER_MAX = 200
TEXT_MAX = 200_000
RECIPIENTS_MAX = 5_000
POINTS_MAX = 200
POINT_NUMBER_MAX = 12
POINT_TEXT_MAX = 20_000
NOTE_MAX = 4_000
BODY_NAME_MAX = 200
BODY_SHORT_MAX = 60
INSPECTORS_MAX = 200
EARLIEST_DAY = date(2020, 1, 1)  # the first COVID-19 directives of Vietnam's provinces date from early 2020
REMINDER_ACTOR = "phongdich reminders"


def _day(value: date) -> str:
    return date_format(value, "d/m/Y")


def _unit_in_scope(actor, unit: AdminUnit | None, permission: str) -> AdminUnit:
    """The unit re-read, if the actor holds `permission` there; OutOfScope (404) otherwise, like a missing unit."""
    found = AdminUnit.objects.filter(pk=getattr(unit, "pk", None)).first()
    if found is None or not scope_of(actor, permission).covers_path(found.path):
        raise OutOfScope(_("No such unit in your jurisdiction."))
    return found


def bodies_in_scope(actor, bodies: Iterable[Body | None]) -> list[Body]:
    """The bodies re-read through the actor's jurisdiction (command.view_body), in the order given, repeats left
    out; OutOfScope if one of them is missing or outside it."""
    wanted = list(dict.fromkeys(body.pk for body in bodies if body is not None))
    found = {body.pk: body for body in Body.objects.visible_to(actor).select_related("unit").filter(pk__in=wanted)}
    if len(found) != len(wanted):
        raise OutOfScope(_("No such body in your jurisdiction."))
    return [found[pk] for pk in wanted]


def _directive_in_scope(actor, directive: Directive | None) -> Directive | None:
    if directive is None:
        return None
    found = directives_visible_to(actor).select_related("unit").filter(pk=directive.pk).first()
    if found is None:
        raise OutOfScope(_("No such directive in your jurisdiction."))
    return found


def _point_in_scope(actor, point: DirectivePoint | None) -> DirectivePoint | None:
    if point is None:
        return None
    directives = directives_visible_to(actor)
    found = DirectivePoint.objects.select_related("directive__unit").filter(pk=point.pk, directive__in=directives)
    if (found := found.first()) is None:
        raise OutOfScope(_("No such directive point in your jurisdiction."))
    return found


def _decision_in_scope(actor, decision: BriefingDecision | None) -> BriefingDecision | None:
    if decision is None:
        return None
    briefings = Briefing.objects.visible_to(actor)
    found = BriefingDecision.objects.select_related("briefing__unit").filter(pk=decision.pk, briefing__in=briefings)
    if (found := found.first()) is None:
        raise OutOfScope(_("No such briefing decision in your jurisdiction."))
    return found


def task_assign(
    *,
    actor,
    unit: AdminUnit,
    title: str,
    lead: Body | None,
    deadline: date | None,
    coordinating: Iterable[Body] = (),
    expected_output: str = "",
    directive: Directive | None = None,
    point: DirectivePoint | None = None,
    decision: BriefingDecision | None = None,
) -> Task:
    """Assign a task of `unit` (the steering committee's unit that follows it up) to a lead body, with
    coordinating bodies, a deadline and an expected output; it comes from a directive (one of its points) or from a
    briefing's decision, or stands alone. The unit, directive, point, decision and bodies are resolved through the
    actor's jurisdiction first: outside it, OutOfScope (404) as for a missing record."""
    title = " ".join((title or "").split())
    expected_output = " ".join((expected_output or "").split())
    with transaction.atomic():
        unit = _unit_in_scope(actor, unit, "command.add_task")
        directive = _directive_in_scope(actor, directive)
        point = _point_in_scope(actor, point)
        decision = _decision_in_scope(actor, decision)
        lead_found = bodies_in_scope(actor, [lead])
        others = bodies_in_scope(actor, coordinating or ())
        lead = lead_found[0] if lead_found else None
        if point is not None and directive is None:
            directive = point.directive

        errors: dict[str, str] = {}
        if not title:
            errors["title"] = _("Say what the task is.")
        elif len(title) > TITLE_MAX:
            errors["title"] = _("At most %(max)d characters.") % {"max": TITLE_MAX}
        if len(expected_output) > OUTPUT_MAX:
            errors["expected_output"] = _("At most %(max)d characters.") % {"max": OUTPUT_MAX}
        if lead is None:
            errors["lead"] = _("A task needs a lead body.")
        elif any(body.pk == lead.pk for body in others):
            errors["coordinating"] = _("The lead body %(body)s cannot also be a coordinating body.") % {
                "body": lead.name
            }
        if point is not None and directive is not None and point.directive_id != directive.pk:
            errors["point"] = _("Point %(point)s is not a point of directive %(number)s.") % {
                "point": point.number,
                "number": directive.number,
            }
        if directive is not None and decision is not None:
            errors["decision"] = _("A task comes from a directive or from a briefing's decision, not both.")
        origin = directive.unit if directive is not None else decision.briefing.unit if decision is not None else None
        if origin is not None and not unit.path.startswith(origin.path):
            errors["unit"] = _("The task must be followed up in %(unit)s or a unit below it, where it was decided.") % {
                "unit": origin.name
            }
        if deadline is None:
            errors["deadline"] = _("Give the task's deadline.")
        elif deadline < EARLIEST_DAY:
            errors["deadline"] = _("A COVID-19 task cannot be due before 2020.")
        elif directive is not None and deadline < directive.issued_on:
            errors["deadline"] = _(
                "The deadline (%(deadline)s) cannot come before the directive's date (%(date)s)."
            ) % {"deadline": _day(deadline), "date": _day(directive.issued_on)}
        elif decision is not None and deadline < timezone.localdate(decision.briefing.held_at):
            errors["deadline"] = _("The deadline (%(deadline)s) cannot come before the briefing (%(date)s).") % {
                "deadline": _day(deadline),
                "date": _day(timezone.localdate(decision.briefing.held_at)),
            }
        if errors:
            raise ValidationError(errors)

        task = Task.objects.create(
            unit=unit,
            directive=directive,
            point=point,
            decision=decision,
            title=title,
            lead=lead,
            deadline=deadline,
            expected_output=expected_output,
            created_by=audit.user_of(actor),
        )
        task.coordinating.set(others)
        after = audit.snapshot(task) | {"coordinating": [body.pk for body in others]}
        audit.record(actor=actor, action=AuditAction.CREATE, instance=task, unit_path=unit.path, after=after)
    return task


def _limited(errors: dict, field: str, value: str, limit: int, *, required: str = "") -> None:
    if required and not value:
        errors[field] = required
    elif len(value) > limit:
        errors[field] = _("At most %(max)d characters.") % {"max": limit}


def _clean_points(points) -> tuple[list[tuple[str, str]], list[str]]:
    """The points trimmed, with the errors about them (an empty number or text, a number given twice)."""
    cleaned: list[tuple[str, str]] = []
    errors: list[str] = []
    seen: set[str] = set()
    for position, item in enumerate(points or [], start=1):
        try:
            number, text = item
        except (TypeError, ValueError):
            errors.append(_("Point %(n)d is not a number and a text.") % {"n": position})
            continue
        number = " ".join(str(number or "").split()).rstrip(".")
        text = str(text or "").strip()
        if not number:
            errors.append(_("Point %(n)d has no number.") % {"n": position})
        elif len(number) > POINT_NUMBER_MAX:
            errors.append(
                _("Point number %(number)s is longer than %(max)d characters.")
                % {
                    "number": number[:20],
                    "max": POINT_NUMBER_MAX,
                }
            )
        elif number in seen:
            errors.append(_("Point %(number)s is given twice.") % {"number": number})
        if not text:
            errors.append(_("Point %(number)s has no text.") % {"number": number or position})
        elif len(text) > POINT_TEXT_MAX:
            errors.append(
                _("Point %(number)s is longer than %(max)d characters.")
                % {
                    "number": number,
                    "max": POINT_TEXT_MAX,
                }
            )
        seen.add(number)
        cleaned.append((number, text))
    if not cleaned and not errors:
        errors.append(_("A directive needs its points: write them, or read them from its text."))
    elif len(cleaned) > POINTS_MAX:
        errors.append(_("At most %(max)d points in one directive.") % {"max": POINTS_MAX})
    return cleaned, errors


def _stored_name(kind: Kind) -> str:
    return f"{uuid.uuid4().hex}.{kind.extension}"


def directive_record(
    *,
    actor,
    unit: AdminUnit,
    number: str,
    issued_on: date | None,
    issuing_body: str,
    title: str,
    text: str,
    recipients: str,
    points: list[tuple[str, str]],
    source_file=None,
    recipient_bodies: Iterable[Body] = (),
) -> Directive:
    """Record a directive issued for `unit` (whose steering committee follows it up) with its numbered points, as
    `directive_points_parse` reads them from its text or as the person entering it wrote them; the scanned source
    (PDF, DOCX or a picture) is checked by its content. A directive is dated on or before today."""
    number = " ".join((number or "").split())
    issuing_body = " ".join((issuing_body or "").split())
    title = " ".join((title or "").split())
    text = (text or "").strip()
    recipients = (recipients or "").strip()
    with transaction.atomic():
        unit = _unit_in_scope(actor, unit, "command.add_directive")
        bodies = bodies_in_scope(actor, recipient_bodies or ())
        errors: dict[str, list[str] | str] = {}
        _limited(errors, "number", number, NUMBER_MAX, required=_("Give the directive's number (e.g. 17-CT/TU)."))
        if "number" not in errors and Directive.objects.filter(unit=unit, number__iexact=number).exists():
            errors["number"] = _("%(unit)s already has a directive numbered %(number)s.") % {
                "unit": unit.name,
                "number": number,
            }
        if issued_on is None:
            errors["issued_on"] = _("Give the directive's date.")
        elif issued_on < EARLIEST_DAY:
            errors["issued_on"] = _("A COVID-19 directive cannot be dated before 2020.")
        elif issued_on > clock.today():
            errors["issued_on"] = _("The directive's date (%(date)s) cannot be in the future.") % {
                "date": _day(issued_on)
            }
        _limited(errors, "issuing_body", issuing_body, ISSUER_MAX, required=_("Say who issued the directive."))
        _limited(errors, "title", title, TITLE_MAX, required=_("Give the directive's title."))
        _limited(errors, "text", text, TEXT_MAX)
        _limited(errors, "recipients", recipients, RECIPIENTS_MAX)
        cleaned, point_errors = _clean_points(points)
        if point_errors:
            errors["points"] = point_errors
        kind = None
        if source_file:
            try:
                [(_upload, kind)] = check_files([source_file], field="source_file")
            except ValidationError as error:
                errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)

        directive = Directive(
            unit=unit,
            number=number,
            issued_on=issued_on,
            issuing_body=issuing_body,
            title=title,
            text=text,
            recipients=recipients,
            created_by=audit.user_of(actor),
        )
        if source_file and kind is not None:
            source_file.seek(0)
            directive.source_file.save(_stored_name(kind), File(source_file), save=False)
        directive.save()
        DirectivePoint.objects.bulk_create(
            DirectivePoint(directive=directive, number=key, position=position, text=body)
            for position, (key, body) in enumerate(cleaned)
        )
        directive.recipient_bodies.set(bodies)
        after = audit.snapshot(directive, ["unit", "number", "issued_on", "issuing_body", "title"])
        after |= {
            "source_file": directive.source_file.name or "",
            "points": [key for key, _body in cleaned],
            "recipient_bodies": [body.pk for body in bodies],
        }
        audit.record(actor=actor, action=AuditAction.CREATE, instance=directive, unit_path=unit.path, after=after)
    return directive


def body_add(
    *,
    actor,
    unit: AdminUnit,
    name: str,
    kind: str,
    short_name: str = "",
    members: Iterable[User] = (),
) -> Body:
    """Add a body of `unit` that directives assign tasks to (a department, the police, a people's committee), with
    its members if given."""
    name = " ".join((name or "").split())
    short_name = " ".join((short_name or "").split())
    with transaction.atomic():
        unit = _unit_in_scope(actor, unit, "command.add_body")
        errors: dict[str, str] = {}
        _limited(errors, "name", name, BODY_NAME_MAX, required=_("Give the body's name."))
        _limited(errors, "short_name", short_name, BODY_SHORT_MAX)
        if "name" not in errors and Body.objects.filter(unit=unit, name__iexact=name).exists():
            errors["name"] = _("%(unit)s already has a body named %(name)s.") % {"unit": unit.name, "name": name}
        if kind not in BodyKind.values:
            errors["kind"] = _("Choose what kind of body it is.")
        if errors:
            raise ValidationError(errors)
        body = Body.objects.create(unit=unit, name=name, short_name=short_name, kind=kind)
        audit.record(
            actor=actor, action=AuditAction.CREATE, instance=body, unit_path=unit.path, after=audit.snapshot(body)
        )
        if members:
            body_members_set(actor=actor, body=body, members=members)
    return body


def _users_of(unit: AdminUnit) -> Q:
    """Users holding a role in `unit` or below it (bound to a unit, a facility or an organisation there)."""
    assignments = RoleAssignment.objects.filter(
        Q(unit__path__startswith=unit.path)
        | Q(facility__unit__path__startswith=unit.path)
        | Q(organisation__unit__path__startswith=unit.path)
    )
    return Q(pk__in=assignments.values("user_id"), is_active=True)


def body_member_choices(body: Body):
    """The users who may be made members of `body`: active, holding a role in its unit or below it."""
    return User.objects.filter(_users_of(body.unit)).order_by("full_name", "username")


def body_members_set(*, actor, body: Body, members: Iterable[User]) -> Body:
    """Make `members` the body's members: the users who report its tasks' progress and see its tasks. Each must be
    active and hold a role in the body's unit or below it."""
    with transaction.atomic():
        found = Body.objects.restrict(actor, "change").select_related("unit").select_for_update(of=("self",))
        body = found.filter(pk=body.pk).first()
        if body is None:
            raise OutOfScope(_("No such body in your jurisdiction."))
        wanted = list(dict.fromkeys(member.pk for member in members or []))
        allowed = set(User.objects.filter(_users_of(body.unit), pk__in=wanted).values_list("pk", flat=True))
        if refused := [pk for pk in wanted if pk not in allowed]:
            names = [str(user) for user in User.objects.filter(pk__in=refused)[:5]] or [str(pk) for pk in refused]
            raise ValidationError(
                {
                    "members": _("These users hold no role in %(unit)s or below it: %(users)s.")
                    % {
                        "unit": body.unit.name,
                        "users": ", ".join(names),
                    }
                }
            )
        before = sorted(body.members.values_list("pk", flat=True))
        body.members.set(wanted)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=body,
            unit_path=body.unit.path,
            before={"members": before},
            after={"members": sorted(wanted)},
        )
    return body


def _task_locked(actor, task: Task) -> Task:
    """The task re-read under lock among those the actor sees; OutOfScope if it is not (any more)."""
    found = tasks_visible_to(actor).filter(pk=task.pk).values("pk")
    locked = (
        Task.objects.select_for_update(of=("self",))
        .select_related("unit", "lead", "directive")
        .filter(pk__in=found)
        .first()
    )
    if locked is None:
        raise OutOfScope(_("No such task in your jurisdiction."))
    return locked


def progress_report(
    *,
    actor,
    task: Task,
    body: Body,
    percent: int | None,
    note: str,
    status: str,
    files: Iterable = (),
) -> TaskProgress:
    """Report how far a task has come, for its lead body or a coordinating body, with up to five files (PDF, DOCX,
    XLSX, JPG or PNG of at most 10 MB each, checked by their content). Only the members of the body reported for,
    or whoever may change the tasks of the task's unit, may report. A report saying "done" at 100 percent closes
    the task as done."""
    note = (note or "").strip()
    files = list(files or [])
    with transaction.atomic():
        task = _task_locked(actor, task)
        bodies = [task.lead, *task.coordinating.all()]
        chosen = next((candidate for candidate in bodies if candidate.pk == getattr(body, "pk", None)), None)
        committee = isinstance(actor, str) or scope_of(actor, "command.change_task").covers_path(task.unit.path)
        if not committee and not is_member(actor, bodies):
            raise PermissionDenied(_("Only the members of the task's bodies report its progress."))
        errors: dict[str, list[str] | str] = {}
        if task.status not in OPEN_TASK_STATUSES:
            errors["__all__"] = _("This task is closed (%(status)s): nothing more is reported on it.") % {
                "status": task.get_status_display()
            }
        if chosen is None:
            errors["body"] = _("Choose the lead body or a coordinating body of this task.")
        elif not committee and not is_member(actor, [chosen]):
            errors["body"] = _("You do not belong to %(body)s: report for a body you belong to.") % {
                "body": chosen.name
            }
        if percent is None or isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
            errors["percent"] = _("Give the progress as a whole number from 0 to 100.")
        if status not in (TaskStatus.IN_PROGRESS, TaskStatus.DONE):
            errors["status"] = _("Say whether the task is in progress or done.")
        elif status == TaskStatus.DONE and percent != 100:
            errors["percent"] = _("A task reported done is at 100 percent.")
        _limited(errors, "note", note, NOTE_MAX, required=_("Say what was done."))
        checked = []
        try:
            checked = check_files(files)
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)

        now = clock.now()
        progress = TaskProgress.objects.create(
            task=task,
            body=chosen,
            reported_at=now,
            reported_by=audit.user_of(actor),
            percent=percent,
            note=note,
            status=status,
        )
        for upload, kind in checked:
            upload.seek(0)
            attachment = TaskAttachment(
                progress=progress,
                name=clean_name(upload.name),
                size=upload.size,
                content_type=kind.content_type,
            )
            attachment.file.save(_stored_name(kind), File(upload), save=False)
            attachment.save()
        before = audit.snapshot(task, ["status", "percent", "done_at"])
        task.percent, task.status = percent, status
        task.done_at = now if status == TaskStatus.DONE else None
        task.save(update_fields=["percent", "status", "done_at"])
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=progress,
            object_repr=f"{task.title[:150]} – {percent}%",
            unit_path=task.unit.path,
            after=audit.snapshot(progress) | {"files": [clean_name(upload.name) for upload, _kind in checked]},
            detail={"task": task.pk, "task_before": before},
        )
    return progress


def task_close(*, actor, task: Task, status: str = TaskStatus.DONE, note: str = "") -> Task:
    """Close an open task: done (the steering committee confirms it), or cancelled, saying why."""
    note = (note or "").strip()
    with transaction.atomic():
        found = Task.objects.restrict(actor, "change").filter(pk=task.pk).values("pk")
        task = Task.objects.select_for_update(of=("self",)).select_related("unit").filter(pk__in=found).first()
        if task is None:
            raise OutOfScope(_("No such task in your jurisdiction."))
        errors: dict[str, str] = {}
        if task.status not in OPEN_TASK_STATUSES:
            errors["__all__"] = _("This task is already closed (%(status)s).") % {"status": task.get_status_display()}
        if status not in (TaskStatus.DONE, TaskStatus.CANCELLED):
            errors["status"] = _("A task is closed as done or as cancelled.")
        elif status == TaskStatus.CANCELLED and not note:
            errors["note"] = _("Say why the task is cancelled.")
        _limited(errors, "note", note, NOTE_MAX)
        if errors:
            raise ValidationError(errors)
        before = audit.snapshot(task, ["status", "percent", "done_at"])
        task.status = status
        task.done_at = clock.now() if status == TaskStatus.DONE else None
        if status == TaskStatus.DONE:
            task.percent = 100
        task.save(update_fields=["status", "done_at", "percent"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=task,
            unit_path=task.unit.path,
            before=before,
            after=audit.snapshot(task, ["status", "percent", "done_at"]),
            detail={"note": note} if note else None,
        )
    return task


def inspection_record(
    *,
    actor,
    task: Task,
    inspected_on: date | None,
    inspectors: str,
    rating: str,
    findings: str,
    requests: str = "",
) -> Inspection:
    """Record what an inspection of the task's execution found, and the actions it asks for. By whoever may
    inspect in the task's unit."""
    inspectors = " ".join((inspectors or "").split())
    findings, requests = (findings or "").strip(), (requests or "").strip()
    with transaction.atomic():
        task = Task.objects.select_related("unit").filter(pk=getattr(task, "pk", None)).first()
        if task is None or not scope_of(actor, "command.add_inspection").covers_path(task.unit.path):
            raise OutOfScope(_("No such task in your jurisdiction."))
        errors: dict[str, str] = {}
        assigned = timezone.localdate(task.created_at)
        if inspected_on is None:
            errors["inspected_on"] = _("Give the day of the inspection.")
        elif inspected_on > clock.today():
            errors["inspected_on"] = _("An inspection is recorded once it has taken place: not in the future.")
        elif inspected_on < assigned:
            errors["inspected_on"] = _(
                "The inspection (%(day)s) cannot come before the task was assigned (%(assigned)s)."
            ) % {
                "day": _day(inspected_on),
                "assigned": _day(assigned),
            }
        _limited(errors, "inspectors", inspectors, INSPECTORS_MAX, required=_("Say who inspected."))
        if rating not in InspectionRating.values:
            errors["rating"] = _("Choose what the inspection found.")
        _limited(errors, "findings", findings, NOTE_MAX, required=_("Write the inspection's findings."))
        _limited(errors, "requests", requests, NOTE_MAX)
        if errors:
            raise ValidationError(errors)
        inspection = Inspection.objects.create(
            task=task,
            inspected_on=inspected_on,
            inspectors=inspectors,
            rating=rating,
            findings=findings,
            requests=requests,
            recorded_by=audit.user_of(actor),
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=inspection,
            unit_path=task.unit.path,
            after=audit.snapshot(inspection),
        )
    return inspection


def _reminder(task: Task, today: date) -> tuple[str, str]:
    """A reminder's subject and body, in the platform's language."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {"title": task.title, "deadline": _day(task.deadline)}
        if task.deadline < today:
            subject = _("Overdue task (due %(deadline)s): %(title)s") % values
        else:
            subject = _("Task due %(deadline)s: %(title)s") % values
        lines = [
            _("Task: %(title)s") % values,
            _("Lead body: %(body)s") % {"body": task.lead.name},
            _("Deadline: %(deadline)s") % values,
            _("Progress: %(percent)d of 100") % {"percent": task.percent},
        ]
        if task.expected_output:
            lines.append(_("Expected output: %(output)s") % {"output": task.expected_output})
        if task.directive_id:
            lines.append(_("Directive: %(directive)s") % {"directive": task.directive.number})
        url = settings.PHONGDICH_PUBLIC_URL + reverse("command:task", args=[task.pk])
        lines += ["", _("Report its progress: %(url)s") % {"url": url}]
    return subject[:200], "\n".join(lines)


def _send(messages: list[tuple[str, str, list[str]]]) -> None:
    for subject, body, recipients in messages:
        try:
            send_mail(subject, body, None, recipients)
        except Exception:  # a mail server down must not undo the day's reminders of the other tasks
            logger.exception("Task reminder not sent to %d recipients: %s", len(recipients), subject)


def tasks_remind(*, now: datetime | None = None, actor=REMINDER_ACTOR) -> dict[str, int]:
    """The day's reminders: each open task due within REMIND_DAYS days or overdue, not reminded yet today, is
    mailed to the members of its lead body who have an e-mail address (after the commit) and marked reminded. Run
    again the same day, it sends nothing more. Returns the tasks reminded and the e-mails sent."""
    now = now or clock.now()
    today = timezone.localdate(now)
    start_of_day = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    sent = {"tasks": 0, "emails": 0}
    with transaction.atomic():
        due = (
            Task.objects.select_for_update(of=("self",))
            .select_related("unit", "lead", "directive")
            .filter(status__in=OPEN_TASK_STATUSES, deadline__lte=today + timedelta(days=REMIND_DAYS))
            .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=start_of_day))
            .order_by("deadline", "pk")
        )
        tasks = list(due)
        if not tasks:
            return sent
        addresses: dict[int, list[str]] = {}
        members = Body.members.through.objects.filter(body_id__in={task.lead_id for task in tasks})
        for body_id, email in (
            members.filter(user__is_active=True).exclude(user__email="").values_list("body_id", "user__email")
        ):
            addresses.setdefault(body_id, []).append(email)
        messages = []
        for task in tasks:
            recipients = sorted(set(addresses.get(task.lead_id, [])))
            if recipients:
                messages.append((*_reminder(task, today), recipients))
                sent["emails"] += len(recipients)
            task.reminded_at = now
        Task.objects.bulk_update(tasks, ["reminded_at"])
        sent["tasks"] = len(tasks)
        audit.record_many(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="command.task",
            rows=[
                (
                    task.pk,
                    task.title[:200],
                    None,
                    task.unit.path,
                    {"reminded_at": now.isoformat(), "recipients": len(addresses.get(task.lead_id, []))},
                )
                for task in tasks
            ],
        )
        transaction.on_commit(lambda: _send(messages))
    return sent
