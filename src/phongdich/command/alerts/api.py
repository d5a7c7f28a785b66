"""/api/v1/command/alerts: the caller's inbox (or every alert of their jurisdiction), an alert, acknowledging and
resolving it, and the rules. Scoped like the pages; the same services do the writes. An id in the path answers 404
outside the caller's jurisdiction as for a missing alert."""

from datetime import datetime

from django.db.models import Count
from ninja import Query, Router, Schema
from pydantic import Field

from phongdich.core.api import filtered, lookup
from phongdich.core.pagination import keyset_page
from phongdich.core.scoping import require_permission

from ..choices import AlertState
from ..models import Alert, AlertRule
from .filtersets import AlertFilterSet
from .selectors import STATE_RANK
from .services import alert_acknowledge, alert_resolve

router = Router(tags=["command: alerts"])


class AlertOut(Schema):
    id: int
    rule: str = Field(description="The rule's code.")
    rule_name: str
    kind: str = Field(description="What the rule watches (home_care_unack, bed_occupancy, …).")
    severity: str
    unit_id: int
    unit_name: str
    facility_id: int | None
    facility_name: str | None
    subject: str = Field(description="What the alert is about, one live alert per rule and subject ('beds:12').")
    summary: str
    value: float
    threshold: float
    link: str = Field(description="The page of the records behind the alert, if any.")
    state: str = Field(description="open, acknowledged or resolved.")
    raised_at: datetime
    seen_at: datetime = Field(description="The last sweep that found the condition.")
    cleared_at: datetime | None = Field(description="When a sweep found the condition no longer holding.")
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: str

    @staticmethod
    def resolve_rule(alert) -> str:
        return alert.rule.code

    @staticmethod
    def resolve_rule_name(alert) -> str:
        return alert.rule.name

    @staticmethod
    def resolve_kind(alert) -> str:
        return alert.rule.kind

    @staticmethod
    def resolve_severity(alert) -> str:
        return alert.rule.severity

    @staticmethod
    def resolve_unit_name(alert) -> str:
        return alert.unit.name

    @staticmethod
    def resolve_facility_name(alert) -> str | None:
        return alert.facility.name if alert.facility_id else None

    @staticmethod
    def resolve_acknowledged_by(alert) -> str | None:
        return str(alert.acknowledged_by) if alert.acknowledged_by_id else None

    @staticmethod
    def resolve_resolved_by(alert) -> str | None:
        return str(alert.resolved_by) if alert.resolved_by_id else None


class AlertPage(Schema):
    items: list[AlertOut]
    next_cursor: str | None


class AlertFilters(Schema):
    state: str | None = Field(
        None, description="live (not resolved; the default), open, acknowledged, cleared, resolved or all."
    )
    rule: int | None = Field(None, description="A rule's id.")
    unit: int | None = Field(None, description="Alerts of this unit or below it.")
    box: str | None = Field(None, description="inbox (the default: the rules sending to the caller's roles) or all.")


RELATED = ("rule", "unit", "facility", "acknowledged_by", "resolved_by")


@router.get("", response=AlertPage, summary="The caller's inbox: open alerts first, then acknowledged, then resolved")
def list_alerts(request, filters: Query[AlertFilters], cursor: str | None = None, limit: int = 50):
    require_permission(request.user, "command.view_alert")
    alerts = filtered(AlertFilterSet, filters.dict(), Alert.objects.visible_to(request.user), request.user)
    rows = alerts.select_related(*RELATED).annotate(state_rank=STATE_RANK)
    items, next_cursor = keyset_page(rows, ("state_rank", "-id"), cursor, min(max(limit, 1), 200))
    return {"items": items, "next_cursor": next_cursor}


@router.get("/{int:alert_id}", response=AlertOut, summary="An alert in the caller's jurisdiction")
def read_alert(request, alert_id: int):
    require_permission(request.user, "command.view_alert")
    return lookup(request.user, Alert.objects.select_related(*RELATED), alert_id)


@router.post("/{int:alert_id}/acknowledge", response=AlertOut, summary="Take an alert on (again: no change)")
def acknowledge_alert(request, alert_id: int):
    require_permission(request.user, "command.change_alert")
    alert = lookup(request.user, Alert, alert_id, "change")
    alert_acknowledge(actor=request.user, alert=alert)
    return Alert.objects.select_related(*RELATED).get(pk=alert.pk)


class ResolveIn(Schema):
    resolution: str = Field(description="What was done about it (at most 300 characters).")


@router.post("/{int:alert_id}/resolve", response=AlertOut, summary="Resolve an alert, saying what was done")
def resolve_alert(request, alert_id: int, payload: ResolveIn):
    require_permission(request.user, "command.change_alert")
    alert = lookup(request.user, Alert, alert_id, "change")
    alert_resolve(actor=request.user, alert=alert, resolution=payload.resolution)
    return Alert.objects.select_related(*RELATED).get(pk=alert.pk)


class RuleOut(Schema):
    id: int
    code: str
    kind: str
    name: str
    threshold: float
    severity: str
    roles: list[str] = Field(description="The roles whose inbox its alerts land in.")
    unit_levels: list[str]
    active: bool
    changed_at: datetime
    live_alerts: int = Field(description="Its alerts not yet resolved, in the caller's jurisdiction.")


@router.get("/rules", response=list[RuleOut], summary="What the alert centre watches and from which threshold")
def list_rules(request):
    require_permission(request.user, "command.view_alertrule")
    live = dict(
        Alert.objects.visible_to(request.user)
        .exclude(state=AlertState.RESOLVED)
        .order_by()
        .values_list("rule_id")
        .annotate(n=Count("pk"))
    )
    rules = list(AlertRule.objects.order_by("code"))
    for rule in rules:
        rule.live_alerts = live.get(rule.pk, 0)
    return rules
