"""The lockdown areas' list filters, shared by the page and the API."""

import django_filters
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.surveillance.filtersets import UnitFilterSet

from ..choices import ZoneKind
from ..models import Zone

STATES = [
    ("open", _("In force")),
    ("overdue", _("In force past its planned end")),
    ("planned", _("Not started yet")),
    ("ended", _("Ended")),
    ("ended_early", _("Lifted early")),
]


class ZoneFilterSet(UnitFilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    state = django_filters.ChoiceFilter(label=_("Show"), choices=STATES, method="by_state", empty_label=_("All"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ZoneKind.choices, empty_label=_("All"))

    class Meta:
        model = Zone
        fields = ["q", "state", "kind", "unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "" lets the form field take the platform's blank label ("- Chọn -") rather than django-filter's dashes.
        self.filters["unit"].extra["empty_label"] = ""
        self.filters["unit"].label = _("In the area of")

    def by_state(self, queryset, name, value):
        now = clock.now()
        started = Q(ended_at__isnull=True, starts_at__lte=now)
        return {
            "open": queryset.filter(started),
            "overdue": queryset.filter(started, planned_end_at__lte=now),
            "planned": queryset.filter(ended_at__isnull=True, starts_at__gt=now),
            "ended": queryset.filter(ended_at__isnull=False),
            "ended_early": queryset.filter(ended_at__lt=F("planned_end_at")),
        }.get(value, queryset)
