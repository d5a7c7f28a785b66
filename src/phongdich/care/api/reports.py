"""/api/v1/care/reports and /api/v1/care/alerts: self-reports from apps (by a household's personal link or a staff
token) and the alert queue for staff. Scoped and audited like the pages; the same services do the writes."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.security import HttpBearer
from pydantic import Field

from phongdich.core import clock
from phongdich.core.api import SessionAuth, TokenAuth, filtered, lookup, lookup_field
from phongdich.core.pagination import keyset_page
from phongdich.core.scoping import require_permission
from phongdich.people.api import related_person
from phongdich.people.selectors import name_people

from ..choices import ActionKind, OrderStatus, ReportSource
from ..filtersets import AlertFilterSet
from ..models import Alert, AlertAction, IsolationOrder, ReportLink, SelfReport
from ..selectors import alert_for_reading
from ..services.reports import (
    alert_acknowledge,
    alert_action_record,
    alert_close,
    link_actor,
    orders_in_scope,
    report_submit,
)
from ..warnings import sign_text

router = Router(tags=["care"])


class LinkAuth(HttpBearer):
    """A household's personal link: `Authorization: Link <token>` (the token at the end of the link's address)."""

    openapi_scheme = "link"
    openapi_description = "A household's self-report link: `Authorization: Link <token>` (the end of /r/<token>/)."

    def authenticate(self, request, token):
        if not 20 <= len(token) <= 64:
            return None
        return ReportLink.objects.filter(token=token).first()


# -- Self-reports ---------------------------------------------------------------------------------------------------


class ReportIn(Schema):
    client_id: str = Field(max_length=64, description="Chosen by the app, unique per report: a retry sends it again.")
    order_id: int | None = Field(None, description="The order reported for; or give person_id.")
    person_id: int | None = Field(None, description="The person reported for, when order_id is not given.")
    measured_at: datetime = Field(description="When measured; without a zone, Asia/Ho_Chi_Minh.")
    spo2: int | None = Field(None, description="%, 50-100")
    breathing_rate: int | None = Field(None, description="per minute, 5-80")
    pulse: int | None = Field(None, description="per minute, 20-250")
    temperature: Decimal | None = Field(None, description="°C, 34-43 (°F is refused with its °C value)")
    systolic: int | None = Field(None, description="mmHg")
    diastolic: int | None = Field(None, description="mmHg, below the systolic")
    symptoms: list[str] = Field(default_factory=list, max_length=20, description="Codes of the checklist")
    note: str = Field("", max_length=300)


class SignOut(Schema):
    code: str
    text: str


class ReportOut(Schema):
    id: int
    client_id: str
    order_id: int
    person_id: int
    source: str
    measured_at: datetime
    received_at: datetime
    spo2: int | None
    breathing_rate: int | None
    pulse: int | None
    temperature: Decimal | None
    systolic: int | None
    diastolic: int | None
    symptoms: list[str]
    note: str
    severity: str
    warning_signs: list[SignOut]
    alert_id: int | None

    @staticmethod
    def resolve_warning_signs(report) -> list[dict]:
        return [{"code": sign.get("symptom") or sign["code"], "text": sign_text(sign)} for sign in report.warning_signs]

    @staticmethod
    def resolve_alert_id(report) -> int | None:
        if hasattr(report, "raised_alert"):  # set by report_submit on a report it has just stored
            return report.raised_alert.pk if report.raised_alert else None
        return report.alerts.values_list("pk", flat=True).first()


REPORT_AUTH = [LinkAuth(), TokenAuth(), SessionAuth()]


@router.post(
    "/reports",
    auth=REPORT_AUTH,
    response={200: ReportOut, 201: ReportOut},
    summary="Send a self-report (201 stored, 200 already stored under this client_id)",
)
def send_report(request, payload: ReportIn):
    if isinstance(request.auth, ReportLink):
        link = request.auth
        order = _link_order(link, payload)
        if order is None:
            return _link_ended()
        if _too_many(link):
            message = _("Too many reports through this link. Please wait a few minutes and send again.")
            return JsonResponse({"code": "too_many", "message": message, "fields": {}}, status=429)
        actor, source = link_actor(link), ReportSource.APP
    else:
        require_permission(request.user, "care.add_selfreport")
        order, actor, source = _staff_order(request.user, payload), request.user, ReportSource.STAFF
    report, created = report_submit(
        actor=actor,
        order=order,
        source=source,
        client_id=payload.client_id,
        measured_at=payload.measured_at,
        **payload.dict(include={"spo2", "breathing_rate", "pulse", "temperature", "systolic", "diastolic"}),
        symptoms=payload.symptoms,
        note=payload.note,
    )
    return Status(201 if created else 200, report)


def _link_ended() -> JsonResponse:
    message = _("This link no longer takes reports: it was replaced or cancelled, or the isolation has ended.")
    return JsonResponse({"code": "link_ended", "message": message, "fields": {}}, status=410)


def _too_many(link: ReportLink) -> bool:
    """The link's limit, counted on the reports it stored in the window: a read, where counting requests in
    core.ratelimit would add a write to every report (a refused report stores nothing, so it costs no write)."""
    since = clock.now() - timedelta(minutes=settings.PHONGDICH_SELFREPORT_LIMIT_WINDOW_MINUTES)
    stored = SelfReport.objects.filter(order__link=link, received_at__gte=since).count()
    return stored >= settings.PHONGDICH_SELFREPORT_LIMIT_PER_LINK


def _link_order(link: ReportLink, payload: ReportIn) -> IsolationOrder | None:
    """The member of the link's household the report is for, by order or person, in one query; None when the link
    no longer takes reports (revoked, or everyone released); 422 for anyone else."""
    if link.revoked_at is not None:
        return None
    orders = IsolationOrder.objects.filter(link=link, status=OrderStatus.ACTIVE).select_related("person", "unit")
    if payload.order_id is not None:
        found = list(orders.filter(pk=payload.order_id))
    else:
        found = list(orders.filter(person_id=payload.person_id)[:2]) if payload.person_id is not None else []
    if len(found) == 1:
        return found[0]
    if not orders.exists():
        return None
    field = "order_id" if payload.order_id is not None or payload.person_id is None else "person_id"
    raise ValidationError({field: _("Not one of the people reporting through this link.")})


def _staff_order(user, payload: ReportIn) -> IsolationOrder:
    orders = orders_in_scope(user, "care.add_selfreport", IsolationOrder.objects.select_related("person", "unit"))
    if payload.order_id is not None or payload.person_id is None:
        return lookup_field(user, orders, payload.order_id, "order_id", action=None) or _missing("order_id")
    active = list(orders.filter(person_id=payload.person_id, status=OrderStatus.ACTIVE)[:2])
    if len(active) != 1:
        raise ValidationError({"person_id": _("Give order_id: this person has no active order, or several.")})
    return active[0]


def _missing(field: str):
    raise ValidationError({field: _("Give the order or the person.")})


# -- Alerts -----------------------------------------------------------------------------------------------------


class AlertOut(Schema):
    id: int
    kind: str
    severity: str
    status: str
    signs: list[SignOut]
    order_id: int
    person_id: int
    person_name: str | None
    unit_id: int
    facility_id: int | None
    report_id: int | None
    raised_at: datetime
    acknowledge_by: datetime
    escalate_at: datetime
    escalated_at: datetime | None
    acknowledged_at: datetime | None
    closed_at: datetime | None
    close_note: str

    @staticmethod
    def resolve_signs(alert) -> list[dict]:
        return [{"code": sign.get("symptom") or sign["code"], "text": sign_text(sign)} for sign in alert.signs]

    @staticmethod
    def resolve_person_name(alert, context) -> str | None:
        return related_person(alert, "person_id", context)


class ActionOut(Schema):
    id: int
    kind: str
    note: str
    done_at: datetime
    done_by_id: int | None


class AlertDetailOut(AlertOut):
    actions: list[ActionOut]

    @staticmethod
    def resolve_actions(alert) -> list[AlertAction]:
        return list(alert.actions.all())


class AlertPage(Schema):
    items: list[AlertOut]
    next_cursor: str | None


class AlertFilters(Schema):
    state: str | None = Field("open", description="open (not closed), overdue, escalated, closed; empty for all")
    kind: str | None = None
    severity: str | None = None
    unit: int | None = None
    person: int | None = None


class ActionIn(Schema):
    kind: ActionKind
    note: str = Field("", max_length=300)
    done_at: datetime | None = None


class CloseIn(Schema):
    note: str = Field(max_length=300)


@router.get("/alerts", response=AlertPage, summary="Alerts in the caller's jurisdiction, newest first")
def list_alerts(request, filters: Query[AlertFilters], cursor: str | None = None, limit: int = 50):
    require_permission(request.user, "care.view_alert")
    found = filtered(AlertFilterSet, filters.dict(), Alert.objects.visible_to(request.user), request.user)
    rows, next_cursor = keyset_page(found, ("-id",), cursor, max(1, min(limit, 200)))
    return {"items": name_people(request.user, rows, person_ref="person_id"), "next_cursor": next_cursor}


@router.get("/alerts/{int:alert_id}", response=AlertDetailOut, summary="Read an alert and what was done (audited)")
def read_alert(request, alert_id: int):
    require_permission(request.user, "care.view_alert")
    return alert_for_reading(request.user, alert_id)


@router.post("/alerts/{int:alert_id}/acknowledge", response=AlertOut, summary="Acknowledge an alert")
def acknowledge_alert(request, alert_id: int):
    require_permission(request.user, "care.change_alert")
    return alert_acknowledge(actor=request.user, alert=lookup(request.user, Alert, alert_id, "change"))


@router.post("/alerts/{int:alert_id}/actions", response={201: ActionOut}, summary="Record what was done")
def record_action(request, alert_id: int, payload: ActionIn):
    require_permission(request.user, "care.change_alert")
    alert = lookup(request.user, Alert, alert_id, "change")
    return Status(201, alert_action_record(actor=request.user, alert=alert, **payload.dict()))


@router.post("/alerts/{int:alert_id}/close", response=AlertOut, summary="Close an alert, saying how it ended")
def close_alert(request, alert_id: int, payload: CloseIn):
    require_permission(request.user, "care.change_alert")
    return alert_close(actor=request.user, alert=lookup(request.user, Alert, alert_id, "change"), note=payload.note)
