"""The forecast page: a unit's Rt, its projection and the demand on the tower, how good past forecasts were, the
districts side by side; a run asked for now; the run's numbers as Excel."""

from datetime import date

import numpy as np
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from phongdich.core import audit
from phongdich.core.choices import AuditAction
from phongdich.core.exports import csv_download, xlsx_download
from phongdich.core.rules import in_force
from phongdich.core.scoping import has_permission_somewhere, require_permission, scope_of

from ..charts import Band, Series, lines
from ..dashboard import unit_for
from ..models import ForecastAssumptions, ForecastRun
from .api import SEE_FORECASTS
from .forms import InterventionFormSet, ScenarioForm
from .planning import PLAN_PERMISSION, ScenarioInput, interventions_of, scenario_save, scenarios_compare
from .runs import RUN_PERMISSION, care_of, forecast_request
from .scenarios import BASELINE, CONTACTS, SOURCES, VACCINATION
from .selectors import latest_run, latest_runs_of, pending_run, projected_totals, rt_now, scenarios_of
from .series import SeriesError

SEE_SCENARIOS = "command.view_scenario"
RT_DAYS, OBSERVED_DAYS = 120, 42
BLUE, LIGHT_BLUE, PALE_BLUE, GREY = "#1f5fa8", "#9cc0e6", "#d5e5f6", "#777777"


def forecast_view(request):
    """The latest forecast of a unit (the user's widest by default)."""
    require_permission(request.user, SEE_FORECASTS)
    unit = unit_for(request.user, request.GET.get("unit"), permission=SEE_FORECASTS)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    run = latest_run(unit)
    children = list(unit.children.order_by("name")) if unit.children.exists() else []
    child_runs = latest_runs_of(children)
    assumptions = run.assumptions if run and run.assumptions else in_force(ForecastAssumptions)
    context = {
        "unit": unit,
        "run": run,
        "pending": pending_run(unit),
        "may_run": scope_of(request.user, RUN_PERMISSION).covers_path(unit.path),
        "see_scenarios": has_permission_somewhere(request.user, SEE_SCENARIOS),
        "assumptions": assumptions,
        "care_sources": care_of(assumptions).sources,
        "children": [_child_row(child, child_runs.get(child.pk)) for child in children],
        "query": urlencode({"unit": unit.pk}),
    }
    if run:
        context.update(_run_context(run))
    return render(request, "command/forecast/forecast.html", context)


def forecast_run_now(request):
    """Ask for a run of the unit's forecast now (POST); the page shows it when the worker has computed it."""
    require_permission(request.user, SEE_FORECASTS)
    unit = unit_for(request.user, request.POST.get("unit") or request.GET.get("unit"), permission=SEE_FORECASTS)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    forecast_request(actor=request.user, unit=unit)
    messages.success(request, _("The forecast is being computed; it appears here in a minute or two."))
    return redirect(f"{reverse('command:forecast')}?{urlencode({'unit': unit.pk})}")


def forecast_xlsx(request):
    """The latest run's numbers: Rt by day, the projection, the demand on the tower, the backtest."""
    require_permission(request.user, SEE_FORECASTS)
    unit = unit_for(request.user, request.GET.get("unit"), permission=SEE_FORECASTS)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    run = latest_run(unit)
    if run is None:
        raise Http404
    audit.record(actor=request.user, action=AuditAction.EXPORT, instance=run, unit_path=unit.path)
    return xlsx_download(f"du-bao-{unit.code}-{run.day:%Y%m%d}.xlsx", _sheets(run))


def _run_context(run: ForecastRun) -> dict:
    results = run.results
    rt_rows = results.get("rt", [])[-RT_DAYS:]
    rt_days = [date.fromisoformat(row["date"]) for row in rt_rows]
    reliable = [row if row.get("reliable") else None for row in rt_rows]
    rt_chart = lines(
        _("Effective reproduction number Rt"),
        rt_days,
        [
            Series(_("Rt (mean)"), BLUE, [row and row["mean"] for row in reliable]),
            Series(_("Rt = 1"), GREY, [1.0] * len(rt_days)),
        ],
        top=2,
        suffix="",
        bands=[Band(_("95 percent credible interval"), PALE_BLUE, [row and row["lower"] for row in reliable],
                    [row and row["upper"] for row in reliable])],
    )  # fmt: skip
    counts, start = run.inputs.get("counts", []), date.fromisoformat(run.inputs["start"])
    observed = counts[-OBSERVED_DAYS:]
    first_observed = len(counts) - len(observed)
    projection = results.get("projection", [])
    days = [date.fromordinal(start.toordinal() + first_observed + n) for n in range(len(observed))]
    days += [date.fromisoformat(row["date"]) for row in projection]
    gap = [None] * len(observed)
    projection_chart = lines(
        _("Daily cases: reported and projected"),
        days,
        [
            Series(_("Reported"), GREY, [*observed, *([None] * len(projection))]),
            Series(_("Projected (median)"), BLUE, [*gap, *(row["median"] for row in projection)]),
        ],
        top=0,
        suffix="",
        bands=[
            Band(_("95 percent interval"), PALE_BLUE, [*gap, *(r["lower"] for r in projection)],
                 [*gap, *(r["upper"] for r in projection)]),
            Band(_("50 percent interval"), LIGHT_BLUE, [*gap, *(r["lower50"] for r in projection)],
                 [*gap, *(r["upper50"] for r in projection)]),
        ],
    )  # fmt: skip
    return {
        "rt_now": rt_now(run),
        "totals": projected_totals(run),
        "demand": _demand_table(results.get("demand")),
        "backtest": results.get("backtest", []),
        "charts": {"rt": mark_safe(rt_chart), "projection": mark_safe(projection_chart)},  # noqa: S308 (numbers; labels escaped)
        "note": results.get("note"),
    }


def _child_row(child, run: ForecastRun | None) -> dict:
    if run is None:
        return {"unit": child, "run": None}
    fortnight = next((total for total in projected_totals(run) if total["days"] == 14), None)
    tiers = (run.results.get("demand") or {}).get("tiers", [])
    full = [(tier["tier"], _date(tier["saturation"])) for tier in tiers if tier["saturation"]]
    return {"unit": child, "run": run, "rt": rt_now(run), "fortnight": fortnight, "full": full}


def _demand_table(demand: dict | None) -> list[dict]:
    """Per tier (and the ICU beds): beds, patients now, the median demand in 7, 14 and 28 days with its upper bound,
    and the saturation dates."""
    if not demand:
        return []
    rows = []
    for tier in [*demand["tiers"], {**demand["icu"], "icu": True}]:
        at = [
            {"label": label, "value": tier["median"][h - 1], "upper": tier["upper"][h - 1]}
            for h, label in _horizons()
            if len(tier["median"]) >= h
        ]
        rows.append({**tier, "at": at, "saturation": _date(tier["saturation"]),
                     "earliest_saturation": _date(tier["earliest_saturation"])})  # fmt: skip
    oxygen = [
        {"label": label, "value": demand["oxygen_patients"][h - 1], "m3": demand["oxygen_m3"][h - 1]}
        for h, label in _horizons()
    ]
    return [*rows, {"oxygen": True, "at": oxygen}]


def _horizons() -> list[tuple[int, str]]:
    return [(7, _("In 7 days")), (14, _("In 14 days")), (28, _("In 28 days"))]


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _sheets(run: ForecastRun):
    results = run.results
    yield (
        _("Rt"),
        [_("Last day of the window"), _("Mean"), _("Lower bound (95 %)"), _("Upper bound (95 %)"), _("Reliable")],
        [
            (date.fromisoformat(r["date"]), r["mean"], r["lower"], r["upper"], _("yes") if r["reliable"] else _("no"))
            for r in results.get("rt", [])
        ],
    )
    yield (
        _("Projection"),
        [_("Day"), _("Median"), _("Mean"), _("Lower bound (95 %)"), _("Upper bound (95 %)")],
        [(date.fromisoformat(r["date"]), r["median"], r["mean"], r["lower"], r["upper"])
         for r in results.get("projection", [])],
    )  # fmt: skip
    demand = results.get("demand")
    if demand:
        header = [_("Day")] + [_("Tier %(n)s (median)") % {"n": t["tier"]} for t in demand["tiers"]]
        header += [_("ICU (median)"), _("Patients on oxygen"), _("Oxygen (m³ a day)")]
        rows = []
        for n, day in enumerate(demand["days"]):
            rows.append((date.fromisoformat(day), *(t["median"][n] for t in demand["tiers"]),
                         demand["icu"]["median"][n], demand["oxygen_patients"][n], demand["oxygen_m3"][n]))  # fmt: skip
        yield (_("Demand on the tower"), header, rows)
    yield (
        _("Past forecasts"),
        [
            _("Horizon (days)"),
            _("Forecasts scored"),
            _("Mean absolute percentage error"),
            _("Median absolute percentage error"),
            _("Share inside the 95 percent interval"),
        ],
        [(b["horizon"], b["origins"], b["mape"], b["median_ape"], b["coverage"]) for b in results.get("backtest", [])],
    )  # fmt: skip


# ---- scenarios


def scenarios_view(request):
    """A unit's scenarios, to compare with the baseline, and the form for a new one."""
    require_permission(request.user, SEE_SCENARIOS)
    unit = unit_for(request.user, request.GET.get("unit") or request.POST.get("unit"), permission=SEE_SCENARIOS)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    may_plan = scope_of(request.user, PLAN_PERMISSION).covers_path(unit.path)
    form, formset = ScenarioForm(request.POST or None), InterventionFormSet(request.POST or None, prefix="change")
    if request.method == "POST":
        if not may_plan:
            raise PermissionDenied
        if form.is_valid() and formset.is_valid():
            given = ScenarioInput(
                form.cleaned_data["name"],
                form.cleaned_data["horizon_days"],
                [one for one in (row.intervention() for row in formset) if one],
            )
            try:
                scenario = scenario_save(actor=request.user, unit=unit, given=given)
            except ValidationError as refused:
                form.add_error(None, refused)
            else:
                messages.success(request, _("Scenario %(name)s saved.") % {"name": scenario.name})
                return redirect(
                    f"{reverse('command:scenario_compare')}?{urlencode({'unit': unit.pk, 's': scenario.pk})}"
                )
    scenarios = [(scenario, [_described(one) for one in interventions_of(scenario)]) for scenario in scenarios_of(unit)]
    return render(
        request,
        "command/forecast/scenarios.html",
        {
            "unit": unit,
            "scenarios": scenarios,
            "form": form,
            "formset": formset,
            "may_plan": may_plan,
            "model_sources": [str(source) for source in SOURCES.values()],
        },
    )


def _described(intervention) -> str:
    """ "Contacts −40 % from 09/07/2021 to 23/07/2021" and the like."""
    if intervention.kind == VACCINATION:
        what = _("%(n)s doses a day") % {"n": f"{intervention.change:,.0f}".replace(",", ".")}
    else:
        percent = f"{intervention.change * 100:+.0f}".replace("-", "−")
        what = (_("contacts %(n)s%%") if intervention.kind == CONTACTS else _("cases found %(n)s%%")) % {"n": percent}
    when = (
        _("from %(start)s to %(end)s")
        % {"start": f"{intervention.starts_on:%d/%m/%Y}", "end": f"{intervention.ends_on:%d/%m/%Y}"}
        if intervention.ends_on
        else _("from %(start)s") % {"start": f"{intervention.starts_on:%d/%m/%Y}"}
    )
    return f"{intervention.label or what} ({when})"


def scenario_compare_view(request):
    """The chosen scenarios beside the baseline: one chart of the reported cases a day, one of Rt, and a summary."""
    unit, chosen = _compared(request)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    try:
        comparison = scenarios_compare(unit, chosen)
    except SeriesError as error:
        return render(request, "command/forecast/compare.html", {"unit": unit, "error": str(error)})
    return render(
        request,
        "command/forecast/compare.html",
        {
            "unit": unit,
            "comparison": comparison,
            "chosen": chosen,
            "summary": _summary(comparison),
            "charts": _comparison_charts(comparison),
            "query": urlencode([("unit", unit.pk), *(("s", scenario.pk) for scenario in chosen)]),
        },
    )


def scenario_export(request, fmt: str):
    """The comparison, one row a day and one column per scenario and measure, as CSV or Excel."""
    unit, chosen = _compared(request)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    try:
        comparison = scenarios_compare(unit, chosen)
    except SeriesError as error:
        raise Http404(str(error)) from error
    header, rows = _comparison_rows(comparison)
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="command.scenario",
        object_repr=_("Scenarios of %(unit)s") % {"unit": unit.name},
        unit_path=unit.path,
        detail={"scenarios": [scenario.pk for scenario in chosen], "format": fmt},
    )
    filename = f"kich-ban-{unit.code}-{comparison.state.day:%Y%m%d}"
    if fmt == "csv":
        return csv_download(f"{filename}.csv", header, rows)
    return xlsx_download(f"{filename}.xlsx", [(_("Scenarios"), header, rows)])


def _compared(request):
    """The unit and the scenarios asked for (`s`, several), each resolved through the user's scope (404 otherwise)."""
    require_permission(request.user, SEE_SCENARIOS)
    unit = unit_for(request.user, request.GET.get("unit"), permission=SEE_SCENARIOS)
    return unit, _chosen(request, unit)


def _chosen(request, unit) -> list:
    ids = [value for value in request.GET.getlist("s") if value.isdigit()][:MAX_COMPARED]
    found = {scenario.pk: scenario for scenario in scenarios_of(unit).filter(pk__in=ids)}
    if len(found) != len(set(ids)):
        raise Http404
    return [found[int(pk)] for pk in dict.fromkeys(ids)]


def _summary(comparison) -> list[dict]:
    rows = []
    for key, run in comparison.runs.items():
        peak = int(np.argmax(run.reported_cases))
        rows.append(
            {
                "name": comparison.names[key],
                "baseline": key == BASELINE,
                "total": float(run.reported_cases.sum()),
                "infections": float(run.infections.sum()),
                "peak_day": run.days[peak],
                "peak": float(run.reported_cases[peak]),
                "rt_end": float(run.r_effective[-1]),
            }
        )
    return rows


PALETTE = ("#555555", "#1f5fa8", "#c0392b", "#2e8b57", "#b8860b", "#6a3d9a")
MAX_COMPARED = len(PALETTE) - 1


def _comparison_charts(comparison) -> dict:
    keys = list(comparison.runs)
    days = comparison.runs[BASELINE].days
    colours = dict(zip(keys, PALETTE, strict=False))
    cases = lines(
        _("Reported cases a day"), days,
        [Series(comparison.names[key], colours[key], [float(v) for v in run.reported_cases])
         for key, run in comparison.runs.items()],
        top=0, suffix="",
    )  # fmt: skip
    rt = lines(
        _("Effective reproduction number"), days,
        [Series(comparison.names[key], colours[key], [float(v) for v in run.r_effective])
         for key, run in comparison.runs.items()],
        top=2, suffix="",
    )  # fmt: skip
    return {"cases": mark_safe(cases), "rt": mark_safe(rt)}  # noqa: S308 (numbers; labels escaped)


def _comparison_rows(comparison) -> tuple[list[str], list[list]]:
    header = [_("Day")]
    for key in comparison.runs:
        name = comparison.names[key]
        header += [
            _("%(name)s: reported cases") % {"name": name},
            _("%(name)s: infections") % {"name": name},
            _("%(name)s: Rt") % {"name": name},
        ]
    rows = []
    for n, day in enumerate(comparison.runs[BASELINE].days):
        row: list = [day]
        for run in comparison.runs.values():
            row += [round(float(run.reported_cases[n]), 1), round(float(run.infections[n]), 1),
                    round(float(run.r_effective[n]), 3)]  # fmt: skip
        rows.append(row)
    return header, rows
