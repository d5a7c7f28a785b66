"""Forms of the supplies pages: the stock filter, a movement at a facility, a donation and its allocation, an item.
They parse and render, their choices narrowed to what the user may see; the services validate."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.core.scoping import scope_of
from phongdich.places.choices import UnitLevel
from phongdich.places.models import AdminUnit, Facility

from .choices import Category, DonorKind, MovementKind
from .models import SupplyItem
from .selectors import SUPPLY_FACILITY_KINDS, facilities_for

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = forms.NumberInput(attrs={"inputmode": "numeric", "min": 0})
DONATION_LINES = 5  # item rows on the new-donation form


def active_items():
    return SupplyItem.objects.filter(active=True).order_by("category", "name")


def item_label(item: SupplyItem) -> str:
    return f"{item.name} ({item.unit_of_measure})"


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return item_label(obj)


def districts_for(user, permission: str):
    """The province and the districts in which the user holds `permission`, for a filter or a receiving unit."""
    scope = scope_of(user, permission)
    units = AdminUnit.objects.filter(level__in=[UnitLevel.PROVINCE, UnitLevel.DISTRICT])
    return [unit for unit in units.order_by("path") if scope.covers_path(unit.path)]


class StockFilterForm(forms.Form):
    district = forms.ChoiceField(label=_("District"), required=False)
    facility = forms.ChoiceField(label=_("Facility"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False, choices=[("", _("All"))] + Category.choices)
    low = forms.BooleanField(label=_("Low stock only"), required=False)

    def __init__(self, *args, user, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        districts = [unit for unit in districts_for(user, "care.view_stocklevel") if unit.level == UnitLevel.DISTRICT]
        self.fields["district"].choices = [("", _("All"))] + [(unit.pk, unit.name) for unit in districts]
        self.fields["facility"].choices = [("", _("All"))] + [(f.pk, f.name) for f in facilities]
        self.districts = {str(unit.pk): unit for unit in districts}


class MovementForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What happened"),
        choices=[(kind, MovementKind(kind).label) for kind in MovementKind.values if kind != MovementKind.TRANSFER_IN],
        widget=forms.RadioSelect,
        initial=MovementKind.ISSUE,
    )
    item = ItemChoiceField(label=_("Item"), queryset=SupplyItem.objects.none())
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=0,
        widget=NUMBER,
        help_text=_("For a stock count: the quantity the count found."),
    )
    occurred_on = forms.DateField(label=_("Day"), widget=DATE)
    counterpart = forms.ModelChoiceField(
        label=_("To facility (for a transfer)"), queryset=Facility.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, user, facility: Facility, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = active_items()
        others = Facility.objects.visible_to(user).filter(kind__in=SUPPLY_FACILITY_KINDS).exclude(pk=facility.pk)
        self.fields["counterpart"].queryset = others.order_by("name")
        self.fields["occurred_on"].initial = clock.today()
        self.fields["idempotency_key"].initial = uuid.uuid4().hex  # a second press of Save records nothing twice


class DonationForm(forms.Form):
    donor_name = forms.CharField(label=_("Donor"), max_length=200)
    donor_kind = forms.ChoiceField(label=_("Donor is"), choices=DonorKind.choices, widget=forms.RadioSelect)
    donor_contact = forms.CharField(label=_("Contact"), max_length=200, required=False)
    unit = forms.ChoiceField(label=_("Received by"))
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(unit.pk): unit for unit in districts_for(user, "care.add_donation")}
        self.fields["unit"].choices = [(pk, unit.name) for pk, unit in self.units.items()]
        self.fields["received_on"].initial = clock.today()
        for n in range(1, DONATION_LINES + 1):
            self.fields[f"item_{n}"] = ItemChoiceField(
                label=_("Item %(n)s") % {"n": n}, queryset=active_items(), required=n == 1
            )
            self.fields[f"quantity_{n}"] = forms.IntegerField(
                label=_("Quantity %(n)s") % {"n": n}, min_value=1, required=n == 1, widget=NUMBER
            )

    def service_data(self) -> dict:
        data = self.cleaned_data
        lines = [
            (data[f"item_{n}"], data[f"quantity_{n}"])
            for n in range(1, DONATION_LINES + 1)
            if data.get(f"item_{n}") and data.get(f"quantity_{n}")
        ]
        fields = ("donor_name", "donor_kind", "donor_contact", "received_on", "note")
        return {name: data[name] for name in fields} | {"unit": self.units[data["unit"]], "lines": lines}


class AllocationForm(forms.Form):
    item = ItemChoiceField(label=_("Item"), queryset=SupplyItem.objects.none())
    facility = forms.ModelChoiceField(label=_("To facility"), queryset=Facility.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, widget=NUMBER)
    occurred_on = forms.DateField(label=_("Day"), widget=DATE)

    def __init__(self, *args, user, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = SupplyItem.objects.filter(pk__in=[item.pk for item in items])
        self.fields["facility"].queryset = facilities_for(user, "care.change_donation").order_by("name")
        self.fields["occurred_on"].initial = clock.today()


class SupplyItemForm(forms.ModelForm):
    class Meta:
        model = SupplyItem
        fields = ["code", "name", "category", "unit_of_measure", "medicine", "consumable", "low_cover_days", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True
