"""The form of a new version of the measures by level: its document, and a grid of activity × level (status, limit,
what the limit counts, note, and whether the value is still to be checked). It parses and renders; the service
validates."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..choices import Activity, LimitKind, MeasureStatus
from ..models import MeasureRules
from .services import LEVELS, NAME_LENGTH, NOTE_LENGTH, where

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PARTS = ("status", "limit", "limit_kind", "note", "verify")
PART_LABELS = {
    "status": _("Status"),
    "limit": _("Limit"),
    "limit_kind": _("The limit counts"),
    "note": _("Note"),
    "verify": _("(verify)"),
}


def cell_name(activity: str, level: str, part: str) -> str:
    return f"{activity}-{level}-{part}"


class MeasureRulesForm(forms.Form):
    effective_from = forms.DateField(label=_("effective from"), widget=DATE)
    source_document = forms.CharField(
        label=_("source document"),
        max_length=200,
        help_text=_("Number, date and subject of the decision that sets these measures."),
    )
    document_date = forms.DateField(label=_("document dated"), widget=DATE)
    name = forms.CharField(label=_("name"), max_length=NAME_LENGTH)

    def __init__(self, *args, current: MeasureRules | None = None, **kwargs):
        super().__init__(*args, initial=initial_from(current), **kwargs)
        for activity in Activity.values:
            for level in LEVELS:
                cell = where(activity, level)
                self.fields[cell_name(activity, level, "status")] = forms.ChoiceField(
                    label=_("%(where)s: status") % {"where": cell},
                    choices=[("", "—"), *MeasureStatus.choices],
                    required=False,
                )
                self.fields[cell_name(activity, level, "limit")] = forms.IntegerField(
                    label=_("%(where)s: limit") % {"where": cell},
                    required=False,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
                )
                self.fields[cell_name(activity, level, "limit_kind")] = forms.ChoiceField(
                    label=_("%(where)s: the limit counts") % {"where": cell},
                    choices=LimitKind.choices,
                    required=False,
                )
                self.fields[cell_name(activity, level, "note")] = forms.CharField(
                    label=_("%(where)s: note") % {"where": cell}, required=False, max_length=NOTE_LENGTH
                )
                self.fields[cell_name(activity, level, "verify")] = forms.BooleanField(
                    label=_("%(where)s: to verify against the documents") % {"where": cell}, required=False
                )

    def grid(self) -> list[dict]:
        """The cells as the template lays them out: a block per activity, a line per level."""
        return [
            {
                "label": label,
                "levels": [
                    {
                        "level": level,
                        "id": f"level-{activity}-{level}",
                        "label": _("Level %(level)s") % {"level": level},
                        "cells": [(PART_LABELS[part], self[cell_name(activity, level, part)]) for part in PARTS],
                    }
                    for level in LEVELS
                ],
            }
            for activity, label in Activity.choices
        ]

    def clean(self):
        data = super().clean()
        measures: dict = {}
        verify: list[str] = []
        for activity in Activity.values:
            measures[activity] = {}
            checked = []
            for level in LEVELS:
                limit = data.get(cell_name(activity, level, "limit"))
                kind = data.get(cell_name(activity, level, "limit_kind")) or ""
                measures[activity][level] = {
                    "status": data.get(cell_name(activity, level, "status")) or "",
                    "limit": limit,
                    "limit_kind": kind if limit is not None else "",
                    "note": data.get(cell_name(activity, level, "note")) or "",
                }
                if data.get(cell_name(activity, level, "verify")):
                    checked.append(level)
            verify += [activity] if len(checked) == len(LEVELS) else [f"{activity}.{level}" for level in checked]
        data["measures"], data["verify"] = measures, verify
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        names = ["effective_from", "source_document", "document_date", "name", "measures", "verify"]
        return {name: data[name] for name in names}


def initial_from(version: MeasureRules | None) -> dict:
    """A new version starts from the one in force, its marks to verify included (its date, document and name are
    its own)."""
    initial: dict = {}
    if version is None or version.pk is None:
        return initial
    verify = set(version.verify or [])
    for activity, by_level in (version.measures or {}).items():
        for level, entry in by_level.items():
            if activity not in Activity.values or level not in LEVELS:
                continue
            initial[cell_name(activity, level, "status")] = entry.get("status")
            initial[cell_name(activity, level, "limit")] = entry.get("limit")
            initial[cell_name(activity, level, "limit_kind")] = entry.get("limit_kind") or LimitKind.PEOPLE
            initial[cell_name(activity, level, "note")] = entry.get("note")
            initial[cell_name(activity, level, "verify")] = activity in verify or f"{activity}.{level}" in verify
    return initial
