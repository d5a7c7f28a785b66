import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from phongdich.places.choices import UnitLevel
from phongdich.places.models import AdminUnit

from .choices import Sex
from .models import Person
from .selectors import person_search


class YesNoAny(forms.NullBooleanSelect):
    """A yes/no filter whose empty choice reads 'any', not 'unknown'."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", _("Any")), ("true", _("Yes")), ("false", _("No"))]


class PersonFilterSet(django_filters.FilterSet):
    """Shared by the person list page and GET /api/v1/persons."""

    q = django_filters.CharFilter(
        label=_("Name, CCCD or phone"),
        method="search",
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "placeholder": _("e.g. Nguyễn Thị Hằng")}
        ),
    )
    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=AdminUnit.objects.none(), method="in_unit")
    sex = django_filters.ChoiceFilter(label=_("Sex"), choices=Sex.choices)
    chronic_disease = django_filters.BooleanFilter(label=_("Chronic disease"), widget=YesNoAny)
    pregnant = django_filters.BooleanFilter(label=_("Pregnant"), widget=YesNoAny)
    born_before = django_filters.NumberFilter(
        label=_("Born in or before (year)"), field_name="birth_year", lookup_expr="lte"
    )

    class Meta:
        model = Person
        fields = ["q", "unit", "sex", "chronic_disease", "pregnant", "born_before"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user  # the queryset is what they may see
        units = AdminUnit.objects.visible_to(user)
        # Residential groups are many: list communes and above, plus the group asked for by a link.
        selectable = ~Q(level=UnitLevel.GROUP)
        chosen = str((self.data or {}).get("unit") or "")
        if chosen.isdigit():
            selectable |= Q(pk=int(chosen))
        self.filters["unit"].queryset = units.filter(selectable).order_by("path")

    def search(self, queryset, name, value):
        return person_search(queryset, value, user=self.user)

    def in_unit(self, queryset, name, unit):
        """The unit and everything below it (as a subquery, like jurisdiction scoping: see core/scoping.py)."""
        if not unit:
            return queryset
        return queryset.filter(unit__in=AdminUnit.objects.filter(path__prefix=unit.path).values("pk"))
