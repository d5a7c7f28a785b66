"""Fields and widgets only: the services validate and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from phongdich.accounts.models import User
from phongdich.people.models import Person
from phongdich.people.selectors import person_by_number
from phongdich.places.forms import UnitChoiceField, units_for
from phongdich.places.models import AdminUnit

from .choices import (
    CaseStatus,
    ClearReason,
    ConfirmationTest,
    ContactKind,
    DetectionSetting,
    Severity,
    TaskOutcome,
    TripKind,
)
from .models import TracingRules
from .services.levels import RULE_FIELDS

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseForm(forms.Form):
    confirmed_at = forms.DateTimeField(label=_("Confirmed at"), widget=DATETIME)
    confirmation_test = forms.ChoiceField(label=_("Confirming test"), choices=ConfirmationTest.choices)
    detection_setting = forms.ChoiceField(
        label=_("Where was the case found?"),
        choices=DetectionSetting.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Only cases found in the community count towards the epidemic level; cases found in quarantine, "
            "in a locked-down area or on arrival are counted separately."
        ),
    )
    sample_taken_at = forms.DateTimeField(label=_("Positive sample taken"), required=False, widget=DATETIME)
    symptom_onset = forms.DateField(
        label=_("Symptom onset"),
        required=False,
        widget=DATE,
        help_text=_("The infectious period starts 2 days before onset (or before the sample, without symptoms)."),
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    isolated_at = forms.DateTimeField(label=_("Isolated at"), required=False, widget=DATETIME)
    national_code = forms.CharField(label=_("National case code"), required=False, max_length=40)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CaseStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Outcome"), choices=[(s.value, s.label) for s in CaseStatus if s != "active"])
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class ContactForm(forms.Form):
    """A contact named in an interview: found by CCCD/CMND or phone among the people the user may see."""

    number = forms.CharField(label=_("Contact's CCCD/CMND or phone"), max_length=20)
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=ContactKind.choices)
    first_at = forms.DateTimeField(label=_("First contact"), widget=DATETIME)
    last_at = forms.DateTimeField(label=_("Last contact"), required=False, widget=DATETIME)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_number(self):
        return person_by_number(Person.objects.visible_to(self.user).active(), self.cleaned_data["number"])


class ReviewForm(forms.Form):
    confirm = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Confirm")), ("0", _("Dismiss"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason (to dismiss)"), required=False, max_length=300)


class ClearForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why"), choices=ClearReason.choices)


class TaskOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=TaskOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class TaskAssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, tracers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = tracers


class GraphForm(forms.Form):
    max_level = forms.TypedChoiceField(
        label=_("Show down to"),
        choices=[(0, _("cases only")), (1, "F1"), (2, "F2"), (3, "F3")],
        coerce=int,
        initial=1,
        required=False,
        empty_value=1,
    )
    since = forms.DateField(label=_("Cases confirmed from"), required=False, widget=DATE)
    until = forms.DateField(label=_("until"), required=False, widget=DATE)


class MappingForm(forms.Form):
    """One select per field an importer fills, offering the uploaded file's columns."""

    def __init__(self, *args, columns, header: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —")), *((name, name) for name in header if name)]
        for column in columns:
            self.fields[column.name] = forms.ChoiceField(label=column.label, choices=choices, required=column.required)


class TripForm(forms.Form):
    """What a passenger list does not say: the vehicle, the trip and where it arrived."""

    kind = forms.ChoiceField(label=_("Vehicle"), choices=TripKind.choices)
    code = forms.CharField(label=_("Trip"), max_length=40, help_text=_("Flight number, train, or the coach's plate."))
    departed_at = forms.DateTimeField(label=_("Departed"), widget=DATETIME)
    arrived_at = forms.DateTimeField(label=_("Arrived"), widget=DATETIME)
    origin = forms.CharField(label=_("From"), max_length=120, required=False)
    unit = UnitChoiceField(label=_("Arrived in"), queryset=AdminUnit.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user, "surveillance.add_contact").exclude(level="group")


class TracingRulesForm(forms.ModelForm):
    class Meta:
        model = TracingRules
        fields = ["effective_from", "source_document", "document_date", *RULE_FIELDS]
        widgets = {"effective_from": DATE, "document_date": DATE}

    def _post_clean(self):
        """The service validates, with the limits every field must keep."""
