"""Reads of the alert centre: a user's inbox (the alerts of their jurisdiction whose rule sends them to one of
their roles, where that role is held), the counts of what is waiting, and the records behind an alert."""

from collections import defaultdict

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When

from phongdich.accounts.roles import facility_reaches_its_ward, role_grants
from phongdich.core.scoping import Scope, scope_filter, scope_of
from phongdich.places.models import AdminUnit

from ..choices import OPEN_TASK_STATUSES, AlertSeverity, AlertState
from ..models import Alert, AlertRule, Task

VIEW = "command.view_alert"


def role_scopes(user) -> dict[str, Scope]:
    """Each of the user's roles that may see alerts, with the places where they hold it (as core.scoping reads
    role assignments: a unit's subtree; a facility, and the ward of a facility serving it)."""
    paths: dict[str, set[str]] = defaultdict(set)
    facilities: dict[str, set[int]] = defaultdict(set)
    for role, path, facility_id, facility_kind, organisation_id in user.scope_rows():
        if organisation_id or not role_grants(role, VIEW):
            continue
        if facility_id:
            facilities[role].add(facility_id)
            if not facility_reaches_its_ward(facility_kind, VIEW):
                continue
        if path:
            paths[role].add(path)
    scopes = {}
    for role in set(paths) | set(facilities):
        found = paths[role]
        roots = tuple(sorted(p for p in found if not any(p != q and p.startswith(q) for q in found)))
        scopes[role] = Scope(unit_paths=roots, facility_ids=tuple(sorted(facilities[role])))
    return scopes


def inbox_filter(user) -> Q:
    """The alerts that land in the user's inbox: for each of their roles, the alerts of the rules sending to it,
    within where that role is held. A role held in a commune does not bring another commune's alerts because the
    user holds a second role province-wide."""
    if scope_of(user, VIEW).everywhere:  # a superuser or a named system actor
        return Q()
    rules = list(AlertRule.objects.values_list("pk", "roles"))
    where = Q(pk__in=[])
    for role, scope in role_scopes(user).items():
        rule_ids = [pk for pk, roles in rules if role in (roles or [])]
        if rule_ids:
            where |= Q(rule_id__in=rule_ids) & scope_filter(Alert, scope)
    return where


STATE_RANK = Case(
    When(state=AlertState.OPEN, then=Value(0)),
    When(state=AlertState.ACKNOWLEDGED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
SEVERITY_RANK = Case(
    When(rule__severity=AlertSeverity.CRITICAL, then=Value(0)),
    When(rule__severity=AlertSeverity.WARNING, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


CLEARED_RANK = Case(When(cleared_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())


def in_order(alerts: QuerySet) -> QuerySet:
    """Open first, then acknowledged, then resolved; those whose condition still holds before those cleared; the
    critical first; the newest first."""
    return alerts.annotate(state_rank=STATE_RANK, cleared_rank=CLEARED_RANK, severity_rank=SEVERITY_RANK).order_by(
        "state_rank", "cleared_rank", "severity_rank", F("raised_at").desc(), "-pk"
    )


def inbox(user) -> QuerySet:
    """The user's inbox: the alerts they may see whose rule sends them to one of their roles, in the inbox's
    order (open, then acknowledged, then resolved)."""
    return in_order(Alert.objects.visible_to(user).filter(inbox_filter(user)))


def open_alert_counts(user, unit: AdminUnit | None = None) -> dict[str, int]:
    """What waits in the user's inbox (under `unit`, if given): open, acknowledged, the critical among them, and
    those whose condition has cleared. One query."""
    alerts = Alert.objects.visible_to(user).filter(inbox_filter(user)).exclude(state=AlertState.RESOLVED)
    if unit is not None:
        alerts = alerts.filter(unit__in=AdminUnit.objects.filter(path__startswith=unit.path).values("pk"))
    return alerts.aggregate(
        open=Count("pk", filter=Q(state=AlertState.OPEN)),
        acknowledged=Count("pk", filter=Q(state=AlertState.ACKNOWLEDGED)),
        critical=Count("pk", filter=Q(rule__severity=AlertSeverity.CRITICAL)),
        cleared=Count("pk", filter=Q(cleared_at__isnull=False)),
    )


def in_inbox(user, alert: Alert) -> bool:
    return Alert.objects.filter(pk=alert.pk).filter(inbox_filter(user)).exists()


TASKS_SHOWN = 20


def overdue_tasks_of(user, alert: Alert, today) -> list[Task]:
    """The tasks behind an overdue-tasks alert that the user may see: open, past their deadline, of its unit."""
    return list(
        Task.objects.visible_to(user)
        .filter(unit_id=alert.unit_id, status__in=OPEN_TASK_STATUSES, deadline__lt=today)
        .select_related("lead")
        .order_by("deadline", "pk")[:TASKS_SHOWN]
    )
