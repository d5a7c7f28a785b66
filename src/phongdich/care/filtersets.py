"""One FilterSet per list, shared by the pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.surveillance.filtersets import UnitFilterSet

from .choices import AlertKind, AlertStatus, OrderKind, Severity
from .models import Alert, IsolationOrder

ALERT_STATES = [
    ("open", _("Not closed")),
    ("overdue", _("Not acknowledged in time")),
    ("escalated", _("Escalated to the district")),
    ("closed", _("Closed")),
]


class AlertFilterSet(UnitFilterSet):
    state = django_filters.ChoiceFilter(label=_("Show"), choices=ALERT_STATES, method="by_state", empty_label=_("All"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=AlertKind.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices)
    person = django_filters.NumberFilter(label=_("Person id"), field_name="person_id")

    class Meta:
        model = Alert
        fields = ["state", "kind", "severity", "unit", "person"]

    def by_state(self, queryset, name, value):
        if value == "overdue":
            return queryset.filter(status=AlertStatus.OPEN, acknowledge_by__lt=clock.now())
        if value == "escalated":
            return queryset.exclude(status=AlertStatus.CLOSED).exclude(escalated_at=None)
        if value == "closed":
            return queryset.filter(status=AlertStatus.CLOSED)
        return queryset.exclude(status=AlertStatus.CLOSED)


class MissedReportFilterSet(UnitFilterSet):
    """The call list of people at home who have not reported (care.selectors.missed_reports)."""

    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=[
            (OrderKind.F0_HOME.value, OrderKind.F0_HOME.label),
            (OrderKind.F1_HOME.value, OrderKind.F1_HOME.label),
        ],
    )
    never = django_filters.BooleanFilter(label=_("Never reported"), method="never_reported")

    class Meta:
        model = IsolationOrder
        fields = ["kind", "unit", "never"]

    def never_reported(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Q(last_report_at=None) if value else ~Q(last_report_at=None))
