"""The duty log's and briefings' list filters, shared by the pages and the API."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from phongdich.places.choices import UnitLevel
from phongdich.places.models import AdminUnit

from ..choices import BriefingStatus, EntryCategory, EntrySource
from ..models import Briefing, DutyEntry, DutyShift

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def day_bounds(day) -> tuple[datetime, datetime]:
    """The start of a local day and of the next one."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


class CommandUnitFilterSet(django_filters.FilterSet):
    """A unit and the units below it, the choices being the user's own units with a command centre; `unit_lookup`
    is how the filtered model reaches its unit."""

    unit_lookup = "unit"
    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=AdminUnit.objects.none(), method="in_unit")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = AdminUnit.objects.visible_to(user).exclude(level=UnitLevel.GROUP).order_by("path")
        self.filters["unit"].queryset = units
        self.filters["unit"].extra["empty_label"] = ""

    def in_unit(self, queryset, name, unit):
        if not unit:
            return queryset
        below = AdminUnit.objects.filter(path__startswith=unit.path).values("pk")
        return queryset.filter(**{f"{self.unit_lookup}__in": below})


class ShiftFilterSet(CommandUnitFilterSet):
    day = django_filters.DateFilter(label=_("On duty on"), method="on_day", widget=DATE)

    class Meta:
        model = DutyShift
        fields = ["day", "unit"]

    def on_day(self, queryset, name, day):
        start, end = day_bounds(day)
        return queryset.filter(starts_at__lt=end, ends_at__gt=start)


class EntryFilterSet(CommandUnitFilterSet):
    unit_lookup = "shift__unit"
    day = django_filters.DateFilter(label=_("Day"), method="on_day", widget=DATE)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=EntryCategory.choices, empty_label=_("All"))
    source = django_filters.ChoiceFilter(label=_("Source"), choices=EntrySource.choices, empty_label=_("All"))
    shift = django_filters.NumberFilter(field_name="shift_id", widget=forms.HiddenInput)

    class Meta:
        model = DutyEntry
        fields = ["day", "category", "source", "unit", "shift"]

    def on_day(self, queryset, name, day):
        start, end = day_bounds(day)
        return queryset.filter(at__gte=start, at__lt=end)


class BriefingFilterSet(CommandUnitFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=BriefingStatus.choices, empty_label=_("All"))

    class Meta:
        model = Briefing
        fields = ["status", "unit"]
