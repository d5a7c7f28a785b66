import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock

from .choices import ActionKind, Symptom
from .services.reports import NOTE_MAX


def number(label, mode: str = "numeric", help_text=""):
    """A reading typed on a phone's number pad; the service checks its range, field by field, in words."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=6,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": mode, "autocomplete": "off", "size": 6}),
    )


class ReadingForm(forms.Form):
    """One reading: parsed here, judged by care.services.reports.report_submit."""

    client_id = forms.CharField(widget=forms.HiddenInput, max_length=64)
    measured_at = forms.DateTimeField(
        label=_("Measured at"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    spo2 = number(_("SpO₂ (%)"), help_text=_("At rest, on room air. Below 97: measure again after a minute."))
    breathing_rate = number(_("Breaths a minute"), help_text=_("Count for one full minute, at rest."))
    pulse = number(_("Pulse (beats a minute)"))
    temperature = number(_("Temperature (°C)"), mode="decimal")
    systolic = number(_("Blood pressure, higher number (mmHg)"), help_text=_("If you have a blood pressure cuff."))
    diastolic = number(_("Blood pressure, lower number (mmHg)"))
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms now"), choices=Symptom.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Anything else"), required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "initial", {"client_id": uuid.uuid4().hex, "measured_at": timezone.localtime(clock.now()).replace(second=0)}
        )
        super().__init__(*args, **kwargs)

    def readings(self) -> dict:
        """The cleaned data as report_submit takes it."""
        data = self.cleaned_data
        return {name: data[name] for name in ("client_id", "measured_at", "spo2", "breathing_rate", "pulse",
                                              "temperature", "systolic", "diastolic", "symptoms", "note")}  # fmt: skip


class AlertActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("What was done"), choices=ActionKind.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX)
    done_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Now, if left empty."),
    )


class AlertCloseForm(forms.Form):
    note = forms.CharField(label=_("How it ended"), max_length=NOTE_MAX)
