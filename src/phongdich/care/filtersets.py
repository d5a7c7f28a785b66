"""One FilterSet per list, shared by the pages and the API."""

from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.surveillance.filtersets import UnitFilterSet

from .choices import AlertKind, AlertStatus, OrderKind, OrderStatus, Severity
from .models import Alert, IsolationOrder

DUE_CHOICES = [
    ("today", _("Planned to end today")),
    ("overdue", _("Past its planned end")),
    ("week", _("Ends within 7 days")),
]
RESPONSIBLE_CHOICES = [("me", _("Me")), ("nobody", _("Nobody yet"))]


class IsolationOrderFilterSet(UnitFilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrderKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=OrderStatus.choices)
    due = django_filters.ChoiceFilter(label=_("Due"), choices=DUE_CHOICES, method="by_due")
    responsible = django_filters.ChoiceFilter(
        label=_("Looked after by"), choices=RESPONSIBLE_CHOICES, method="by_carer"
    )
    person = django_filters.NumberFilter(label=_("Person id"), field_name="person_id")

    class Meta:
        model = IsolationOrder
        fields = ["q", "kind", "status", "due", "unit", "responsible", "person"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.user = user

    def search(self, queryset, name, value):
        from phongdich.people.models import Person
        from phongdich.people.selectors import person_search

        value = value.strip()
        return (
            queryset.filter(person__in=person_search(Person.objects.all(), value).values("pk")) if value else queryset
        )

    def by_due(self, queryset, name, value):
        today = clock.today()
        active = queryset.filter(status=OrderStatus.ACTIVE)
        if value == "today":
            return active.filter(planned_end=today)
        if value == "overdue":
            return active.filter(planned_end__lt=today)
        return active.filter(planned_end__gte=today, planned_end__lte=today + timedelta(days=6))

    def by_carer(self, queryset, name, value):
        if value == "me":
            return queryset.filter(responsible=self.user)
        return queryset.filter(Q(responsible__isnull=True) & Q(team=""))


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
