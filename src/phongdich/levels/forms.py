from django import forms
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.places.choices import UnitLevel
from phongdich.places.models import AdminUnit

from .choices import Level
from .models import LevelRules

DEPTHS = [
    (UnitLevel.DISTRICT, _("Districts")),
    (UnitLevel.COMMUNE, _("Communes")),
    (UnitLevel.GROUP, _("Residential groups")),
    (UnitLevel.PROVINCE, _("Province")),
]
LEVEL_CHOICES = [(level.value, level.label) for level in Level]


class RunForm(forms.Form):
    on = forms.DateField(
        label=_("Assess on"),
        help_text=_("The week read is the last whole week before this day."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    rules = forms.ModelChoiceField(
        LevelRules.objects.order_by("-effective_from"),
        label=_("Rules"),
        required=False,
        empty_label=_("Those in force on that day"),
        to_field_name="code",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = clock.today()


class ResultFilterForm(forms.Form):
    level = forms.ChoiceField(label=_("Units"), choices=DEPTHS, required=False)
    within = forms.ModelChoiceField(
        AdminUnit.objects.none(), label=_("In"), required=False, empty_label=_("The whole province")
    )
    at = forms.TypedChoiceField(
        label=_("Level"), choices=[("", _("Any level")), *LEVEL_CHOICES], coerce=int, required=False, empty_value=None
    )
    changed = forms.BooleanField(label=_("Only changes and overrides"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["within"].queryset = (
            AdminUnit.objects.visible_to(user)
            .filter(level__in=[UnitLevel.DISTRICT, UnitLevel.COMMUNE])
            .order_by("path")
        )


class OverrideForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Level"), choices=LEVEL_CHOICES, coerce=int)
    reason = forms.CharField(
        label=_("Reason (local conditions)"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


def _moment_field(label, required=True):
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )


class PublishForm(forms.Form):
    effective_at = _moment_field(_("Levels kept or lowered in effect from"))
    raises_effective_at = _moment_field(_("Raised levels in effect from"), required=False)
    emergency_reason = forms.CharField(
        label=_("Emergency: why a raise cannot wait"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CapacityEntryForm(forms.Form):
    unit = forms.ModelChoiceField(AdminUnit.objects.none(), label=_("Unit"))
    on = forms.DateField(label=_("As of"), widget=forms.DateInput(attrs={"type": "date"}))
    mobile_stations = forms.IntegerField(
        label=_("Mobile medical stations"), min_value=0, max_value=1000, required=False
    )
    care_teams = forms.IntegerField(label=_("Community F0 care teams"), min_value=0, max_value=10_000, required=False)
    beds = forms.IntegerField(label=_("COVID beds"), min_value=0, max_value=100_000, required=False)
    free_beds = forms.IntegerField(label=_("Free COVID beds"), min_value=0, max_value=100_000, required=False)
    icu_beds = forms.IntegerField(
        label=_("ICU beds"),
        min_value=0,
        max_value=100_000,
        required=False,
        help_text=_("Leave blank what does not apply to the unit."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = AdminUnit.objects.visible_to(user).exclude(level=UnitLevel.GROUP).order_by("path")
        self.fields["unit"].queryset = units
        self.fields["on"].initial = clock.today()
        if len(only := list(units[:2])) == 1:
            self.fields["unit"].initial = only[0]

    def figures(self) -> dict[str, int]:
        names = ("beds", "icu_beds", "free_beds", "mobile_stations", "care_teams")
        return {name: self.cleaned_data.get(name) or 0 for name in names}


def _whole(value):
    return int(value) if value is not None and float(value).is_integer() else value


class LevelRulesForm(forms.Form):
    """A new version of the level criteria, laid out as the decisions write them."""

    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=200)
    effective_from = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}))
    source_document = forms.CharField(label=_("Source document"), max_length=200)
    document_date = forms.DateField(label=_("Document dated"), widget=forms.DateInput(attrs={"type": "date"}))
    band_2 = forms.FloatField(label=_("Case band 2 from (per 100,000 per week)"), min_value=0)
    band_3 = forms.FloatField(label=_("Case band 3 from"), min_value=0)
    band_4 = forms.FloatField(label=_("Case band 4 from"), min_value=0)
    adults_one_dose = forms.FloatField(
        label=_("High coverage: people 18+ with at least one dose (%)"), min_value=0, max_value=100, required=False
    )
    elders_full = forms.FloatField(
        label=_("and people 65+ fully vaccinated (%)"), min_value=0, max_value=100, required=False
    )
    all_full = forms.FloatField(
        label=_("and the whole population fully vaccinated (%)"), min_value=0, max_value=100, required=False
    )
    capacity_rule = forms.ChoiceField(
        label=_("A unit short of treatment capacity"), choices=LevelRules._meta.get_field("capacity_rule").choices
    )
    commune_mobile_stations = forms.FloatField(
        label=_("Commune: mobile medical stations at least"), min_value=0, required=False
    )
    commune_care_teams = forms.FloatField(
        label=_("Commune: F0 care teams per 10,000 people at least"), min_value=0, required=False
    )
    district_beds = forms.FloatField(label=_("District: COVID beds per 100,000 at least"), min_value=0, required=False)
    district_free_beds = forms.FloatField(
        label=_("District: free COVID beds per 100,000 at least"), min_value=0, required=False
    )
    province_icu = forms.FloatField(label=_("Province: ICU beds per 100,000 at least"), min_value=0, required=False)
    aggregation = forms.ChoiceField(label=_("Higher units"), choices=LevelRules._meta.get_field("aggregation").choices)
    aggregation_rules = forms.CharField(
        label=_("Aggregation rules"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            'One per line: level, level its units reach, share in %. "4 3 50": level 4 when 50% of its '
            "units are at level 3 or above."
        ),
    )
    raise_notice_hours = forms.IntegerField(label=_("Notice before a raise (hours)"), min_value=0, max_value=336)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for coverage in ("high", "low"):
            for band in range(1, 5):
                self.fields[f"{coverage}_{band}"] = forms.TypedChoiceField(
                    label=_("Band %(band)d, %(coverage)s coverage")
                    % {"band": band, "coverage": _("high") if coverage == "high" else _("low")},
                    choices=LEVEL_CHOICES,
                    coerce=int,
                )

    @staticmethod
    def initial_from(rules: LevelRules) -> dict:
        conditions = {(c["indicator"], c["population"]): c["percent"] for c in rules.coverage_conditions}
        minimums = rules.capacity_minimums
        initial = {
            "code": "",
            "name": rules.name,
            "capacity_rule": rules.capacity_rule,
            "aggregation": rules.aggregation,
            "raise_notice_hours": rules.raise_notice_hours,
            "adults_one_dose": conditions.get(("one_dose", "18+")),
            "elders_full": conditions.get(("full", "65+")),
            "all_full": conditions.get(("full", "all")),
            "commune_mobile_stations": minimums.get("commune", {}).get("mobile_stations"),
            "commune_care_teams": minimums.get("commune", {}).get("care_teams_per_10k"),
            "district_beds": minimums.get("district", {}).get("beds_per_100k"),
            "district_free_beds": minimums.get("district", {}).get("free_beds_per_100k"),
            "province_icu": minimums.get("province", {}).get("icu_beds_per_100k"),
            "aggregation_rules": "\n".join(
                f"{r['level']} {r['children_at']} {r['share']}" for r in rules.aggregation_rules
            ),
        }
        initial.update({f"band_{band}": cut for band, cut in zip((2, 3, 4), rules.case_bands, strict=False)})
        for coverage, row in rules.matrix.items():
            initial.update({f"{coverage}_{band}": level for band, level in enumerate(row, start=1)})
        return initial

    def clean_aggregation_rules(self):
        rules = []
        for number, line in enumerate(self.cleaned_data["aggregation_rules"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.replace("%", " ").split()
            try:
                level, children_at, share = int(parts[0]), int(parts[1]), float(parts[2])
            except (ValueError, IndexError) as error:
                raise forms.ValidationError(
                    _('Line %(n)d: write three numbers, such as "4 3 50".') % {"n": number}
                ) from error
            rules.append({"level": level, "children_at": children_at, "share": _whole(share)})
        return rules

    def values(self) -> dict:
        data = self.cleaned_data
        conditions = [
            {"indicator": indicator, "population": population, "percent": _whole(data[name])}
            for name, indicator, population in (
                ("adults_one_dose", "one_dose", "18+"),
                ("elders_full", "full", "65+"),
                ("all_full", "full", "all"),
            )
            if data.get(name) is not None
        ]
        minimums: dict[str, dict] = {}
        for name, level, metric in (
            ("commune_mobile_stations", "commune", "mobile_stations"),
            ("commune_care_teams", "commune", "care_teams_per_10k"),
            ("district_beds", "district", "beds_per_100k"),
            ("district_free_beds", "district", "free_beds_per_100k"),
            ("province_icu", "province", "icu_beds_per_100k"),
        ):
            if data.get(name) is not None:
                minimums.setdefault(level, {})[metric] = _whole(data[name])
        return {
            "code": data["code"].strip(),
            "name": data["name"].strip(),
            "case_bands": [_whole(data[f"band_{band}"]) for band in (2, 3, 4)],
            "coverage_conditions": conditions,
            "matrix": {coverage: [data[f"{coverage}_{band}"] for band in range(1, 5)] for coverage in ("high", "low")},
            "capacity_rule": data["capacity_rule"],
            "capacity_minimums": minimums,
            "aggregation": data["aggregation"],
            "aggregate_levels": ["district", "province"],
            "aggregation_rules": data["aggregation_rules"],
            "raise_notice_hours": data["raise_notice_hours"],
            "verify": [],
        }
