"""Reads of self-reports and alerts: the missed-report call list, and audited reads of a person's readings."""

from datetime import datetime, timedelta

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.rules import in_force

from .choices import AlertStatus, OrderStatus, Severity
from .models import Alert, IsolationOrder, SelfReport, WarningRules
from .services.reports import MISSED_REPORT_KINDS

READINGS_SHOWN = 30


def missed_reports(orders: QuerySet, now: datetime | None = None) -> QuerySet:
    """Active orders of people at home not heard from for the rules' hours (since their last report, or since the
    order was recorded), the longest silent first; `heard_from` is annotated."""
    now = now or clock.now()
    hours = in_force(WarningRules, timezone.localdate(now)).missed_report_hours
    return (
        orders.filter(status=OrderStatus.ACTIVE, kind__in=MISSED_REPORT_KINDS)
        .annotate(heard_from=Coalesce("last_report_at", "created_at"))
        .filter(heard_from__lt=now - timedelta(hours=hours))
        .order_by(F("heard_from").asc(), "pk")
    )


def alert_queue(alerts: QuerySet) -> QuerySet:
    """The queue's order: escalated first (the district works those), then open before acknowledged, the severe
    before the moderate and the mild, then the nearest deadline."""
    waiting = Case(When(status=AlertStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    severity = Case(
        When(severity=Severity.SEVERE, then=Value(0)),
        When(severity=Severity.MODERATE, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return alerts.order_by(F("escalated_at").desc(nulls_last=True), waiting, severity, "acknowledge_by", "pk")


def alert_for_reading(user, pk: int) -> Alert:
    """An alert the user may see, its reading of a person's health written to the audit trail. Raises DoesNotExist."""
    alert = (
        Alert.objects.visible_to(user)
        .select_related("order", "unit", "facility", "report", "acknowledged_by", "closed_by")
        .get(pk=pk)
    )
    audit.record(actor=user, action=AuditAction.READ, instance=alert, person_id=alert.person_id)
    return alert


def readings_for_reading(user, order: IsolationOrder, limit: int = READINGS_SHOWN) -> list[SelfReport]:
    """The newest readings of an order the user has already opened in scope, the read audited."""
    reports = list(
        SelfReport.objects.filter(order=order).select_related("recorded_by").order_by("-measured_at")[:limit]
    )
    audit.record(
        actor=user,
        action=AuditAction.READ,
        object_type="care.selfreport",
        object_id=str(order.pk),
        object_repr=f"readings of order #{order.pk}",
        person_id=order.person_id,
        unit_path=audit.unit_path_of(order),
        detail={"order": order.pk, "readings": len(reports)},
    )
    return reports
