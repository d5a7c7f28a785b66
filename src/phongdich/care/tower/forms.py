"""Fields and widgets only: the services validate and save. Choices are narrowed to what the user may act on."""

from django import forms
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.places.models import Facility

from .choices import BedKind, DeathCause, FacilityStatus, PatientSeverity, Tier
from .models import TreatmentFacility
from .selectors import districts_of, towers_for
from .services.facilities import MAX_BEDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = {"inputmode": "numeric"}
REASON = forms.Textarea(attrs={"rows": 2})


class BoardFilterForm(forms.Form):
    district = forms.ModelChoiceField(label=_("District"), queryset=None, required=False, empty_label=_("All"))
    tier = forms.TypedChoiceField(
        label=_("Tier"), choices=[("", _("All")), *Tier.choices], coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        districts = districts_of(user)
        if districts.count() > 1:
            self.fields["district"].queryset = districts
        else:  # a commune's or a facility's user: nothing to choose
            del self.fields["district"]


class TowerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.facility.name} ({Tier(obj.tier).label})"


class EnrolForm(forms.Form):
    facility = forms.ModelChoiceField(label=_("Facility"), queryset=None)
    tier = forms.TypedChoiceField(label=_("Tier"), choices=Tier.choices, coerce=int)
    regular = forms.IntegerField(
        label=_("Regular beds"), min_value=0, max_value=MAX_BEDS, initial=0, widget=forms.NumberInput(NUMBER)
    )
    oxygen = forms.IntegerField(
        label=_("Oxygen beds"), min_value=0, max_value=MAX_BEDS, initial=0, widget=forms.NumberInput(NUMBER)
    )
    icu = forms.IntegerField(
        label=_("ICU beds with ventilator"),
        min_value=0,
        max_value=MAX_BEDS,
        initial=0,
        widget=forms.NumberInput(NUMBER),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"), max_digits=9, decimal_places=6, required=False, min_value=-90, max_value=90
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), max_digits=9, decimal_places=6, required=False, min_value=-180, max_value=180
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        enrolled = TreatmentFacility.objects.values("facility_id")
        self.fields["facility"].queryset = (
            Facility.objects.restrict(user, "view")
            .exclude(pk__in=enrolled)
            .exclude(kind__in=["lab", "vaccination_site"])
        )

    def beds(self) -> dict[str, int]:
        return {kind: self.cleaned_data[kind] for kind in BedKind.values}


class CapacityForm(forms.Form):
    bed_kind = forms.ChoiceField(label=_("Bed kind"), choices=BedKind.choices)
    beds = forms.IntegerField(
        label=_("Beds from now on"), min_value=0, max_value=MAX_BEDS, widget=forms.NumberInput(NUMBER)
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class FacilityStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=FacilityStatus.choices)
    ventilators = forms.IntegerField(
        label=_("Ventilators"), min_value=0, max_value=1000, widget=forms.NumberInput(NUMBER)
    )
    high_flow_oxygen = forms.IntegerField(
        label=_("High-flow oxygen machines"), min_value=0, max_value=1000, widget=forms.NumberInput(NUMBER)
    )
    ecmo = forms.IntegerField(label=_("ECMO machines"), min_value=0, max_value=1000, widget=forms.NumberInput(NUMBER))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class VitalsFields(forms.Form):
    breathing_rate = forms.IntegerField(label=_("Breaths per minute"), required=False, widget=forms.NumberInput(NUMBER))
    spo2 = forms.IntegerField(label=_("SpO₂ (%)"), required=False, widget=forms.NumberInput(NUMBER))
    pulse = forms.IntegerField(label=_("Pulse (/min)"), required=False, widget=forms.NumberInput(NUMBER))

    def vitals(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("breathing_rate", "spo2", "pulse")
            if self.cleaned_data.get(name) is not None
        }


class AdmissionForm(VitalsFields):
    facility = TowerChoiceField(label=_("Facility"), queryset=None)
    bed_kind = forms.ChoiceField(label=_("Bed kind"), choices=BedKind.choices)
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=[("", _("From the vital signs")), *PatientSeverity.choices],
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    client_key = forms.CharField(widget=forms.HiddenInput, required=False)

    field_order = ["facility", "bed_kind", "breathing_rate", "spo2", "pulse", "severity", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = towers_for(user, "care.add_admission").filter(status=FacilityStatus.OPEN)


class DischargeForm(forms.Form):
    override = forms.CharField(
        label=_("Doctor's reason to discharge before the rules allow"), max_length=300, required=False, widget=REASON
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class DeathForm(forms.Form):
    died_on = forms.DateField(label=_("Date of death"), widget=DATE, initial=clock.today)
    cause = forms.ChoiceField(label=_("Cause of death"), choices=DeathCause.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class TransferForm(VitalsFields):
    reason = forms.CharField(label=_("Why the patient needs a transfer"), max_length=300, widget=REASON)
    severity = forms.ChoiceField(
        label=_("Severity"), choices=[("", _("From the vital signs")), *PatientSeverity.choices], required=False
    )
    tier = forms.TypedChoiceField(
        label=_("Tier needed"),
        choices=[("", _("The tier of the severity")), *Tier.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    bed_kind = forms.ChoiceField(
        label=_("Bed kind needed"), choices=[("", _("The bed of the severity")), *BedKind.choices], required=False
    )

    field_order = ["reason", "breathing_rate", "spo2", "pulse", "severity", "tier", "bed_kind"]


class AnswerForm(forms.Form):
    reason = forms.CharField(label=_("Reason (to decline)"), max_length=300, required=False)


class OfferForm(forms.Form):
    facility = TowerChoiceField(label=_("Facility"), queryset=TreatmentFacility.objects.none())
    reason = forms.CharField(label=_("Reason (for a facility of another tier)"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = (
            TreatmentFacility.objects.filter(status=FacilityStatus.OPEN)
            .select_related("facility")
            .order_by("tier", "facility__name")
        )


class AmbulanceForm(forms.Form):
    reference = forms.CharField(label=_("115 dispatch number"), max_length=30)


class CancelForm(forms.Form):
    note = forms.CharField(label=_("Why the transfer is cancelled"), max_length=300)
