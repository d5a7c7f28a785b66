"""A scenario: its name and horizon, and up to three interventions (fields only; the service checks them against
the unit's state and the model's horizon)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .scenarios import CONTACTS, TESTING, VACCINATION, Intervention

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
KIND_CHOICES = [
    ("", "—"),
    (CONTACTS, _("Contacts: change in percent (−40 cuts them by 40 %)")),
    (TESTING, _("Testing: change in the cases found, in percent (+30)")),
    (VACCINATION, _("Vaccination: doses a day")),
]


class ScenarioForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    horizon_days = forms.IntegerField(label=_("Horizon (days)"), min_value=7, max_value=365, initial=90)


class InterventionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Change"), choices=KIND_CHOICES, required=False)
    change = forms.FloatField(label=_("How much"), required=False)
    starts_on = forms.DateField(label=_("From"), widget=DATE, required=False)
    ends_on = forms.DateField(label=_("Until (empty: to the end)"), widget=DATE, required=False)
    label = forms.CharField(label=_("Label"), max_length=80, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("kind"):
            return data
        if data.get("change") is None:
            self.add_error("change", _("Say how much."))
        if data.get("starts_on") is None:
            self.add_error("starts_on", _("Give the day the change starts."))
        return data

    def intervention(self) -> Intervention | None:
        data = self.cleaned_data
        if not data.get("kind"):
            return None
        change = data["change"] if data["kind"] == VACCINATION else data["change"] / 100
        return Intervention(data["kind"], data["starts_on"], data.get("ends_on"), change, data.get("label", ""))


InterventionFormSet = forms.formset_factory(InterventionForm, extra=3, max_num=3)
