"""The dashboard's panels that other parts of the command centre fill: open alerts, tasks, targets. Each is read
through the part's own selector, so the dashboard shows what the user may see there, and only to a user whose role
opens that part."""

from datetime import date

from phongdich.core.scoping import has_permission_somewhere
from phongdich.places.models import AdminUnit

from .directives.selectors import task_counts


def panels_for(user, unit: AdminUnit, day: date) -> dict:
    panels = {}
    if has_permission_somewhere(user, "command.view_task"):
        panels["tasks"] = {"template": "command/_panel_tasks.html", "counts": task_counts(user, unit, day)}
    return panels
