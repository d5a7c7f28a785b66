"""Fields and widgets only: the services validate and save. Choice fields are narrowed to what the user may see."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.people.models import Person
from phongdich.people.picker import PersonPicker, PersonPickerField
from phongdich.surveillance.choices import Severity as ClinicalState

from .choices import ActionKind, ContactKind, OrderKind, OrderStatus, Symptom
from .models import MedicineKind
from .selectors import care_facilities, carers_near, sites_with_room
from .services.order_changes import ENDINGS, MAX_QUANTITY
from .services.orders import BREATHING_RANGE, HOUSEHOLD_KINDS, SPO2_RANGE
from .services.reports import NOTE_MAX

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
NUMBER = {"inputmode": "numeric"}


def _now():
    return timezone.localtime(clock.now()).replace(second=0, microsecond=0)


class SiteChoiceField(forms.ModelChoiceField):
    """A concentrated site with its free places in its name (`sites_with_room`)."""

    def label_from_instance(self, obj) -> str:
        if obj.places is None:
            return _("%(site)s — places not recorded") % {"site": obj.name}
        return _("%(site)s — %(free)s of %(places)s places free") % {
            "site": obj.name,
            "free": max(obj.places - obj.taken, 0),
            "places": obj.places,
        }


class CarerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name or obj.username


class _PlaceFields(forms.Form):
    """Where the order is kept and who looks after it."""

    starts_on = forms.DateField(label=_("Start"), widget=DATE, initial=clock.today)
    site = SiteChoiceField(
        label=_("Concentrated site"),
        queryset=sites_with_room(),
        required=False,
        help_text=_("For a concentrated order only."),
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=300,
        required=False,
        help_text=_("Empty: the household's address (at home) or the site's."),
    )
    facility = forms.ModelChoiceField(
        label=_("Health facility following the order"),
        queryset=None,
        required=False,
        help_text=_("Empty: the health station of the person's ward."),
    )
    responsible = CarerChoiceField(label=_("Responsible health worker"), queryset=None, required=False)
    team = forms.CharField(
        label=_("Responsible team"),
        max_length=100,
        required=False,
        help_text=_("For example: Tổ COVID cộng đồng khu phố 1."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["site"].queryset = sites_with_room()
        self.fields["facility"].queryset = care_facilities(user)
        self.fields["responsible"].queryset = carers_near(user)


class OrderForm(_PlaceFields):
    """One person's order. The person comes from the picker unless the page is opened from their record."""

    number = PersonPickerField(label=_("Person"), widget=PersonPicker(attrs={"autofocus": True}))
    kind = forms.ChoiceField(label=_("Kind of order"), choices=OrderKind.choices)
    household = forms.BooleanField(
        label=_("Order the whole household together"),
        required=False,
        help_text=_("Next, tick the household members to order with this person."),
    )
    state = forms.ChoiceField(
        label=_("Clinical state"),
        choices=[("", _("— not assessed —")), *ClinicalState.choices],
        required=False,
        help_text=_("F0: checked against the home-treatment criteria."),
    )
    breathing_rate = forms.IntegerField(
        label=_("Breathing rate (/min)"),
        required=False,
        min_value=BREATHING_RANGE[0],
        max_value=BREATHING_RANGE[1],
        widget=forms.NumberInput(attrs=NUMBER),
    )
    spo2 = forms.IntegerField(
        label=_("SpO₂ on room air (%)"),
        required=False,
        min_value=SPO2_RANGE[0],
        max_value=SPO2_RANGE[1],
        widget=forms.NumberInput(attrs=NUMBER),
    )
    chronic_stable = forms.BooleanField(label=_("Chronic disease under stable treatment"), required=False)
    eligibility_override = forms.CharField(
        label=_("Doctor's reason to enrol anyway"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only when the person fails a home-treatment criterion and a doctor decides to treat them at home."
        ),
    )

    field_order = ["number", "kind", "household", "starts_on", "state", "breathing_rate", "spo2", "chronic_stable"]

    def __init__(self, *args, user, person: Person | None = None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if person is not None:
            del self.fields["number"]
        else:
            self.fields["number"].user = user
            self.fields["number"].people = Person.objects.restrict(user, "view").active()

    def measurements(self) -> dict:
        data = self.cleaned_data
        return {name: data.get(name) for name in ("state", "breathing_rate", "spo2", "chronic_stable")}


class HouseholdOrderForm(_PlaceFields):
    """A household ordered together: the members the user may see, ticked."""

    members = forms.ModelMultipleChoiceField(
        label=_("Household members to order"), queryset=Person.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    kind = forms.ChoiceField(
        label=_("Kind of order"), choices=[(kind.value, kind.label) for kind in OrderKind if kind in HOUSEHOLD_KINDS]
    )

    field_order = ["members", "kind", "starts_on"]

    def __init__(self, *args, user, members, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["members"].queryset = members
        self.fields["members"].label_from_instance = _member_label


def _member_label(person: Person) -> str:
    born = person.birth_date.year if person.birth_date else person.birth_year
    return f"{person.full_name} ({born})" if born else person.full_name


class OrderEndForm(forms.Form):
    status = forms.ChoiceField(
        label=_("How it ended"), choices=[(status.value, status.label) for status in OrderStatus if status in ENDINGS]
    )
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE, initial=clock.today)
    reason = forms.CharField(
        label=_("Where to, or why"), max_length=200, required=False, help_text=_("A transfer says where to.")
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class OrderAssignForm(forms.Form):
    responsible = CarerChoiceField(label=_("Responsible health worker"), queryset=None, required=False)
    team = forms.CharField(label=_("Responsible team"), max_length=100, required=False)
    facility = forms.ModelChoiceField(label=_("Health facility following the order"), queryset=None, required=False)

    def __init__(self, *args, user, carers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = carers
        self.fields["facility"].queryset = care_facilities(user)


class CareContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Visit or call"), choices=ContactKind.choices)
    done_at = forms.DateTimeField(label=_("When"), widget=DATETIME, initial=_now)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class MedicineForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Package"), queryset=MedicineKind.objects.filter(active=True))
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY, initial=1, widget=forms.NumberInput(attrs=NUMBER)
    )
    delivered_at = forms.DateTimeField(label=_("Delivered"), widget=DATETIME, initial=_now)


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
