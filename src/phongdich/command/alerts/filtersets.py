"""The inbox's filters, shared by the page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from phongdich.surveillance.filtersets import UnitFilterSet

from ..choices import AlertState
from ..models import Alert, AlertRule
from .selectors import inbox_filter

STATES = [
    ("live", _("Not resolved")),
    ("open", _("Open")),
    ("acknowledged", _("Acknowledged")),
    ("cleared", _("Condition cleared, not resolved")),
    ("resolved", _("Resolved")),
    ("all", _("All")),
]
BOXES = [("inbox", _("My inbox")), ("all", _("Everything in my jurisdiction"))]


class AlertFilterSet(UnitFilterSet):
    state = django_filters.ChoiceFilter(label=_("Show"), choices=STATES, method="by_state", empty_label=None)
    rule = django_filters.ModelChoiceFilter(label=_("Rule"), queryset=AlertRule.objects.order_by("name"))
    box = django_filters.ChoiceFilter(label=_("Whose"), choices=BOXES, method="by_box", empty_label=None)

    class Meta:
        model = Alert
        fields = ["state", "rule", "unit", "box"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        # Unless asked otherwise: the user's inbox, what is not resolved.
        data = data.copy() if data is not None else {}
        for name, default in (("state", "live"), ("box", "inbox")):
            if not data.get(name):
                data[name] = default
        super().__init__(data, *args, user=user, **kwargs)
        self.user = user
        self.filters["unit"].extra["empty_label"] = ""
        self.filters["rule"].extra["empty_label"] = ""

    def by_state(self, queryset, name, value):
        return {
            "open": queryset.filter(state=AlertState.OPEN),
            "acknowledged": queryset.filter(state=AlertState.ACKNOWLEDGED),
            "cleared": queryset.exclude(state=AlertState.RESOLVED).filter(cleared_at__isnull=False),
            "resolved": queryset.filter(state=AlertState.RESOLVED),
            "all": queryset,
        }.get(value, queryset.exclude(state=AlertState.RESOLVED))

    def by_box(self, queryset, name, value):
        if value == "all":
            return queryset
        return queryset.filter(inbox_filter(self.user))
