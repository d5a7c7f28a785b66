"""The targets' list filters, shared by the page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from phongdich.surveillance.filtersets import UnitFilterSet

from ..choices import TargetStatus
from ..metrics import metric_choices
from ..models import Target


class TargetFilterSet(UnitFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TargetStatus.choices, empty_label=_("All"))
    metric = django_filters.ChoiceFilter(label=_("Metric"), choices=metric_choices, empty_label=_("All"))

    class Meta:
        model = Target
        fields = ["status", "metric", "unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["unit"].extra["empty_label"] = ""
