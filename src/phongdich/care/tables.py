import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.core.tables import BadgeColumn, DueColumn, badge
from phongdich.people.tables import PersonRefColumn

from .choices import AlertStatus, OrderStatus, Severity
from .models import Alert, IsolationOrder
from .warnings import signs_text

STATUS_TONES = {
    OrderStatus.ACTIVE: "warn",
    OrderStatus.RELEASED: "ok",
    OrderStatus.BROKEN: "alert",
    OrderStatus.DIED: "alert",
}
SEVERITY_TONES = {Severity.MILD: "ok", Severity.MODERATE: "warn", Severity.SEVERE: "alert"}


class PlannedEndColumn(tables.DateColumn):
    """The planned end, with "Ends today" or "Past its planned end" while the order is active."""

    def render(self, value, record):
        shown = value.strftime("%d/%m/%Y")
        if record.status != OrderStatus.ACTIVE:
            return shown
        today = clock.today()
        if value == today:
            return format_html("{} {}", shown, badge(_("Ends today"), "warn"))
        if value < today:
            return format_html("{} {}", shown, badge(_("Past its planned end"), "alert"))
        return shown


class IsolationOrderTable(tables.Table):
    person = PersonRefColumn(
        verbose_name=_("Person"),
        accessor="person_id",
        order_by=("person__name_search",),
        record_url=lambda order: reverse("care:order", args=[order.pk]),
    )
    kind = tables.Column(verbose_name=_("Kind"))
    status = BadgeColumn(verbose_name=_("Status"), tones=STATUS_TONES)
    starts_on = tables.DateColumn(verbose_name=_("Start"), format="d/m/Y")
    planned_end = PlannedEndColumn(verbose_name=_("Planned end"))
    severity = BadgeColumn(verbose_name=_("Severity"), tones=SEVERITY_TONES)
    unit = tables.Column(verbose_name=_("Residence"), accessor="unit__name", order_by=("unit__path",))
    carer = tables.Column(verbose_name=_("Looked after by"), empty_values=(), orderable=False)
    card_columns = ("person", "kind", "planned_end", "status", "carer")

    class Meta:
        model = IsolationOrder
        fields = ["person", "kind", "status", "starts_on", "planned_end", "severity", "unit", "carer"]
        attrs = {"class": "table"}

    def render_severity(self, value, record):
        return badge(value, SEVERITY_TONES.get(record.severity, "plain")) if record.severity else "—"

    def render_carer(self, record):
        names = [str(record.responsible) if record.responsible_id else "", record.team]
        return ", ".join(name for name in names if name) or "—"


SEVERITY_TONES = {"severe": "alert", "moderate": "warn", "mild": "plain"}
STATUS_TONES = {AlertStatus.OPEN: "alert", AlertStatus.ACKNOWLEDGED: "warn", AlertStatus.CLOSED: "ok"}


class CallColumn(PersonRefColumn):
    """A "call now" button with the person's phone, inside the viewer's scope only (nothing outside it)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("verbose_name", _("Call"))
        super().__init__(*args, show="phone", **kwargs)

    def render(self, value, record, table, bound_column):
        refs = table.__dict__.setdefault("_person_refs", {})
        super().render(value, record, table, bound_column)  # fills the page's refs in one query
        ref = refs[str(bound_column.accessor)][value]
        if not ref.phone:
            return "—"
        return format_html(
            '<a class="button small call" href="tel:{}">{} {}</a>', ref.phone, _("Call now"), dialled(ref.phone)
        )


def dialled(phone: str) -> str:
    """A stored +84 number as people dial it in Viet Nam (0912345678)."""
    return "0" + phone[3:] if phone.startswith("+84") else phone


def _alert_url(alert: Alert) -> str:
    return reverse("care:alert", args=[alert.pk])


def _overdue(record: Alert) -> str:
    """The row's class (django-tables2 passes the row's record by this argument's name)."""
    return "overdue" if record.status == AlertStatus.OPEN and record.acknowledge_by < clock.now() else ""


class AlertTable(tables.Table):
    person = PersonRefColumn(verbose_name=_("Person"), accessor="person_id", record_url=_alert_url)
    severity = BadgeColumn(verbose_name=_("Severity"), tones=SEVERITY_TONES)
    signs = tables.Column(verbose_name=_("Signs"), empty_values=(), orderable=False)
    acknowledge_by = DueColumn(verbose_name=_("Acknowledge by"), is_open=lambda alert: alert.status == AlertStatus.OPEN)
    call = CallColumn(accessor="person_id")
    status = tables.Column(verbose_name=_("Status"), empty_values=())
    kind = tables.Column(verbose_name=_("Kind"))
    raised_at = tables.DateTimeColumn(verbose_name=_("Raised"), format="d/m/Y H:i")
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", order_by=("unit__path",))
    card_columns = ("person", "severity", "signs", "acknowledge_by", "status", "call")

    class Meta:
        model = Alert
        fields = ["person", "severity", "signs", "acknowledge_by", "call", "status", "kind", "raised_at", "unit"]
        attrs = {"class": "table care-table"}
        row_attrs = {"class": _overdue}
        orderable = False  # the queue's own order (care.selectors.alert_queue)

    def render_signs(self, record):
        return signs_text(record.signs)

    def render_status(self, record):
        shown = badge(record.get_status_display(), STATUS_TONES.get(record.status, "plain"))
        if record.escalated_at and record.status != AlertStatus.CLOSED:
            return format_html("{} {}", shown, badge(_("Escalated to the district"), "alert"))
        return shown


def _reports_url(order: IsolationOrder) -> str:
    return reverse("care:order_reports", args=[order.pk])


class MissedReportTable(tables.Table):
    person = PersonRefColumn(verbose_name=_("Person"), accessor="person_id", record_url=_reports_url)
    call = CallColumn(accessor="person_id")
    heard_from = tables.Column(verbose_name=_("Last report"), empty_values=(), orderable=False)
    kind = tables.Column(verbose_name=_("Kind"))
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", orderable=False)
    team = tables.Column(verbose_name=_("Responsible team"))
    card_columns = ("person", "heard_from", "call", "unit", "kind")

    class Meta:
        model = IsolationOrder
        fields = ["person", "call", "heard_from", "kind", "unit", "team"]
        attrs = {"class": "table care-table"}
        orderable = False

    def render_heard_from(self, record):
        hours = int((clock.now() - record.heard_from).total_seconds() // 3600)
        if record.last_report_at is None:
            return format_html("{} · {}", _("None yet"), _("%(hours)s h since the order") % {"hours": hours})
        shown = date_format(timezone.localtime(record.last_report_at), "d/m/Y H:i")
        return format_html("{} · {}", shown, _("%(hours)s h ago") % {"hours": hours})
