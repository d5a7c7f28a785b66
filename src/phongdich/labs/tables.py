import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from phongdich.core.tables import BadgeColumn, DueColumn
from phongdich.people.tables import PersonRefColumn

from .choices import Result, TaskStatus
from .models import Pool, ResampleTask, Sample, TestingRound

RESULT_TONES = {Result.POSITIVE: "alert", Result.NEGATIVE: "ok", Result.INCONCLUSIVE: "warn", Result.INVALID: "warn"}


class SampleTable(tables.Table):
    barcode = tables.Column(verbose_name=_("Barcode"), linkify=True)
    person = PersonRefColumn(verbose_name=_("Person"), accessor="person_id", order_by=("person__name_search",))
    kind = tables.Column(verbose_name=_("Test"))
    sampled_at = tables.DateTimeColumn(verbose_name=_("Sampled"), format="d/m/Y H:i")
    status = tables.Column(verbose_name=_("Status"))
    result = BadgeColumn(verbose_name=_("Result"), tones=RESULT_TONES)
    pool = tables.Column(verbose_name=_("Pool"), accessor="pool__barcode", orderable=False)
    card_columns = ("barcode", "person", "result", "status", "sampled_at", "kind")

    class Meta:
        model = Sample
        fields = ["barcode", "person", "kind", "sampled_at", "status", "result", "pool"]
        attrs = {"class": "table"}


class PoolTable(tables.Table):
    barcode = tables.Column(verbose_name=_("Pool"), linkify=True)
    size = tables.Column(verbose_name=_("Samples"), accessor="member_count", orderable=False)
    size_limit = tables.Column(verbose_name=_("Limit"))
    status = tables.Column(verbose_name=_("Status"))
    result = BadgeColumn(verbose_name=_("Result"), tones=RESULT_TONES)
    lab = tables.Column(verbose_name=_("Lab"), accessor="lab__facility__name", orderable=False)
    created_at = tables.DateTimeColumn(verbose_name=_("Opened"), format="d/m/Y H:i")

    class Meta:
        model = Pool
        fields = ["barcode", "size", "size_limit", "status", "result", "lab", "created_at"]
        attrs = {"class": "table"}


class RoundTable(tables.Table):
    name = tables.Column(verbose_name=_("Round"), linkify=True)
    number = tables.Column(verbose_name=_("No."))
    unit = tables.Column(verbose_name=_("Area"), accessor="unit__name", order_by=("unit__path",))
    starts_on = tables.DateColumn(verbose_name=_("Starts"), format="d/m/Y")
    ends_on = tables.DateColumn(verbose_name=_("Ends"), format="d/m/Y")
    target_population = tables.Column(verbose_name=_("People to test"))

    class Meta:
        model = TestingRound
        fields = ["name", "number", "unit", "starts_on", "ends_on", "target_population"]
        attrs = {"class": "table"}


class ResampleTaskTable(tables.Table):
    person = PersonRefColumn(verbose_name=_("Person"), accessor="person_id", order_by=("person__name_search",))
    reason = tables.Column(verbose_name=_("Reason"))
    pool = tables.Column(verbose_name=_("Pool"), accessor="pool__barcode", orderable=False)
    due_at = DueColumn(verbose_name=_("Due"), is_open=lambda task: task.status == TaskStatus.OPEN)
    status = tables.Column(verbose_name=_("Status"))
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", order_by=("unit__path",))

    class Meta:
        model = ResampleTask
        fields = ["person", "reason", "pool", "due_at", "status", "unit"]
        attrs = {"class": "table"}
