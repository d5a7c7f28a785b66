"""The figures a situation report can show, by code: the daily figures' own columns (cases by where they were found,
tests, F0 under care by place and tier, beds, doses, coverage counts), the cumulative flows, and what is derived from
them (positivity, bed occupancy by tier, vaccine coverage). A report template's sections name these codes; a report
freezes their values when it is generated, so its documents never read the live figures again."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PERCENT_PLACES = 1


@dataclass(frozen=True)
class Figure:
    code: str
    label: str | Promise
    kind: str = "count"  # "count" or "percent"
    part: bool = False  # a part of the figure above it (the new cases by where they were found)


FIGURES: dict[str, Figure] = {
    figure.code: figure
    for figure in (
        Figure("cases", _("New cases")),
        Figure("cases_community", _("found in the community"), part=True),
        Figure("cases_screening", _("found by screening (checkpoints, hospitals)"), part=True),
        Figure("cases_isolated", _("found in quarantine, isolation or a lockdown"), part=True),
        Figure("cases_imported", _("imported (other provinces, abroad)"), part=True),
        Figure("deaths", _("Deaths")),
        Figure("recovered", _("Recovered and discharged")),
        Figure("cumulative_cases", _("Cases since the outbreak began")),
        Figure("cumulative_deaths", _("Deaths since the outbreak began")),
        Figure("cumulative_recovered", _("Recovered since the outbreak began")),
        Figure("tests", _("Samples tested")),
        Figure("positives", _("Positive samples")),
        Figure("positivity_pct", _("Positivity (percent)"), "percent"),
        Figure("f0_home", _("F0 treated at home")),
        Figure("f0_site", _("F0 at concentrated sites")),
        Figure("f0_tier1", _("Patients in tier 1 beds")),
        Figure("f0_tier2", _("Patients in tier 2 beds")),
        Figure("f0_tier3", _("Patients in tier 3 beds")),
        Figure("beds_tier1", _("Tier 1 beds")),
        Figure("beds_tier2", _("Tier 2 beds")),
        Figure("beds_tier3", _("Tier 3 beds")),
        Figure("occupancy_tier1_pct", _("Tier 1 bed occupancy (percent)"), "percent"),
        Figure("occupancy_tier2_pct", _("Tier 2 bed occupancy (percent)"), "percent"),
        Figure("occupancy_tier3_pct", _("Tier 3 bed occupancy (percent)"), "percent"),
        Figure("doses", _("Vaccine doses given")),
        Figure("residents", _("Registered residents")),
        Figure("one_dose", _("Residents with at least one dose")),
        Figure("fully_vaccinated", _("Residents fully vaccinated")),
        Figure("coverage_one_dose_pct", _("One-dose coverage (percent)"), "percent"),
        Figure("coverage_full_pct", _("Full coverage (percent)"), "percent"),
        Figure("open_alerts", _("Open alerts")),
    )
}

# What the annex's sheet of figures by unit lists, in order.
ANNEX_FIGURES = (
    "cases",
    "cases_community",
    "cases_screening",
    "cases_isolated",
    "cases_imported",
    "deaths",
    "recovered",
    "cumulative_cases",
    "tests",
    "positives",
    "positivity_pct",
    "f0_home",
    "f0_site",
    "f0_tier1",
    "f0_tier2",
    "f0_tier3",
    "beds_tier1",
    "beds_tier2",
    "beds_tier3",
    "doses",
    "coverage_one_dose_pct",
    "coverage_full_pct",
)

CASE_SETTINGS = ("cases_community", "cases_screening", "cases_isolated", "cases_imported")


def percent(part: int, whole: int) -> float | None:
    """A share in percent with one decimal; None when there is nothing to divide by."""
    if not whole:
        return None
    return round(100 * part / whole, PERCENT_PLACES)


def derive(window: dict[str, int], cumulative: dict[str, int]) -> dict[str, int | float | None]:
    """Every figure of the catalogue from the window's figures (flows in the window, stocks at its end) and the
    flows summed since the first day."""
    values: dict[str, int | float | None] = {code: int(window.get(code, 0)) for code in FIGURES if code in window}
    values["cases"] = sum(int(window.get(code, 0)) for code in CASE_SETTINGS)
    values["cumulative_cases"] = sum(int(cumulative.get(code, 0)) for code in CASE_SETTINGS)
    values["cumulative_deaths"] = int(cumulative.get("deaths", 0))
    values["cumulative_recovered"] = int(cumulative.get("recovered", 0))
    values["positivity_pct"] = percent(int(window.get("positives", 0)), int(window.get("tests", 0)))
    for tier in ("1", "2", "3"):
        values[f"occupancy_tier{tier}_pct"] = percent(
            int(window.get(f"f0_tier{tier}", 0)), int(window.get(f"beds_tier{tier}", 0))
        )
    residents = int(window.get("residents", 0))
    values["coverage_one_dose_pct"] = percent(int(window.get("one_dose", 0)), residents)
    values["coverage_full_pct"] = percent(int(window.get("fully_vaccinated", 0)), residents)
    for code in FIGURES:
        values.setdefault(code, 0)
    return values


def label_of(code: str) -> str:
    figure = FIGURES.get(code)
    return str(figure.label) if figure else code


def is_part(code: str) -> bool:
    figure = FIGURES.get(code)
    return bool(figure and figure.part)


def is_percent(code: str) -> bool:
    figure = FIGURES.get(code)
    return bool(figure and figure.kind == "percent")
