from django import forms

from phongdich.core.scoping import scope_filter, scope_of

from .models import AdminUnit, Facility, Organisation, Venue


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return unit.label


def units_for(user, permission: str):
    """Units where the user holds `permission`, for a unit select."""
    scope = scope_of(user, permission)
    units = AdminUnit.objects.select_related("parent").order_by("path")
    if scope.everywhere:
        return units
    return units.filter(scope_filter(AdminUnit, scope)) if not scope.is_empty else units.none()


class VenueForm(forms.ModelForm):
    """Fields only; places.services.venue_save validates and saves."""

    class Meta:
        model = Venue
        fields = ["name", "kind", "unit", "organisation", "address", "active"]
        field_classes = {"unit": UnitChoiceField}

    def __init__(self, *args, user, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user, permission)
        self.fields["organisation"].queryset = Organisation.objects.visible_to(user)

    def _post_clean(self):
        """The service validates, with jurisdiction, in one place."""


class FacilityForm(forms.ModelForm):
    class Meta:
        model = Facility
        fields = ["name", "kind", "unit", "address", "phone"]
        field_classes = {"unit": UnitChoiceField}

    def __init__(self, *args, user, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user, permission)

    def _post_clean(self):
        """The service validates, with jurisdiction, in one place."""
