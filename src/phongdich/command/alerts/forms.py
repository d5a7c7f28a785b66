"""Fields only: the services validate and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from phongdich.accounts.roles import Role
from phongdich.places.choices import UnitLevel

from .services import RESOLUTION_MAX, alert_roles


class RuleForm(forms.Form):
    threshold = forms.CharField(label=_("Threshold"), max_length=20)
    active = forms.BooleanField(label=_("Active: the sweep watches it"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Inbox of"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Each user sees the alerts of the units and facilities where they hold one of these roles."),
    )
    unit_levels = forms.MultipleChoiceField(
        label=_("For units at"),
        choices=UnitLevel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Counts are added up for each unit at these levels. None chosen: communes for home care and missed "
            "reports, districts for positivity, every unit for the others; the rules of facilities ignore it."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(role, Role(role).label) for role in alert_roles()]


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("What was done"), max_length=RESOLUTION_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
