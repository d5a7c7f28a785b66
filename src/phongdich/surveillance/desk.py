"""Tracing's parts of the home page (core/desk.py): today's new cases, contacts to reach, door-to-door tasks."""

from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.core.desk import Part, list_figure, place_filter, without_none
from phongdich.people.models import Person

from .views import TaskListView

TASK_ROWS = 10


def tracing(request, assignment) -> Part:
    place = place_filter(assignment)
    today = clock.today().isoformat()
    return Part(
        _("Tracing"),
        without_none(
            list_figure(request, _("New F0 today"), "surveillance:cases", **place, confirmed_from=today),
            list_figure(request, _("F1 not yet reached"), "surveillance:levels", **place, level=1, not_reached=True),
            list_figure(request, _("Overdue tasks"), "surveillance:tasks", urgent=True, **place, state="overdue"),
        ),
    )


def group_tasks(request, assignment) -> Part:
    """The open door-to-door tasks of the member's group, the most urgent first, with address and phone."""
    unit = assignment.unit_id
    open_tasks = list_figure(request, _("Open tasks"), "surveillance:tasks", unit=unit, state="open")
    overdue = list_figure(request, _("Overdue tasks"), "surveillance:tasks", urgent=True, unit=unit, state="overdue")
    _filterset, queryset = TaskListView(request=request).filtered({"unit": str(unit), "state": "open"})
    tasks = list(queryset[:TASK_ROWS])
    people = Person.objects.visible_to(request.user).filter(pk__in={task.person_id for task in tasks})
    found = {person.pk: person for person in people.only("full_name", "address", "phone")}
    return Part(
        _("My open tasks"),
        without_none(open_tasks, overdue),
        template="surveillance/_desk_tasks.html",
        rows=[(task, found.get(task.person_id)) for task in tasks],
        more_url=open_tasks.url if open_tasks else "",
    )
