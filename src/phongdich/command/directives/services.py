"""Directives, the bodies they assign tasks to, the tasks themselves, their progress reports, inspections and
reminders. Every write resolves what it names through the actor's jurisdiction first (out of scope answers like a
missing record), then checks its own rules, and is audited with the unit it concerns in the same transaction."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from phongdich.core import audit
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.places.models import AdminUnit

from ..models import Body, Briefing, BriefingDecision, Directive, DirectivePoint, Task

TITLE_MAX = 400
OUTPUT_MAX = 400
EARLIEST_DAY = date(2020, 1, 1)  # the first COVID-19 directives of Vietnam's provinces date from early 2020


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
    found = Directive.objects.visible_to(actor).select_related("unit").filter(pk=directive.pk).first()
    if found is None:
        raise OutOfScope(_("No such directive in your jurisdiction."))
    return found


def _point_in_scope(actor, point: DirectivePoint | None) -> DirectivePoint | None:
    if point is None:
        return None
    directives = Directive.objects.visible_to(actor)
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
