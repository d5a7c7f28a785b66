import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.core.tables import BadgeColumn, badge
from phongdich.people.tables import PersonRefColumn

from .choices import OrderStatus, Severity
from .models import IsolationOrder

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
