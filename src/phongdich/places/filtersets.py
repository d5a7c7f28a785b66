import django_filters
from django.utils.translation import gettext_lazy as _

from .models import AdminUnit, Facility, Venue


class PlaceFilterSet(django_filters.FilterSet):
    """Name and kind, and a unit with everything below it; the unit choices are the user's own units."""

    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=AdminUnit.objects.none(), method="in_unit")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["unit"].queryset = AdminUnit.objects.visible_to(user).exclude(level="group").order_by("path")

    def in_unit(self, queryset, name, unit):
        if not unit:
            return queryset
        return queryset.filter(unit__in=AdminUnit.objects.filter(path__prefix=unit.path).values("pk"))


class VenueFilterSet(PlaceFilterSet):
    class Meta:
        model = Venue
        fields = ["q", "kind", "unit", "active"]


class FacilityFilterSet(PlaceFilterSet):
    class Meta:
        model = Facility
        fields = ["q", "kind", "unit"]
