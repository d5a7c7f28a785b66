import django_tables2 as tables
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from phongdich.core.tables import DueColumn
from phongdich.people.tables import PersonRefColumn

from .models import Case, Cluster, TracingState, TracingTask, Trip


class CaseTable(tables.Table):
    code = tables.Column(verbose_name=_("Case"), accessor="pk", linkify=("surveillance:case", {"pk": tables.A("pk")}))
    person = PersonRefColumn(verbose_name=_("Person"), accessor="person_id", order_by=("person__name_search",))
    confirmed_at = tables.DateTimeColumn(verbose_name=_("Confirmed"), format="d/m/Y H:i")
    detection_setting = tables.Column(verbose_name=_("Where found"))
    severity = tables.Column(verbose_name=_("Severity"))
    status = tables.Column(verbose_name=_("Status"))
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", order_by=("unit__path",))

    class Meta:
        model = Case
        fields = ["code", "person", "confirmed_at", "detection_setting", "severity", "status", "unit"]
        attrs = {"class": "table"}

    def render_code(self, record):
        return str(record)

    def render_unit(self, record):
        return record.unit.label


class TracingStateTable(tables.Table):
    person = PersonRefColumn(verbose_name=_("Person"), accessor="person_id", order_by=("person__name_search",))
    level = tables.Column(verbose_name=_("F-level"))
    exposed_at = tables.DateTimeColumn(verbose_name=_("Exposed"), format="d/m/Y H:i")
    level_since = tables.DateTimeColumn(verbose_name=_("Since"), format="d/m/Y H:i")
    via = PersonRefColumn(verbose_name=_("Via"), accessor="via_id")
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", order_by=("unit__path",))

    class Meta:
        model = TracingState
        fields = ["person", "level", "exposed_at", "level_since", "via", "unit"]
        attrs = {"class": "table"}

    def render_level(self, value):
        return f"F{value}"

    def render_unit(self, record):
        return record.unit.label


class TracingTaskTable(tables.Table):
    person = PersonRefColumn(
        verbose_name=_("Person"),
        accessor="person_id",
        order_by=("person__name_search",),
        record_url=lambda task: reverse("surveillance:task", args=[task.pk]),
    )
    address = PersonRefColumn(verbose_name=_("Address"), accessor="person_id", show="address")
    phone = PersonRefColumn(verbose_name=_("Phone"), accessor="person_id", show="phone")
    level = tables.Column(verbose_name=_("F-level"))
    method = tables.Column(verbose_name=_("How"))
    due_at = DueColumn(verbose_name=_("Due"), is_open=lambda task: task.done_at is None)
    assigned_to = tables.Column(verbose_name=_("Assigned to"), default="—")
    outcome = tables.Column(verbose_name=_("Outcome"), default="—")
    unit = tables.Column(verbose_name=_("Group"), accessor="unit__name", order_by=("unit__path",))
    card_columns = ("person", "address", "phone", "due_at", "level", "outcome")

    class Meta:
        model = TracingTask
        fields = ["person", "address", "phone", "level", "method", "due_at", "assigned_to", "outcome", "unit"]
        attrs = {"class": "table"}

    def render_level(self, value):
        return f"F{value}"


class ClusterTable(tables.Table):
    name = tables.Column(verbose_name=_("Cluster"), linkify=True)
    size = tables.Column(verbose_name=_("Cases"))
    first_case_on = tables.DateColumn(verbose_name=_("First case"), format="d/m/Y")
    last_case_on = tables.DateColumn(verbose_name=_("Last case"), format="d/m/Y")
    status = tables.Column(verbose_name=_("Status"))
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", order_by=("unit__path",))

    class Meta:
        model = Cluster
        fields = ["name", "size", "first_case_on", "last_case_on", "status", "unit"]
        attrs = {"class": "table"}

    def render_unit(self, record):
        return record.unit.label


class TripTable(tables.Table):
    kind = tables.Column(verbose_name=_("Vehicle"))
    code = tables.Column(verbose_name=_("Trip"))
    departed_at = tables.DateTimeColumn(verbose_name=_("Departed"), format="d/m/Y H:i")
    arrived_at = tables.DateTimeColumn(verbose_name=_("Arrived"), format="d/m/Y H:i")
    origin = tables.Column(verbose_name=_("From"))
    passengers = tables.Column(verbose_name=_("Passengers"), accessor="passenger_count")
    unit = tables.Column(verbose_name=_("Arrived in"), accessor="unit__name", order_by=("unit__path",))

    class Meta:
        model = Trip
        fields = ["kind", "code", "departed_at", "arrived_at", "origin", "passengers", "unit"]
        attrs = {"class": "table"}
