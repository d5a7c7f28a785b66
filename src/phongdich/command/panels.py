"""The dashboard's panels that other parts of the command centre fill: open alerts, overdue tasks, targets. Each is
read through the part's own selector, so the dashboard shows what the user may see there."""

from datetime import date

from phongdich.places.models import AdminUnit


def panels_for(user, unit: AdminUnit, day: date) -> dict:
    return {}
