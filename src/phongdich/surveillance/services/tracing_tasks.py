"""Door-to-door tracing tasks: assignment and outcomes."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope, scope_of

from ..choices import (
    TaskOutcome,
)
from ..models import TracingTask


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
    """What happened when the team called or visited. "Isolated" puts the person under an isolation order in the
    same transaction (care.services.order_from_tracing_task), or says on the task why it did not."""
    if outcome not in TaskOutcome.values:
        raise ValidationError({"outcome": _("Choose what happened.")})
    with transaction.atomic():
        task = TracingTask.objects.restrict(actor, "change").select_for_update().filter(pk=task.pk).first()
        if task is None:
            raise OutOfScope(_("No such task in your jurisdiction."))
        if task.done_at is not None:
            raise ValidationError({"outcome": _("This task is already done.")})
        task.outcome, task.note, task.done_at = outcome, note.strip()[:300], clock.now()
        task.done_by = audit.user_of(actor)
        task.save(update_fields=["outcome", "note", "done_at", "done_by"])
        if outcome == TaskOutcome.ISOLATED:
            from phongdich.care.services import order_from_tracing_task  # care builds on surveillance

            order_from_tracing_task(actor=actor, task=task)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=task,
            person_id=task.person_id,
            after=audit.snapshot(task, ["outcome", "note", "done_at"]),
        )
    return task
