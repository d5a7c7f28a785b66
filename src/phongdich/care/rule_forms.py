"""Forms of the rule pages: a new version of the isolation rules (its durations as a grid, a row per kind of order
and condition), a medicine package, a site's places. They parse and render; the services validate."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Condition, OrderKind, ReleaseTest
from .models import IsolationRules, MedicineKind
from .services.rules import DISCHARGE_LIMITS, RECOVERED_MONTHS, discharge_label

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DAY = forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 60})
PLAN_PARTS = ("days", "monitor_days", "test_days", "test")
PLAN_PART_LABELS = (_("Days"), _("Self-monitoring days"), _("Test days"), _("Test"))


def cell_name(kind: str, condition: str, part: str) -> str:
    return f"{kind}-{condition}-{part}"


class IsolationRulesForm(forms.Form):
    effective_from = forms.DateField(label=_("effective from"), widget=DATE)
    source_document = forms.CharField(
        label=_("source document"),
        max_length=200,
        help_text=_("Number, date and subject, e.g. Công văn 1909/BYT-DP (15/4/2022): F1 không phải cách ly."),
    )
    document_date = forms.DateField(label=_("document dated"), widget=DATE)
    recovered_months = forms.IntegerField(
        label=_("recovered within (months)"),
        min_value=RECOVERED_MONTHS[0],
        max_value=RECOVERED_MONTHS[1],
        help_text=_("A past infection this recent counts as “recovered recently”."),
    )
    ends_kinds = forms.MultipleChoiceField(
        label=_("kinds of order it ends"),
        choices=OrderKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their active orders are released on the day this version takes effect."),
    )

    def __init__(self, *args, current: IsolationRules | None = None, **kwargs):
        super().__init__(*args, initial=initial_from(current), **kwargs)
        for kind, kind_label in OrderKind.choices:
            self.fields[f"{kind}-planned"] = forms.BooleanField(
                label=_("%(kind)s: ordered under this version") % {"kind": kind_label}, required=False
            )
            for condition, condition_label in Condition.choices:
                where = f"{kind_label}, {str(condition_label).lower()}"
                self.fields[cell_name(kind, condition, "days")] = forms.IntegerField(
                    label=_("%(where)s: days") % {"where": where}, required=False, widget=DAY
                )
                self.fields[cell_name(kind, condition, "monitor_days")] = forms.IntegerField(
                    label=_("%(where)s: self-monitoring days") % {"where": where}, required=False, widget=DAY
                )
                self.fields[cell_name(kind, condition, "test_days")] = forms.CharField(
                    label=_("%(where)s: test days") % {"where": where},
                    required=False,
                    widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "1, 7"}),
                )
                self.fields[cell_name(kind, condition, "test")] = forms.ChoiceField(
                    label=_("%(where)s: test") % {"where": where}, choices=ReleaseTest.choices, required=False
                )
        for name, (low, high) in DISCHARGE_LIMITS.items():
            self.fields[f"discharge-{name}"] = forms.IntegerField(
                label=discharge_label(name), required=False, min_value=low, max_value=high
            )

    def grid(self) -> list[dict]:
        """The durations as the template lays them out: a block per kind, a row per condition."""
        return [
            {
                "label": kind_label,
                "planned": self[f"{kind}-planned"],
                "rows": [
                    {
                        "label": condition_label,
                        "cells": [
                            (short, self[cell_name(kind, condition, part)])
                            for part, short in zip(PLAN_PARTS, PLAN_PART_LABELS, strict=True)
                        ],
                    }
                    for condition, condition_label in Condition.choices
                ],
            }
            for kind, kind_label in OrderKind.choices
        ]

    def discharge_fields(self) -> list:
        return [self[f"discharge-{name}"] for name in DISCHARGE_LIMITS]

    def clean(self):
        data = super().clean()
        durations: dict = {}
        for kind in OrderKind.values:
            if not data.get(f"{kind}-planned"):
                continue
            durations[kind] = {}
            for condition in Condition.values:
                if (one_plan := self._plan(kind, condition, data)) is not None:
                    durations[kind][condition] = one_plan
        data["durations"] = durations
        data["discharge"] = {
            name: data[f"discharge-{name}"] for name in DISCHARGE_LIMITS if data.get(f"discharge-{name}") is not None
        }
        return data

    def _plan(self, kind: str, condition: str, data: dict) -> dict | None:
        """One cell row as a plan; None for a row left blank (that condition then follows the plan for neither)."""
        days = data.get(cell_name(kind, condition, "days"))
        monitor_days = data.get(cell_name(kind, condition, "monitor_days"))
        text = data.get(cell_name(kind, condition, "test_days")) or ""
        if days is None and monitor_days is None and not text.strip():
            return None
        test_days = self._days(cell_name(kind, condition, "test_days"), text)
        if days is None and cell_name(kind, condition, "days") not in self.errors:
            self.add_error(cell_name(kind, condition, "days"), _("Give the days of isolation."))
        return {
            "days": days,
            "monitor_days": monitor_days or 0,
            "test_days": test_days,
            "test": data.get(cell_name(kind, condition, "test")) or ReleaseTest.NONE,
        }

    def _days(self, field: str, text: str) -> list[int]:
        parts = [part for part in re.split(r"[,;\s]+", text.strip()) if part]
        if not all(part.isdigit() for part in parts):
            self.add_error(field, _("Write day numbers separated by commas, e.g. 1, 7."))
            return []
        return [int(part) for part in parts]

    def service_data(self) -> dict:
        data = self.cleaned_data
        names = ["effective_from", "source_document", "document_date", "recovered_months", "ends_kinds"]
        return {**{name: data[name] for name in names}, "durations": data["durations"], "discharge": data["discharge"]}


def initial_from(version: IsolationRules | None) -> dict:
    """A new version's form starts from the rules in force (its date and document are its own)."""
    if version is None or version.pk is None:
        return {"recovered_months": 6}
    initial: dict = {"recovered_months": version.recovered_months, "ends_kinds": list(version.ends_kinds)}
    for kind, by_condition in version.durations.items():
        initial[f"{kind}-planned"] = True
        for condition, one_plan in by_condition.items():
            initial[cell_name(kind, condition, "days")] = one_plan.get("days")
            initial[cell_name(kind, condition, "monitor_days")] = one_plan.get("monitor_days")
            initial[cell_name(kind, condition, "test_days")] = ", ".join(
                str(day) for day in one_plan.get("test_days", [])
            )
            initial[cell_name(kind, condition, "test")] = one_plan.get("test")
    for name, value in version.discharge.items():
        initial[f"discharge-{name}"] = value
    return initial


class MedicineKindForm(forms.ModelForm):
    class Meta:
        model = MedicineKind
        fields = ["code", "name", "contents", "active"]
        widgets = {"contents": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"contents": _("What the package holds, as printed on it.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # deliveries refer to it by its code
            self.fields["code"].disabled = True

    def _post_clean(self):
        """The service validates."""


class SiteCapacityForm(forms.Form):
    places = forms.IntegerField(
        label=_("places"), min_value=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
