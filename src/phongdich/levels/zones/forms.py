"""Fields and widgets only: the services validate and save. Unit choices are narrowed to the user's jurisdiction
for declaring lockdowns."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.places.choices import UnitLevel
from phongdich.places.forms import UnitChoiceField, units_for

from ..choices import LeaveTest, ZoneKind

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 2})


def _now_to_the_minute():
    return timezone.localtime(clock.now()).replace(second=0, microsecond=0)


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.label


class GeoJSONField(forms.JSONField):
    def prepare_value(self, value):
        return "" if value is None else super().prepare_value(value)  # an empty box, not "null"


class ZoneForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ZoneKind.choices, initial=ZoneKind.LOCKDOWN)
    name = forms.CharField(label=_("Name"), max_length=200)
    unit = UnitChoiceField(
        label=_("In the area of"),
        queryset=None,
        help_text=_(
            "The district or commune the area lies in: the units and addresses inside are in it. A residential group "
            "issues no decisions: choose its commune, and the group below."
        ),
    )
    units = UnitsChoiceField(
        label=_("Units inside"),
        queryset=None,
        required=False,
        help_text=_("Residential groups or whole communes locked down. Leave empty for a list of addresses."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    addresses = forms.CharField(
        label=_("Addresses, buildings or alleys"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One a line, e.g. “Số 12, Nguyễn Trãi” or “Hẻm 45 Lê Lợi”: the residents registered there are inside."
        ),
    )
    polygon = GeoJSONField(
        label=_("Boundary (GeoJSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A Polygon or MultiPolygon drawn on a map, where one is available."),
    )
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME, initial=_now_to_the_minute)
    planned_end_at = forms.DateTimeField(label=_("Planned end"), widget=DATETIME)
    leave_test = forms.ChoiceField(label=_("Test to leave"), choices=LeaveTest.choices, required=False)
    leave_conditions = forms.CharField(
        label=_("Conditions for leaving"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. two negative RT-PCR tests of every resident, 14 days without a new case."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False, widget=TEXT)
    decision = forms.CharField(label=_("Decision"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_for(user, "levels.add_zone").exclude(level=UnitLevel.PROVINCE)
        self.fields["unit"].queryset = units.exclude(level=UnitLevel.GROUP)
        self.fields["units"].queryset = units


class EndForm(forms.Form):
    ended_at = forms.DateTimeField(label=_("Lifted at"), widget=DATETIME, initial=_now_to_the_minute)
    end_reason = forms.CharField(
        label=_("Why it ends"),
        max_length=500,
        required=False,
        widget=TEXT,
        help_text=_("Needed when the lockdown is lifted before its planned end."),
    )


class ExtendForm(forms.Form):
    planned_end_at = forms.DateTimeField(label=_("New planned end"), widget=DATETIME)
    reason = forms.CharField(label=_("Why it is extended"), max_length=500, widget=TEXT)


class TestingRoundForm(forms.Form):
    starts_on = forms.DateField(label=_("Sampling starts"), widget=DATE)
    ends_on = forms.DateField(label=_("Sampling ends"), widget=DATE)
