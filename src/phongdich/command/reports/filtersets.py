"""The situation reports' list filters, shared by the page and the API: the day, a unit (and everything below it)
and the status."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from phongdich.surveillance.filtersets import UnitFilterSet

from ..choices import ReportStatus
from ..models import SituationReport


class ReportFilterSet(UnitFilterSet):
    day = django_filters.DateFilter(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReportStatus.choices, empty_label=_("All"))

    class Meta:
        model = SituationReport
        fields = ["day", "unit", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["unit"].extra["empty_label"] = ""
