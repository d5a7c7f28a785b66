"""Fields and widgets only: the services validate and save. The units offered are those the user reports for."""

from django import forms
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.places.forms import UnitChoiceField

from ..models import ReportTemplate
from .selectors import active_templates, narrative_keys, reporting_units

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GenerateForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=None)
    day = forms.DateField(label=_("Day"), widget=DATE)
    template = forms.ModelChoiceField(label=_("Template"), queryset=None, required=False, empty_label=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = reporting_units(user)
        self.fields["unit"].queryset = units
        if len(only := list(units[:2])) == 1:  # an officer of one unit: nothing to choose
            self.fields["unit"].initial = only[0].pk
        self.fields["template"].queryset = active_templates()
        self.fields["day"].initial = clock.today()


class NarrativesForm(forms.Form):
    """One text box per section of the template that takes a narrative, titled as the template titles it."""

    def __init__(self, *args, template: ReportTemplate, **kwargs):
        super().__init__(*args, **kwargs)
        sections = {section.get("key"): section for section in template.sections or []}
        for key in narrative_keys(template):
            section = sections[key]
            self.fields[key] = forms.CharField(
                label=section.get("title") or key,
                required=False,
                help_text=section.get("hint") or "",
                widget=forms.Textarea(attrs={"rows": 5}),
            )


class SignForm(forms.Form):
    signer_title = forms.CharField(
        label=_("Signer's title"),
        max_length=120,
        help_text=_("As the signature block prints it, e.g. “KT. TRƯỞNG BAN – PHÓ TRƯỞNG BAN”."),
    )
