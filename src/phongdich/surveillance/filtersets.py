"""One FilterSet per list, shared by the pages and the API."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.places.models import AdminUnit

from .choices import (
    CaseStatus,
    ClusterStatus,
    ContactKind,
    ContactSource,
    ContactStatus,
    DetectionSetting,
    TaskOutcome,
    TripKind,
)
from .models import Case, CheckIn, Cluster, Contact, TracingState, TracingTask, Trip


class UnitFilterSet(django_filters.FilterSet):
    """A unit and everything below it; the choices are the user's own units above residential groups."""

    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=AdminUnit.objects.none(), method="in_unit")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = AdminUnit.objects.visible_to(user)
        chosen = str((self.data or {}).get("unit") or "")
        selectable = ~Q(level="group") | (Q(pk=int(chosen)) if chosen.isdigit() else Q(pk__in=[]))
        self.filters["unit"].queryset = units.filter(selectable).order_by("path")

    def in_unit(self, queryset, name, unit):
        if not unit:
            return queryset
        return queryset.filter(unit__in=AdminUnit.objects.filter(path__prefix=unit.path).values("pk"))


class CaseFilterSet(UnitFilterSet):
    q = django_filters.CharFilter(label=_("Name or case code"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CaseStatus.choices)
    detection_setting = django_filters.ChoiceFilter(label=_("Where found"), choices=DetectionSetting.choices)
    confirmed_from = django_filters.DateFilter(
        label=_("Confirmed from"), field_name="confirmed_at", lookup_expr="date__gte"
    )
    confirmed_to = django_filters.DateFilter(
        label=_("Confirmed until"), field_name="confirmed_at", lookup_expr="date__lte"
    )

    class Meta:
        model = Case
        fields = ["q", "status", "detection_setting", "unit", "confirmed_from", "confirmed_to"]

    def search(self, queryset, name, value):
        from phongdich.people.models import Person
        from phongdich.people.selectors import person_search

        value = value.strip()
        people = person_search(Person.objects.all(), value).values("pk")
        return queryset.filter(Q(national_code=value) | Q(person__in=people))


class ContactFilterSet(UnitFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ContactStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ContactKind.choices)
    source = django_filters.ChoiceFilter(label=_("Found by"), choices=ContactSource.choices)
    person = django_filters.NumberFilter(label=_("Person (id)"), method="of_person")

    class Meta:
        model = Contact
        fields = ["status", "kind", "source", "unit", "person"]

    def of_person(self, queryset, name, value):
        return queryset.filter(Q(person_id=value) | Q(other_id=value))


LEVEL_CHOICES = [(1, "F1"), (2, "F2"), (3, "F3"), (0, "F0")]


class TracingStateFilterSet(UnitFilterSet):
    level = django_filters.TypedChoiceFilter(label=_("F-level"), choices=LEVEL_CHOICES, coerce=int)
    new_today = django_filters.BooleanFilter(label=_("New today"), method="since_today")
    not_reached = django_filters.BooleanFilter(label=_("Not yet reached"), method="without_outcome")

    class Meta:
        model = TracingState
        fields = ["level", "unit", "new_today", "not_reached"]

    def without_outcome(self, queryset, name, value):
        """No finished task (with an outcome) since the person got their current level."""
        if not value:
            return queryset
        done = TracingTask.objects.filter(
            person_id=OuterRef("person_id"), done_at__gte=OuterRef("level_since"), outcome__gt=""
        )
        return queryset.filter(~Exists(done))

    def since_today(self, queryset, name, value):
        if not value:
            return queryset
        start = timezone.localtime(clock.now()).replace(hour=0, minute=0, second=0, microsecond=0)
        return queryset.filter(level_since__gte=start)


class TracingTaskFilterSet(UnitFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[("open", _("Open")), ("overdue", _("Overdue")), ("done", _("Done"))],
        method="in_state",
    )
    outcome = django_filters.ChoiceFilter(label=_("Outcome"), choices=TaskOutcome.choices)
    mine = django_filters.BooleanFilter(label=_("Assigned to me"), method="assigned_to_me")

    class Meta:
        model = TracingTask
        fields = ["state", "unit", "outcome", "mine"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.user = user

    def in_state(self, queryset, name, value):
        if value == "done":
            return queryset.filter(done_at__isnull=False)
        queryset = queryset.filter(done_at__isnull=True)
        return queryset.filter(due_at__lt=clock.now()) if value == "overdue" else queryset

    def assigned_to_me(self, queryset, name, value):
        return queryset.filter(assigned_to=self.user) if value else queryset


class ClusterFilterSet(UnitFilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ClusterStatus.choices)
    min_size = django_filters.NumberFilter(label=_("At least this many cases"), field_name="size", lookup_expr="gte")

    class Meta:
        model = Cluster
        fields = ["q", "status", "unit", "min_size"]


class TripFilterSet(UnitFilterSet):
    q = django_filters.CharFilter(label=_("Trip"), field_name="code", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label=_("Vehicle"), choices=TripKind.choices)
    departed_from = django_filters.DateFilter(
        label=_("Departed from"), field_name="departed_at", lookup_expr="date__gte"
    )

    class Meta:
        model = Trip
        fields = ["q", "kind", "unit", "departed_from"]


class CheckInFilterSet(UnitFilterSet):
    venue = django_filters.NumberFilter(label=_("Venue (id)"), field_name="venue_id")
    person = django_filters.NumberFilter(label=_("Person (id)"), field_name="person_id")
    since = django_filters.IsoDateTimeFilter(label=_("Since"), field_name="checked_in_at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(label=_("Until"), field_name="checked_in_at", lookup_expr="lte")

    class Meta:
        model = CheckIn
        fields = ["venue", "person", "unit", "since", "until"]
