import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import AuditAction
from .models import AuditEvent


class AuditEventFilterSet(django_filters.FilterSet):
    person = django_filters.NumberFilter(label=_("Person id"), field_name="person_id")
    actor = django_filters.CharFilter(label=_("Actor (username)"), field_name="actor_label", lookup_expr="iexact")
    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=None, method="in_unit")
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AuditAction.choices)
    since = django_filters.DateFilter(
        label=_("From"), field_name="at", lookup_expr="date__gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        label=_("To"), field_name="at", lookup_expr="date__lte", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = AuditEvent
        fields = ["person", "actor", "unit", "action", "since", "until"]

    def __init__(self, *args, user=None, **kwargs):
        from phongdich.places.choices import UnitLevel
        from phongdich.places.models import AdminUnit

        super().__init__(*args, **kwargs)
        units = AdminUnit.objects.visible_to(user).exclude(level=UnitLevel.GROUP).order_by("path")
        self.filters["unit"].queryset = units

    def in_unit(self, queryset, name, unit):
        return queryset.filter(unit_path__prefix=unit.path) if unit else queryset
