"""The dashboard's panels that other parts of the command centre fill: open alerts, tasks, targets. Each is read
through the part's own selector, so the dashboard shows what the user may see there, and only to a user whose role
opens that part."""

from datetime import date

from phongdich.core.scoping import has_permission_somewhere
from phongdich.places.models import AdminUnit

from .alerts.selectors import open_alert_counts
from .directives.selectors import task_counts
from .targets.selectors import progress_of, targets_for


def panels_for(user, unit: AdminUnit, day: date) -> dict:
    panels = {}
    if has_permission_somewhere(user, "command.view_alert"):
        panels["alerts"] = {"template": "command/_panel_alerts.html", "counts": open_alert_counts(user, unit)}
    if has_permission_somewhere(user, "command.view_task"):
        panels["tasks"] = {"template": "command/_panel_tasks.html", "counts": task_counts(user, unit, day)}
    if has_permission_somewhere(user, "command.view_target"):
        targets = list(targets_for(user).filter(unit__path__in=[*unit.ancestor_paths(), unit.path])[:6])
        panels["targets"] = {
            "template": "command/_panel_targets.html",
            "targets": [(target, progress_of(target, day)) for target in targets],
        }
    return panels
