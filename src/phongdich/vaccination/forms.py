"""Fields and widgets only: the services validate and save."""

from django import forms
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.core.scoping import scope_filter, scope_of
from phongdich.people.models import Person
from phongdich.people.picker import PersonPicker, PersonPickerField
from phongdich.places.forms import UnitChoiceField, units_for
from phongdich.places.models import AdminUnit, Facility

from .models import VaccinationRules, VaccinationTarget, VaccineProduct
from .selectors import lots_in_stock
from .services import RULE_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def sites_for(user, permission: str):
    """Facilities where the user may record: the site they work at, or the sites in their units."""
    scope = scope_of(user, permission)
    sites = Facility.objects.select_related("unit").order_by("name")
    if scope.everywhere:
        return sites
    return sites.filter(scope_filter(Facility, scope) | Q(pk__in=scope.facility_ids))


def own_site(user, sites):
    """The site a user works at (their role's facility), or the only site they may record at; else None."""
    facility_ids = scope_of(user, "vaccination.add_dose").facility_ids
    mine = list((sites.filter(pk__in=facility_ids) if facility_ids else sites)[:2])
    return mine[0] if len(mine) == 1 else None


class DoseForm(forms.Form):
    number = PersonPickerField(label=_("Person vaccinated"), widget=PersonPicker(attrs={"autofocus": True}))
    site = forms.ModelChoiceField(
        label=_("Site"),
        queryset=Facility.objects.none(),
        required=False,
        widget=forms.Select(
            attrs={"hx-get": reverse_lazy("vaccination:dose_lots"), "hx-target": "#id_lot", "hx-swap": "outerHTML"}
        ),
    )
    product = forms.ModelChoiceField(label=_("Vaccine"), queryset=VaccineProduct.objects.filter(active=True))
    lot = forms.ChoiceField(label=_("Lot"), required=False, help_text=_("The lots with doses left at the site."))
    given_on = forms.DateField(label=_("Date"), widget=DATE, initial=clock.today)
    vaccinator = forms.CharField(label=_("Vaccinator"), max_length=150, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        sites = sites_for(user, "vaccination.add_dose")
        self.fields["site"].queryset = sites
        self.fields["site"].initial = own_site(user, sites)
        self.fields["lot"].choices = lot_choices(
            self._site_sent(sites) if self.is_bound else self.fields["site"].initial
        )
        person = self.fields["number"]
        person.user = user
        person.people = Person.objects.restrict(user, "view").active()
        # Site staff vaccinate whoever comes: they find people province-wide by their exact number or card only.
        person.by_number = Person.objects.active() if scope_of(user, "vaccination.add_dose").facility_ids else None

    def _site_sent(self, sites):
        """The site the form was sent with, among the user's, for the lots it offers."""
        site_id = str(self.data.get("site", ""))
        return sites.filter(pk=site_id).first() if site_id.isdigit() else None

    def clean(self):
        """A site's staff reach a visitor only through their site: without it the dose is theirs to refuse, and
        the form says so beside the field rather than answering "not found" and losing what was typed."""
        cleaned = super().clean()
        person, site = cleaned.get("number"), cleaned.get("site")
        scope = scope_of(self.user, "vaccination.add_dose")
        if person is not None and site is None and not scope.covers_path(person.unit.path):
            self.add_error("site", _("Choose a site in your area."))
        return cleaned


def lot_choices(site) -> list[tuple[str, str]]:
    lots = lots_in_stock(site) if site is not None else []
    return [("", "—")] + [
        (row["lot"], _("%(lot)s · %(product)s · %(left)s left") % {**row, "product": row["product__name"]})
        for row in lots
    ]


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class VerifyForm(forms.Form):
    text = forms.CharField(
        label=_("Certificate text (HC1:…)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
    )
    image = forms.FileField(  # checked by core.pictures, which says why a picture is refused
        label=_("Or a photo of the QR code"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )


class ShipmentForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Vaccine"), queryset=VaccineProduct.objects.filter(active=True))
    doses = forms.IntegerField(label=_("Doses"), min_value=1)
    received_on = forms.DateField(label=_("Received"), widget=DATE, initial=clock.today)
    unit = UnitChoiceField(label=_("Split across the units of"), queryset=AdminUnit.objects.none())
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user, "vaccination.add_shipment").filter(
            level__in=["province", "district"]
        )


class DeliveryForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=Facility.objects.none())
    product = forms.ModelChoiceField(label=_("Vaccine"), queryset=VaccineProduct.objects.filter(active=True))
    doses = forms.IntegerField(label=_("Doses"), help_text=_("A negative number records waste or a transfer out."))
    lot = forms.CharField(label=_("Lot"), max_length=40, required=False)
    delivered_on = forms.DateField(label=_("Date"), widget=DATE, initial=clock.today)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites_for(user, "vaccination.add_delivery")


class DoseImportForm(forms.Form):
    unit = UnitChoiceField(label=_("Doses of people in"), queryset=AdminUnit.objects.none())
    file = forms.FileField(label=_("File (CSV UTF-8 or Excel)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user, "vaccination.add_doseimport").exclude(level="group")


class VaccinationRulesForm(forms.ModelForm):
    front_line_occupations = forms.CharField(
        label=_("front-line occupations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One occupation per line, as the register writes it."),
    )

    class Meta:
        model = VaccinationRules
        fields = ["effective_from", "source_document", "document_date", *RULE_FIELDS]
        widgets = {"effective_from": DATE, "document_date": DATE}

    def __init__(self, *args, **kwargs):
        initial = kwargs.get("initial") or {}
        if isinstance(initial.get("front_line_occupations"), list):
            initial["front_line_occupations"] = "\n".join(initial["front_line_occupations"])
        super().__init__(*args, **kwargs)

    def clean_front_line_occupations(self):
        return [line.strip() for line in self.cleaned_data["front_line_occupations"].splitlines() if line.strip()]

    def _post_clean(self):
        """The service validates."""


class TargetForm(forms.ModelForm):
    class Meta:
        model = VaccinationTarget
        fields = ["indicator", "population", "percent", "deadline", "source_document"]
        widgets = {"deadline": DATE}

    def _post_clean(self):
        """The service validates."""
