"""Reads of directives, tasks and bodies.

Tasks are seen by two routes: the jurisdiction (a province's command sees every task of the province's units,
`Task.objects.visible_to`), and membership of a body the task is assigned to (the district officer who belongs to
the district's people's committee sees the province's tasks led by that committee, or where it coordinates). A
directive is seen in the jurisdiction, or by the members of a body it was sent to or that holds one of its tasks.
"""

from datetime import date, timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from phongdich.core.scoping import has_permission_somewhere, scope_of
from phongdich.places.models import AdminUnit

from ..choices import OPEN_TASK_STATUSES, TaskStatus
from ..models import Body, Directive, Task

REMIND_DAYS = 2  # a task due within this many days is "due soon", and its lead body is reminded of it


def _is_user(user) -> bool:
    return not isinstance(user, str) and user is not None and user.is_authenticated and user.is_active


def member_body_ids(user) -> QuerySet:
    """The ids of the bodies `user` belongs to, as a subquery."""
    return Body.members.through.objects.filter(user_id=user.pk).values("body_id")


def is_member(user, bodies) -> bool:
    """Whether `user` (a user, not a named system actor) belongs to one of these bodies."""
    ids = [body.pk for body in bodies if body is not None]
    return _is_user(user) and Body.members.through.objects.filter(user_id=user.pk, body_id__in=ids).exists()


def belongs_to_a_body(user) -> bool:
    return _is_user(user) and Body.members.through.objects.filter(user_id=user.pk).exists()


def may_see(user, permission: str) -> bool:
    """Whether a page of directives, tasks or bodies opens for `user` at all: the role grants `permission`
    somewhere, or the user belongs to a body (which sees its own tasks and their directives)."""
    return has_permission_somewhere(user, permission) or belongs_to_a_body(user)


def _member_tasks(user) -> Q:
    bodies = member_body_ids(user)
    coordinated = Task.coordinating.through.objects.filter(body_id__in=bodies).values("task_id")
    return Q(lead__in=bodies) | Q(pk__in=coordinated)


def tasks_visible_to(user) -> QuerySet[Task]:
    """The tasks in the user's jurisdiction (command.view_task) and those led or coordinated by a body the user
    belongs to. A named system actor sees every task."""
    if isinstance(user, str):
        return Task.objects.all()
    if not _is_user(user):
        return Task.objects.none()
    return Task.objects.visible_to(user) | Task.objects.filter(_member_tasks(user))


def directives_visible_to(user) -> QuerySet[Directive]:
    """The directives in the user's jurisdiction (command.view_directive), and those sent to a body the user belongs
    to or that assigned one of its tasks to such a body."""
    if isinstance(user, str):
        return Directive.objects.all()
    if not _is_user(user):
        return Directive.objects.none()
    bodies = member_body_ids(user)
    sent = Directive.recipient_bodies.through.objects.filter(body_id__in=bodies).values("directive_id")
    assigned = Task.objects.filter(_member_tasks(user), directive__isnull=False).values("directive_id")
    return Directive.objects.visible_to(user) | Directive.objects.filter(Q(pk__in=sent) | Q(pk__in=assigned))


def can_report(user, task: Task) -> bool:
    """Whether `user` may report the task's progress: a member of its lead or a coordinating body, or whoever may
    change the tasks of its unit (the steering committee following it up)."""
    if isinstance(user, str):
        return True
    if not _is_user(user):
        return False
    if scope_of(user, "command.change_task").covers_path(task.unit.path):
        return True
    return is_member(user, [task.lead, *task.coordinating.all()])


def reporting_bodies(user, task: Task) -> list[Body]:
    """The task's bodies `user` may report for: all of them for whoever may change the task, else those the user
    belongs to (the lead first)."""
    bodies = [task.lead, *sorted(task.coordinating.all(), key=lambda body: body.name)]
    if isinstance(user, str) or (_is_user(user) and scope_of(user, "command.change_task").covers_path(task.unit.path)):
        return bodies
    if not _is_user(user):
        return []
    mine = set(member_body_ids(user).filter(body_id__in=[body.pk for body in bodies]).values_list("body_id", flat=True))
    return [body for body in bodies if body.pk in mine]


def is_overdue(task: Task, today: date) -> bool:
    return task.status in OPEN_TASK_STATUSES and task.deadline < today


def overdue_tasks(user, today: date) -> QuerySet[Task]:
    """The open tasks the user sees whose deadline has passed, the longest overdue first."""
    return tasks_visible_to(user).filter(status__in=OPEN_TASK_STATUSES, deadline__lt=today).order_by("deadline", "pk")


def tasks_of_unit(user, unit: AdminUnit) -> QuerySet[Task]:
    """The tasks the user sees that concern `unit`: followed up in its subtree, or led by one of its bodies (a
    district's count includes the province's tasks led by the district's people's committee)."""
    units = AdminUnit.objects.filter(path__prefix=unit.path).values("pk")
    return tasks_visible_to(user).filter(Q(unit__in=units) | Q(lead__unit__in=units))


def task_counts(user, unit: AdminUnit, today: date) -> dict[str, int]:
    """{"open", "overdue", "done", "due_soon"} for the dashboard: open counts every task not done nor cancelled,
    overdue those of them past their deadline, due_soon those due from today to REMIND_DAYS ahead. One query."""
    open_ = Q(status__in=OPEN_TASK_STATUSES)
    soon = Q(deadline__gte=today, deadline__lte=today + timedelta(days=REMIND_DAYS))
    counts = tasks_of_unit(user, unit).aggregate(
        open=Count("pk", filter=open_),
        overdue=Count("pk", filter=open_ & Q(deadline__lt=today)),
        done=Count("pk", filter=Q(status=TaskStatus.DONE)),
        due_soon=Count("pk", filter=open_ & soon),
    )
    return {key: counts[key] or 0 for key in ("open", "overdue", "done", "due_soon")}


def _counted(rows: QuerySet) -> Coalesce:
    counted = rows.order_by().values("directive_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_task_counts(directives: QuerySet[Directive], user, today: date) -> QuerySet[Directive]:
    """Directives with their points counted and the tasks the user sees counted by stage (n_points, n_tasks,
    n_open, n_overdue, n_done), each a subquery so the list stays one query."""
    from ..models import DirectivePoint

    tasks = tasks_visible_to(user).filter(directive=OuterRef("pk"))
    open_tasks = tasks.filter(status__in=OPEN_TASK_STATUSES)
    return directives.annotate(
        n_points=_counted(DirectivePoint.objects.filter(directive=OuterRef("pk"))),
        n_tasks=_counted(tasks),
        n_open=_counted(open_tasks),
        n_overdue=_counted(open_tasks.filter(deadline__lt=today)),
        n_done=_counted(tasks.filter(status=TaskStatus.DONE)),
    )
