"""Fields only, choices narrowed to the user's jurisdiction: the service validates and saves."""

from django import forms
from django.utils.translation import gettext_lazy as _

from phongdich.places.choices import UnitLevel
from phongdich.places.forms import UnitChoiceField, units_for

from ..metrics import metric_choices
from .selectors import points_for

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PointChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, point) -> str:
        return f"{point.directive.number} – {point.number}: {point.text[:80]}"


class TargetForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=None, help_text=_("The target counts the unit's whole area."))
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("As the directive writes it."))
    metric = forms.ChoiceField(label=_("Metric"), choices=())
    target_value = forms.CharField(label=_("Target value"), max_length=20)
    starts_on = forms.DateField(label=_("Tracked from"), widget=DATE)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    point = PointChoiceField(label=_("Set by (directive point)"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user, "command.add_target").exclude(level=UnitLevel.GROUP)
        self.fields["metric"].choices = metric_choices()
        self.fields["point"].queryset = points_for(user)
