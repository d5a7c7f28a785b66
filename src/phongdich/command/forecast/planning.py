"""Scenarios on the platform's data: a unit's state today (people, cases, vaccination, Rt, its vaccination pace) read
into the scenario model's starting state; a planner's scenario checked, computed and stored with the state it started
from; several compared with the baseline from one and the same state."""

from dataclasses import asdict, dataclass
from datetime import date, timedelta

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.rules import in_force
from phongdich.core.scoping import scope_of
from phongdich.places.models import AdminUnit, Population

from ..models import ForecastAssumptions, Scenario
from ..selectors import figures_cumulative, figures_on, figures_series
from .rt import estimate_rt
from .runs import last_whole_day, serial_of
from .scenarios import (
    BASELINE,
    Intervention,
    ScenarioParameters,
    ScenarioRun,
    StartingState,
    check_interventions,
    compare,
    run_scenario,
)
from .selectors import latest_run, rt_now
from .series import SeriesError

PLAN_PERMISSION = "command.add_scenario"
RECENT_DAYS = 28
CASE_COLUMNS = ("cases_community", "cases_screening", "cases_isolated", "cases_imported")


def starting_state_for(unit: AdminUnit, day: date | None = None) -> tuple[StartingState, ScenarioParameters]:
    """The unit as its figures stood at the end of `day` (yesterday by default), and the scenario model's parameters
    in force with the unit's vaccination pace of the last week as the baseline pace."""
    day = day or last_whole_day()
    series = figures_series(unit, day - timedelta(days=RECENT_DAYS - 1), day)
    recent = np.array([sum(row[name] for name in CASE_COLUMNS) for _day, row in series], dtype=float)
    cumulative = figures_cumulative(unit, day)
    stocks = figures_on(unit, day)
    week_doses = sum(row["doses"] for _day, row in series[-7:])
    state = StartingState(
        day=day,
        population=_population(unit, day, stocks),
        recent_cases=recent,
        cumulative_cases=sum(cumulative[name] for name in CASE_COLUMNS),
        fully_vaccinated=stocks["fully_vaccinated"],
        rt=_current_rt(unit, day, recent),
    )
    assumptions = in_force(ForecastAssumptions, day)
    parameters = ScenarioParameters(**{**(assumptions.scenario or {}), "baseline_doses_per_day": week_doses / 7})
    return state, parameters


def _population(unit: AdminUnit, day: date, stocks: dict) -> int:
    census = Population.objects.filter(unit=unit, year__lte=day.year).order_by("-year").values_list("total", flat=True)
    return census.first() or stocks["residents"]


def _current_rt(unit: AdminUnit, day: date, recent: np.ndarray) -> float:
    """The latest forecast's reliable Rt, else one estimated from the recent reported cases."""
    run = latest_run(unit)
    now = rt_now(run) if run else None
    if now and (day - now.day).days <= 7:
        return now.mean
    estimates = estimate_rt(recent, serial_of(in_force(ForecastAssumptions, day)))
    rows = [row for row in estimates.rows() if row["reliable"]]
    if not rows:
        raise SeriesError(_("Too few recent cases to start a scenario: no reliable Rt in the last 4 weeks."))
    return rows[-1]["mean"]


# ---- scenarios: saved, compared


@dataclass(frozen=True)
class ScenarioInput:
    name: str
    horizon_days: int
    interventions: list[Intervention]


def scenario_save(*, actor, unit: AdminUnit, given: ScenarioInput) -> Scenario:
    """A new scenario, computed from the unit's state today against the baseline and stored with that state."""
    if not scope_of(actor, PLAN_PERMISSION).covers_path(unit.path):
        raise PermissionDenied(_("You cannot plan scenarios for this unit."))
    if not given.name.strip():
        raise ValidationError({"name": _("Give the scenario a name.")})
    try:
        state, parameters = starting_state_for(unit)
        runs = compare(state, parameters, {"scenario": given.interventions}, given.horizon_days)
    except SeriesError as error:
        raise ValidationError(str(error)) from error
    with transaction.atomic():
        scenario = Scenario.objects.create(
            unit=unit,
            name=given.name.strip(),
            horizon_days=given.horizon_days,
            interventions=[_stored(one) for one in given.interventions],
            created_by=actor,
            computed_at=clock.now(),
            starting_state=_stored_state(state, parameters),
            result={name: _stored_run(run) for name, run in runs.items()},
        )
        audit.record(actor=actor, action=AuditAction.CREATE, instance=scenario, unit_path=unit.path)
    return scenario


def interventions_of(scenario: Scenario) -> list[Intervention]:
    return [
        Intervention(
            kind=one["kind"],
            starts_on=date.fromisoformat(one["starts_on"]),
            ends_on=date.fromisoformat(one["ends_on"]) if one.get("ends_on") else None,
            change=float(one["change"]),
            label=one.get("label", ""),
        )
        for one in scenario.interventions
    ]


@dataclass
class Comparison:
    state: StartingState
    parameters: ScenarioParameters
    horizon_days: int
    runs: dict[str, ScenarioRun]  # the baseline's key is BASELINE; the others are scenario ids as text
    names: dict[str, str]
    refused: dict[str, str]  # scenario name → why it cannot run from today's state


def scenarios_compare(unit: AdminUnit, scenarios: list[Scenario]) -> Comparison:
    """The chosen scenarios and the baseline, all from the unit's state today over the longest of their horizons;
    a scenario whose interventions no longer fit (one began before today) is named with the reason."""
    state, parameters = starting_state_for(unit)
    horizon = max([scenario.horizon_days for scenario in scenarios] or [90])
    runs = {BASELINE: run_scenario(state, parameters, [], horizon)}
    names = {BASELINE: _("Baseline: no change")}
    refused: dict[str, str] = {}
    for scenario in scenarios:
        interventions = interventions_of(scenario)
        try:
            check_interventions(state, parameters, interventions, horizon)
        except SeriesError as error:
            refused[scenario.name] = str(error)
            continue
        runs[str(scenario.pk)] = run_scenario(state, parameters, interventions, horizon)
        names[str(scenario.pk)] = scenario.name
    return Comparison(state, parameters, horizon, runs, names, refused)


def _stored(intervention: Intervention) -> dict:
    return {
        "kind": intervention.kind,
        "starts_on": intervention.starts_on.isoformat(),
        "ends_on": intervention.ends_on.isoformat() if intervention.ends_on else None,
        "change": intervention.change,
        "label": intervention.label,
    }


def _stored_state(state: StartingState, parameters: ScenarioParameters) -> dict:
    return {
        "day": state.day.isoformat(),
        "population": state.population,
        "recent_cases": [float(n) for n in state.recent_cases],
        "cumulative_cases": state.cumulative_cases,
        "fully_vaccinated": state.fully_vaccinated,
        "rt": state.rt,
        "parameters": asdict(parameters),
    }


def _stored_run(run: ScenarioRun) -> dict:
    return {
        "days": [day.isoformat() for day in run.days],
        "reported_cases": [round(float(n), 2) for n in run.reported_cases],
        "infections": [round(float(n), 2) for n in run.infections],
        "r_effective": [round(float(n), 4) for n in run.r_effective],
        "vaccinated": [round(float(n), 1) for n in run.vaccinated],
    }
