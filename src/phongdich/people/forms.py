from django import forms
from django.utils.translation import gettext_lazy as _

from phongdich.places.choices import UnitLevel
from phongdich.places.forms import UnitChoiceField, units_for
from phongdich.places.models import AdminUnit, Organisation

from .choices import ResidenceChangeKind
from .models import Person
from .services import EDITABLE_FIELDS, person_check


def residence_units(user, action: str):
    """Communes and residential groups where the user may `action` people, for a residence select."""
    return units_for(user, f"people.{action}_person").filter(level__in=[UnitLevel.COMMUNE, UnitLevel.GROUP])


class PersonForm(forms.ModelForm):
    """Fields and widgets only: saving goes through people.services, which also validates."""

    unit = UnitChoiceField(label=_("Place of residence"), queryset=AdminUnit.objects.none())

    class Meta:
        model = Person
        fields = [
            "full_name",
            "birth_date",
            "birth_year",
            "sex",
            "id_number",
            "phone",
            "unit",
            "address",
            "occupation",
            "workplace",
            "chronic_disease",
            "pregnant",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "id_number": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        help_texts = {
            "full_name": _("As on the ID card, with diacritics, e.g. Nguyễn Thị Hằng."),
            "birth_year": _("Enough when the exact date is unknown."),
            "id_number": _("12-digit CCCD or 9-digit CMND."),
            "phone": _("Mobile or landline, e.g. 0912 345 678."),
        }

    def __init__(self, *args, user, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.action = user, action
        self.fields["unit"].queryset = residence_units(user, action)
        self.fields["workplace"].queryset = Organisation.objects.visible_to(user)

    def _post_clean(self):
        """Skip the model's own validation: the service checks every rule, with jurisdiction, in one place. When a
        field already failed here, ask the service about the others, so every error shows on the first submit."""
        if not self.errors:
            return
        current = {name: getattr(self.instance, name, None) for name in EDITABLE_FIELDS} if self.instance.pk else {}
        fields = {**current, **{name: self.cleaned_data[name] for name in EDITABLE_FIELDS if name in self.cleaned_data}}
        found = person_check(actor=self.user, permission=f"people.{self.action}_person", **fields)
        for name, messages in found.items():
            if name in self.fields and name not in self.errors:
                for message in messages:
                    self.add_error(name, message)


class ResidenceChangeForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), choices=ResidenceChangeKind.choices)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    to_unit = UnitChoiceField(label=_("Now lives in"), queryset=AdminUnit.objects.none(), required=False)
    origin = forms.CharField(label=_("Coming from (province or country)"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = residence_units(user, "change")


class MergeForm(forms.Form):
    duplicate = forms.IntegerField(widget=forms.HiddenInput)
