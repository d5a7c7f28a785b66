"""Care figures of a unit, for its page and the desks: counts over what the viewer may see."""

from dataclasses import dataclass

from django.db.models import Count, Q

from phongdich.core import clock
from phongdich.core.rules import in_force
from phongdich.core.scoping import has_permission_somewhere

from .choices import AlertStatus, OrderKind, OrderStatus, Severity
from .models import Alert, IsolationOrder, WarningRules
from .selectors import missed_reports


@dataclass(frozen=True)
class CareFigures:
    """A unit's care at a glance: F0 at home by severity, alerts, missed reports and releases due."""

    f0_home: dict[str, int]
    f0_home_total: int
    f1_home: int
    at_sites: int
    alerts_open: int
    alerts_overdue: int
    missed_reports: int
    missed_hours: int
    releases_due: int


def unit_care_figures(user, unit) -> CareFigures | None:
    """The figures of `unit`'s subtree as far as `user` may see its orders and alerts (None: no care role)."""
    if not has_permission_somewhere(user, "care.view_isolationorder"):
        return None
    now, today = clock.now(), clock.today()
    missed_hours = in_force(WarningRules).missed_report_hours
    orders = IsolationOrder.objects.visible_to(user).filter(unit__path__startswith=unit.path, status=OrderStatus.ACTIVE)
    home_f0 = Q(kind=OrderKind.F0_HOME)
    counts = orders.aggregate(
        f0_home_total=Count("pk", filter=home_f0),
        f1_home=Count("pk", filter=Q(kind=OrderKind.F1_HOME)),
        at_sites=Count("pk", filter=Q(site__isnull=False)),
        releases_due=Count("pk", filter=Q(planned_end__lte=today)),
        **{band: Count("pk", filter=home_f0 & Q(severity=band)) for band in Severity.values},
    )
    alerts = Alert.objects.visible_to(user).filter(unit__path__startswith=unit.path)
    alert_counts = alerts.exclude(status=AlertStatus.CLOSED).aggregate(
        alerts_open=Count("pk"),
        alerts_overdue=Count("pk", filter=Q(status=AlertStatus.OPEN, acknowledge_by__lt=now)),
    )
    return CareFigures(
        missed_reports=missed_reports(orders, now).count(),
        f0_home={band: counts.pop(band) for band in Severity.values},
        missed_hours=missed_hours,
        **counts,
        **alert_counts,
    )


def unit_section(user, unit) -> tuple[str, dict] | None:
    """The care figures on a unit's page (places.views.UNIT_SECTIONS)."""
    figures = unit_care_figures(user, unit)
    return ("care/_unit_figures.html", {"care": figures}) if figures else None
