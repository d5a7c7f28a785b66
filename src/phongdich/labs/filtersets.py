"""One FilterSet per list, shared by the pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.surveillance.filtersets import UnitFilterSet

from .choices import PoolStatus, ResampleReason, Result, SampleKind, SampleStatus, TaskStatus
from .models import Pool, ResampleTask, Sample, TestingRound


class SampleFilterSet(UnitFilterSet):
    barcode = django_filters.CharFilter(label=_("Barcode"), lookup_expr="iexact")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SampleStatus.choices)
    result = django_filters.ChoiceFilter(label=_("Result"), choices=Result.choices)
    kind = django_filters.ChoiceFilter(label=_("Test"), choices=SampleKind.choices)
    round = django_filters.ModelChoiceFilter(label=_("Round"), queryset=TestingRound.objects.none())
    person = django_filters.NumberFilter(label=_("Person id"), field_name="person_id")
    sampled_from = django_filters.DateFilter(label=_("Sampled from"), field_name="sampled_at", lookup_expr="date__gte")
    pending = django_filters.BooleanFilter(label=_("Awaiting a result"), method="awaiting_result")

    class Meta:
        model = Sample
        fields = ["barcode", "status", "result", "kind", "round", "unit", "person", "sampled_from", "pending"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.filters["round"].queryset = TestingRound.objects.visible_to(user)

    def awaiting_result(self, queryset, name, value):
        if value is None:
            return queryset
        waiting = [SampleStatus.REGISTERED, SampleStatus.RECEIVED, SampleStatus.TESTED]
        return queryset.filter(status__in=waiting) if value else queryset.exclude(status__in=waiting)


class PoolFilterSet(UnitFilterSet):
    barcode = django_filters.CharFilter(label=_("Pool barcode"), lookup_expr="iexact")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PoolStatus.choices)
    result = django_filters.ChoiceFilter(label=_("Result"), choices=Result.choices)

    class Meta:
        model = Pool
        fields = ["barcode", "status", "result", "unit"]


class RoundFilterSet(UnitFilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")

    class Meta:
        model = TestingRound
        fields = ["q", "unit"]


class ResampleTaskFilterSet(UnitFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=[("open", _("To sample")), ("overdue", _("Overdue")), ("done", _("Done"))],
        method="by_state",
    )
    reason = django_filters.ChoiceFilter(label=_("Reason"), choices=ResampleReason.choices)

    class Meta:
        model = ResampleTask
        fields = ["state", "reason", "unit"]

    def by_state(self, queryset, name, value):
        if value == "overdue":
            return queryset.filter(status=TaskStatus.OPEN, due_at__lt=clock.now())
        return queryset.filter(status=TaskStatus.OPEN if value == "open" else TaskStatus.DONE)
