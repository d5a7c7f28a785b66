"""Fields and widgets only: the services validate and save. Barcode fields take a handheld scanner (which types
the code and presses Enter) or a phone's keyboard alike."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.people.models import Person
from phongdich.people.picker import PersonPicker, PersonPickerField
from phongdich.places.forms import UnitChoiceField, units_for
from phongdich.places.models import AdminUnit, Organisation

from .choices import PriorityGroup, Result, SampleKind
from .models import Lab, TestingRound, TestingRules
from .services import RULE_FIELDS

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SCAN = {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}


def _now():
    return timezone.localtime(clock.now()).replace(second=0, microsecond=0)


class PersonSampledField(PersonPickerField):
    """The person sampled, found among those the user may sample (see people.picker)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Person sampled"))
        kwargs.setdefault("widget", PersonPicker(attrs={**SCAN, "autofocus": True}))
        super().__init__(**kwargs)


class _PersonForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["number"].user = user
        self.fields["number"].people = Person.objects.restrict(user, "view").active()


class SampleForm(_PersonForm):
    number = PersonSampledField()
    kind = forms.ChoiceField(
        label=_("Test"), choices=[(k.value, k.label) for k in SampleKind if k != SampleKind.RT_PCR_POOLED]
    )
    barcode = forms.CharField(
        label=_("Tube barcode"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs=SCAN),
        help_text=_("Scan the tube. An antigen test without a barcode gets one."),
    )
    lab = forms.ModelChoiceField(label=_("Lab"), queryset=Lab.objects.none(), required=False)
    sampled_at = forms.DateTimeField(label=_("Sampled at"), widget=DATETIME, initial=_now)
    testing_round = forms.ModelChoiceField(
        label=_("Testing round"), queryset=TestingRound.objects.none(), required=False
    )
    symptoms = forms.BooleanField(label=_("Has symptoms"), required=False)
    result = forms.ChoiceField(
        label=_("Antigen result"),
        choices=[("", _("— not read yet —")), *Result.choices],
        required=False,
        help_text=_("For an antigen test read on the spot."),
    )
    photo = forms.FileField(  # checked and shrunk by core.pictures, which says why a picture is refused
        label=_("Photo of the self-test"), required=False, widget=forms.ClearableFileInput(attrs={"accept": "image/*"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["lab"].queryset = Lab.objects.select_related("facility")
        self.fields["testing_round"].queryset = TestingRound.objects.visible_to(user)


class PoolForm(forms.Form):
    barcode = forms.CharField(
        label=_("Pool tube barcode"), max_length=40, widget=forms.TextInput(attrs={**SCAN, "autofocus": True})
    )
    lab = forms.ModelChoiceField(label=_("Lab"), queryset=Lab.objects.none())
    unit = UnitChoiceField(label=_("Sampled in"), queryset=AdminUnit.objects.none())
    testing_round = forms.ModelChoiceField(
        label=_("Testing round"), queryset=TestingRound.objects.none(), required=False
    )
    high_risk = forms.BooleanField(label=_("Higher-risk group (smaller pools)"), required=False)
    team = forms.CharField(label=_("Sampling team"), max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lab"].queryset = Lab.objects.select_related("facility")
        self.fields["unit"].queryset = units_for(user, "labs.add_pool").exclude(level="province")
        self.fields["testing_round"].queryset = TestingRound.objects.visible_to(user)


class PoolScanForm(_PersonForm):
    number = PersonSampledField()
    barcode = forms.CharField(label=_("Sample tube barcode"), max_length=40, widget=forms.TextInput(attrs=SCAN))


class ResultForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=Result.choices, widget=forms.RadioSelect)
    result_at = forms.DateTimeField(label=_("Result time"), widget=DATETIME, initial=_now)
    ct_e = forms.DecimalField(label=_("Ct E gene"), required=False, max_digits=5, decimal_places=2)
    ct_n = forms.DecimalField(label=_("Ct N gene"), required=False, max_digits=5, decimal_places=2)
    ct_rdrp = forms.DecimalField(label=_("Ct RdRp gene"), required=False, max_digits=5, decimal_places=2)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why the sample cannot be tested"), max_length=200)


class ReceiveForm(forms.Form):
    lab = forms.ModelChoiceField(label=_("Lab"), queryset=Lab.objects.none())
    barcodes = forms.CharField(
        label=_("Barcodes received"),
        widget=forms.Textarea(attrs={**SCAN, "rows": 8, "autofocus": True}),
        help_text=_("Scan each pool or tube; the scanner's Enter starts a new line."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lab"].queryset = Lab.objects.restrict(user, "change").select_related("facility")

    def clean_barcodes(self):
        return [line.strip() for line in self.cleaned_data["barcodes"].splitlines() if line.strip()]


class ResultUploadForm(forms.Form):
    lab = forms.ModelChoiceField(label=_("Lab"), queryset=Lab.objects.none())
    file = forms.FileField(label=_("Result file (CSV UTF-8 or Excel .xlsx)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lab"].queryset = Lab.objects.restrict(user, "change").select_related("facility")


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    unit = UnitChoiceField(label=_("Area"), queryset=AdminUnit.objects.none())
    groups = forms.ModelMultipleChoiceField(
        label=_("Only these residential groups"),
        queryset=AdminUnit.objects.none(),
        required=False,
        help_text=_("Leave empty for the whole area."),
    )
    starts_on = forms.DateField(label=_("Starts"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends"), widget=DATE)
    pool_size = forms.IntegerField(label=_("Largest pool"), required=False, min_value=1)
    high_risk_pool_size = forms.IntegerField(label=_("Largest pool in higher-risk groups"), required=False, min_value=1)
    priority_groups = forms.MultipleChoiceField(
        label=_("Priority groups"), choices=PriorityGroup.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_for(user, "labs.add_testinground")
        self.fields["unit"].queryset = units.exclude(level="group")
        self.fields["groups"].queryset = units.filter(level="group")


class PlanForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Agency or enterprise"), queryset=Organisation.objects.none())
    every_days = forms.IntegerField(label=_("Test every (days)"), min_value=1, initial=7)
    responsible = forms.CharField(label=_("Responsible head"), max_length=150)
    starts_on = forms.DateField(label=_("From"), widget=DATE, initial=clock.today)
    source_document = forms.CharField(label=_("Required by"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.visible_to(user).order_by("name")


class TestingRulesForm(forms.ModelForm):
    __test__ = False

    class Meta:
        model = TestingRules
        fields = ["effective_from", "source_document", "document_date", *RULE_FIELDS]
        widgets = {"effective_from": DATE, "document_date": DATE}

    def _post_clean(self):
        """The service validates."""
