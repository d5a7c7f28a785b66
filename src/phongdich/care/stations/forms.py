"""Forms of the station, team and workforce pages. Their choices are narrowed to what the user may act on; they
parse and render, the services validate."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from phongdich.core.scoping import Scope, scope_filter, scope_of
from phongdich.people.models import Household
from phongdich.places.choices import UnitLevel
from phongdich.places.models import AdminUnit, Facility, IndustrialPark

from .choices import StaffKind, StaffOrigin, StationStatus, TeamRole
from .services import MemberData, StaffData, StationData

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COUNT = forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 9999})


def in_scope(queryset, scope: Scope):
    """The rows of `queryset` inside `scope` (a permission's scope, which may differ from viewing)."""
    if scope.everywhere:
        return queryset
    if scope.is_empty:
        return queryset.none()
    return queryset.filter(scope_filter(queryset.model, scope))


def label_by_unit(obj) -> str:
    return f"{obj.name} ({obj.unit.name})"


class StationForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    commune = forms.ModelChoiceField(label=_("commune"), queryset=AdminUnit.objects.none())
    industrial_park = forms.ModelChoiceField(
        label=_("industrial park"),
        queryset=IndustrialPark.objects.none(),
        required=False,
        help_text=_("Only for a station of an industrial park, in the commune chosen."),
    )
    opened_on = forms.DateField(label=_("opened"), widget=DATE)
    closed_on = forms.DateField(label=_("closed"), widget=DATE, required=False)
    status = forms.ChoiceField(label=_("status"), choices=StationStatus.choices, initial=StationStatus.OPERATING)
    address = forms.CharField(label=_("address"), max_length=300, required=False)
    phone = forms.CharField(label=_("phone"), max_length=16, required=False)
    oxygen_concentrators = forms.IntegerField(label=_("oxygen concentrators"), min_value=0, initial=0, widget=COUNT)
    oxygen_cylinders = forms.IntegerField(label=_("oxygen cylinders"), min_value=0, initial=0, widget=COUNT)
    spo2_meters = forms.IntegerField(label=_("SpO₂ meters"), min_value=0, initial=0, widget=COUNT)
    beds = forms.IntegerField(label=_("beds"), min_value=0, initial=0, widget=COUNT)
    catchment_units = forms.ModelMultipleChoiceField(
        label=_("residential groups served"),
        queryset=AdminUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    catchment_note = forms.CharField(label=_("catchment"), max_length=300, required=False)

    def __init__(self, *args, user, station=None, **kwargs):
        if station is not None:
            kwargs.setdefault("initial", station_initial(station))
        super().__init__(*args, **kwargs)
        scope = scope_of(user, "care.change_mobilestation" if station else "care.add_mobilestation")
        if station is None:
            self.fields["commune"].queryset = in_scope(AdminUnit.objects.filter(level=UnitLevel.COMMUNE), scope)
            self.fields["industrial_park"].queryset = in_scope(IndustrialPark.objects.select_related("unit"), scope)
            del self.fields["catchment_units"]  # offered once the commune is known, on the station's own page
        else:
            del self.fields["commune"]
            self.fields["industrial_park"].queryset = IndustrialPark.objects.filter(unit=station.commune)
            self.fields["catchment_units"].queryset = AdminUnit.objects.filter(parent=station.commune)
        self.fields["industrial_park"].label_from_instance = label_by_unit
        self.station = station

    def service_data(self) -> StationData:
        data = dict(self.cleaned_data)
        data["commune"] = self.station.commune if self.station else data["commune"]
        data["catchment_units"] = tuple(data.get("catchment_units") or ())
        return StationData(**data)


def station_initial(station) -> dict:
    return {
        "name": station.facility.name,
        "industrial_park": station.industrial_park_id,
        "opened_on": station.opened_on,
        "closed_on": station.closed_on,
        "status": station.status,
        "address": station.facility.address,
        "phone": station.facility.phone,
        "oxygen_concentrators": station.oxygen_concentrators,
        "oxygen_cylinders": station.oxygen_cylinders,
        "spo2_meters": station.spo2_meters,
        "beds": station.beds,
        "catchment_units": list(station.catchment_units.values_list("pk", flat=True)),
        "catchment_note": station.catchment_note,
    }


class StationFilterForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("District"), queryset=AdminUnit.objects.none(), required=False, empty_label=_("All")
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"), queryset=AdminUnit.objects.none(), required=False, empty_label=_("All")
    )
    park = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[
            ("", _("All")),
            ("commune", _("Stations of a commune")),
            ("park", _("Stations of an industrial park")),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_of(user, "care.view_mobilestation")
        self.fields["district"].queryset = in_scope(AdminUnit.objects.filter(level=UnitLevel.DISTRICT), scope)
        communes = in_scope(AdminUnit.objects.filter(level=UnitLevel.COMMUNE), scope)
        if self.is_bound and self.data.get("district"):
            communes = communes.filter(parent_id=self.data.get("district"))
        self.fields["commune"].queryset = communes


class TeamForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100, initial=_("Community COVID team"))
    note = forms.CharField(label=_("note"), max_length=300, required=False)
    households = forms.ModelMultipleChoiceField(
        label=_("households covered"),
        queryset=Household.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["households"].queryset = Household.objects.filter(unit=group).order_by("code")


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("full name"), max_length=150, required=False)
    phone = forms.CharField(label=_("phone"), max_length=16, required=False)
    role = forms.ChoiceField(label=_("role in the team"), choices=TeamRole.choices, initial=TeamRole.MEMBER)


MemberFormSet = formset_factory(MemberForm, extra=0, max_num=12, absolute_max=12)
MEMBER_ROWS = 6


def members_of(formset) -> list[MemberData]:
    return [
        MemberData(
            full_name=form.cleaned_data["full_name"], phone=form.cleaned_data["phone"], role=form.cleaned_data["role"]
        )
        for form in formset
        if form.cleaned_data.get("full_name", "").strip()
    ]


class StaffForm(forms.Form):
    full_name = forms.CharField(label=_("full name"), max_length=150)
    phone = forms.CharField(label=_("phone"), max_length=16, required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=StaffKind.choices)
    origin = forms.ChoiceField(label=_("origin"), choices=StaffOrigin.choices, initial=StaffOrigin.REGULAR)
    facility = forms.ModelChoiceField(label=_("facility"), queryset=Facility.objects.none())
    from_on = forms.DateField(label=_("from"), widget=DATE)
    to_on = forms.DateField(label=_("until"), widget=DATE, required=False)
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, user, staff=None, **kwargs):
        if staff is not None:
            kwargs.setdefault(
                "initial",
                {
                    name: getattr(staff, name)
                    for name in ("full_name", "phone", "kind", "origin", "from_on", "to_on", "note")
                }
                | {"facility": staff.facility_id},
            )
        super().__init__(*args, **kwargs)
        permission = "care.change_staffmember" if staff else "care.add_staffmember"
        self.fields["facility"].queryset = facilities_for(user, permission)
        self.fields["facility"].label_from_instance = label_by_unit
        self.staff = staff

    def service_data(self) -> StaffData:
        return StaffData(person=self.staff.person if self.staff else None, **self.cleaned_data)


def facilities_for(user, permission: str):
    """Facilities where `user` holds `permission`: in their area, or their own facility."""
    scope = scope_of(user, permission)
    facilities = Facility.objects.select_related("unit").order_by("name")
    if scope.everywhere:
        return facilities
    own = Facility.objects.filter(pk__in=scope.facility_ids)
    return (in_scope(facilities, scope) | facilities.filter(pk__in=own.values("pk"))).distinct()


class CourseForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    topic = forms.CharField(label=_("topic"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("starts"), widget=DATE)
    ends_on = forms.DateField(label=_("ends"), widget=DATE)
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    unit = forms.ModelChoiceField(label=_("organising unit"), queryset=AdminUnit.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = AdminUnit.objects.filter(level__in=[UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE])
        self.fields["unit"].queryset = in_scope(units, scope_of(user, "care.add_trainingcourse"))


class AttendanceForm(forms.Form):
    staff = forms.ModelChoiceField(label=_("staff member"), queryset=None)
    attended = forms.BooleanField(label=_("attended"), required=False, initial=True)
    completed = forms.BooleanField(label=_("completed"), required=False)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff
        self.fields["staff"].label_from_instance = lambda member: f"{member.full_name} — {member.facility.name}"
