"""Intervention scenarios: a deterministic SEIR model with vaccination for one population (a province or a district),
started from the place's current state and run day by day with interventions as time-varying changes.

Compartments (people): Su susceptible and never vaccinated, Sv vaccinated but not protected (the vaccine failed for
them: it is all-or-nothing), E infected but not yet infectious, I infectious, R recovered, V protected by the vaccine.
With N = Su + Sv + E + I + R + V (constant), L the latent period, D the infectious period:

    infection    Su, Sv → E   at rate β(t) · I / N per susceptible person, β(t) = β · c(t) · τ(t)
    onset        E → I        at rate 1 / L
    recovery     I → R        at rate 1 / D
    vaccination  Su → V, Sv   u(t) people a day (doses a day ÷ doses per person), a share VE protected (→ V) and the
                              rest left susceptible (→ Sv); bounded by Su: doses go to unvaccinated susceptible people

c(t) is the product of (1 + change) of the contacts interventions running on day t. τ(t) is the testing effect:
a found infection is isolated sooner, which removes the share `isolation_effect` (e) of its remaining
infectiousness, so an infection's mean infectiousness is 1 − e·a with a the share found, and a testing change from
a₀ to a(t) = a₀ · Π(1 + change) multiplies transmission by τ(t) = (1 − e·a(t)) / (1 − e·a₀). The isolation of the
cases found today is already in the current Rt; only the change counts.

Reported cases on a day are a(t) × the infections that become infectious that day (the E → I flow): a case is
found around the time it becomes infectious, so a testing change shows on the day it starts, and a contact change
shows in the reports after the latent period.

The effective reproduction number is R_eff(t) = β(t) · D · (Su + Sv) / N: the people an infectious person infects
over the infectious period while the susceptible share stays as it is. β is calibrated so that R_eff at the start
equals the place's current Rt estimate (rt.py), so the measures in force and the testing done now are in β;
interventions are changes relative to now.

The starting state is built from the reported series (`starting_compartments`): infections ≈ reported ÷ a₀; E the
infections of the last L days, I those of the last D days (the reported series stands for the onsets; E
approximates the onsets of the next L days by those of the last L), R the cumulative infections not in I, V the
fully vaccinated people times VE, counting vaccination as independent of past infection (a share of them had already
been infected and is in E, I or R), Su and Sv the rest.

The days are integrated in sub-steps of an eighth of a day or less (and at most a quarter of the shorter stage).
In a sub-step of length h, a person leaves E with probability h/L and I with probability h/D (so each stage lasts L
and D on average, exactly, and R_eff = β · D · S/N holds for the discrete steps too) and a susceptible person is
infected with probability 1 − exp(−β(t) · I/N · h). No compartment goes negative and N is kept exactly.

With exponential stages the model's mean generation interval is L + D. The default periods make it 4.7 days, the
mean of the serial interval the Rt estimates are run with (mean 4.7, SD 2.9 days), so that a given Rt grows or
declines at the pace the renewal equation gives it; with another serial interval, choose L + D to match its mean.
Taken separately the two periods are planning assumptions (see SOURCES)."""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .series import SeriesError

CONTACTS, TESTING, VACCINATION = "contacts", "testing", "vaccination"
KINDS = (CONTACTS, TESTING, VACCINATION)
BASELINE = "baseline"
MIN_RECENT_DAYS = 14
MAX_HORIZON_DAYS = 365
MAX_PERIOD_DAYS = 14
SUBSTEPS = 8  # per day at least, and 4 in the shorter stage

SOURCES = {
    "latent_period": gettext_lazy(
        "Planning assumption: 2 days. With exponential stages the model's mean generation interval is the latent "
        "plus the infectious period; the two are set to add up to 4.7 days, the mean of the serial interval the Rt "
        "estimates use (Lu et al. 2020, Eurosurveillance, doi:10.2807/1560-7917.ES.2020.25.40.2000250, report a "
        "median generation interval of 4.6 days). The measured latent period is longer (5.5 days for the 2020 "
        "strain, Xin et al. 2021, Clinical Infectious Diseases, doi:10.1093/cid/ciab746), but with exponential "
        "stages it would slow the model's growth well below that of the case series."
    ),
    "infectious_period": gettext_lazy(
        "Planning assumption: 2.7 days, an effective infectious period (most transmission happens around symptom "
        "onset), so that the latent and infectious periods add up to the 4.7-day serial interval."
    ),
    "ascertainment": gettext_lazy("Planning assumption: 30 percent of infections are found and reported."),
    "vaccine_effectiveness": gettext_lazy(
        "Planning assumption: full vaccination protects 60 percent of the vaccinated against infection."
    ),
    "doses_per_person": gettext_lazy(
        "2 doses: the primary schedule of the vaccines used in Viet Nam in 2021 (AstraZeneca, Pfizer-BioNTech, "
        "Moderna, Sinopharm)."
    ),
    "baseline_doses_per_day": gettext_lazy(
        "0 unless the place's current pace is given: the caller passes the doses given a day lately."
    ),
    "isolation_effect": gettext_lazy(
        "Planning assumption: finding a case removes half of its remaining infectiousness."
    ),
}


@dataclass(frozen=True)
class Intervention:
    """A change that runs from `starts_on` to `ends_on` (both included; None: to the horizon's end).
    contacts: relative change of contacts (−0.4 cuts them by 40 %); testing: relative change of the share of
    infections found (+0.3 finds 30 % more); vaccination: doses a day, replacing the baseline pace (campaigns that
    overlap add up). Contacts and testing changes that overlap multiply."""

    kind: str
    starts_on: date
    ends_on: date | None
    change: float
    label: str = ""

    @property
    def name(self) -> str:
        if self.label:
            return self.label
        names = {
            CONTACTS: _("The contacts change"),
            TESTING: _("The testing change"),
            VACCINATION: _("The vaccination pace"),
        }
        return str(names.get(self.kind, self.kind))


@dataclass(frozen=True)
class ScenarioParameters:
    """The model's parameters; SOURCES says where each default comes from."""

    latent_period: float = 2.0  # days; planning assumption, see SOURCES
    infectious_period: float = 2.7  # days; planning assumption, latent + infectious = 4.7-day serial interval
    ascertainment: float = 0.3  # share of infections reported; planning assumption
    vaccine_effectiveness: float = 0.6  # against infection, fully vaccinated; planning assumption
    doses_per_person: float = 2.0  # primary schedule of the 2021 vaccines
    baseline_doses_per_day: float = 0.0  # the place's current pace, given by the caller
    isolation_effect: float = 0.5  # share of a found case's remaining infectiousness removed; planning assumption

    def __post_init__(self):
        for value, name in (
            (self.latent_period, _("The latent period")),
            (self.infectious_period, _("The infectious period")),
        ):
            if not 0 < value <= MAX_PERIOD_DAYS:
                raise SeriesError(
                    _("%(name)s must be more than 0 and at most %(max)s days (it is %(value)s).")
                    % {"name": name, "max": MAX_PERIOD_DAYS, "value": _number(value)}
                )
        if not 0 < self.ascertainment <= 1:
            raise SeriesError(
                _("The share of infections reported must be more than 0 and at most 1 (it is %(value)s).")
                % {"value": _number(self.ascertainment)}
            )
        for value, name in (
            (self.vaccine_effectiveness, _("The vaccine's effectiveness against infection")),
            (self.isolation_effect, _("The isolation effect")),
        ):
            if not 0 <= value <= 1:
                raise SeriesError(
                    _("%(name)s must be from 0 to 1 (it is %(value)s).") % {"name": name, "value": _number(value)}
                )
        if not self.doses_per_person >= 1:
            raise SeriesError(
                _("The doses for full vaccination must be at least 1 (it is %(value)s).")
                % {"value": _number(self.doses_per_person)}
            )
        if not self.baseline_doses_per_day >= 0 or math.isinf(self.baseline_doses_per_day):
            raise SeriesError(
                _("The baseline vaccination pace must be 0 or more doses a day (it is %(value)s).")
                % {"value": _number(self.baseline_doses_per_day)}
            )

    @property
    def generation_interval(self) -> float:
        """The model's mean generation interval (days from infection to onward infection): L + D."""
        return self.latent_period + self.infectious_period


@dataclass
class StartingState:
    """The place as observed up to `day`: `recent_cases` are the reported daily cases of the last 14 days or more,
    the last one on `day`; `rt` is the current effective reproduction number."""

    day: date
    population: int
    recent_cases: np.ndarray
    cumulative_cases: int
    fully_vaccinated: int
    rt: float


@dataclass(frozen=True)
class Compartments:
    unvaccinated_susceptible: float
    vaccinated_susceptible: float
    exposed: float
    infectious: float
    recovered: float
    vaccinated: float

    @property
    def susceptible(self) -> float:
        return self.unvaccinated_susceptible + self.vaccinated_susceptible

    @property
    def total(self) -> float:
        return self.susceptible + self.exposed + self.infectious + self.recovered + self.vaccinated


@dataclass
class ScenarioRun:
    """One scenario day by day, from the day after the starting state's day to the horizon's end. Arrays hold one
    value a day: flows (reported cases, new infections) over the day, compartments and R_eff at its end.
    `susceptible` is Su + Sv; `vaccinated` is V, the people the vaccine protects (not everyone vaccinated)."""

    days: list[date]
    reported_cases: np.ndarray
    infections: np.ndarray
    susceptible: np.ndarray
    exposed: np.ndarray
    infectious: np.ndarray
    recovered: np.ndarray
    vaccinated: np.ndarray
    r_effective: np.ndarray
    interventions: list[Intervention] = field(default_factory=list)
    start: Compartments | None = None
    beta: float = 0.0

    def rows(self) -> list[dict]:
        """One row a day, for a table or an export."""
        return [
            {
                "date": day,
                "reported_cases": float(self.reported_cases[n]),
                "infections": float(self.infections[n]),
                "susceptible": float(self.susceptible[n]),
                "exposed": float(self.exposed[n]),
                "infectious": float(self.infectious[n]),
                "recovered": float(self.recovered[n]),
                "vaccinated": float(self.vaccinated[n]),
                "r_effective": float(self.r_effective[n]),
            }
            for n, day in enumerate(self.days)
        ]


def starting_compartments(state: StartingState, parameters: ScenarioParameters) -> Compartments:
    """The compartments on the starting state's day, from its reported cases (see the module's description)."""
    _check_state(state)
    population = float(state.population)
    recent = np.asarray(state.recent_cases, dtype=float)
    found = parameters.ascertainment
    exposed = _trailing_sum(recent, parameters.latent_period) / found
    infectious = _trailing_sum(recent, parameters.infectious_period) / found
    recovered = max(state.cumulative_cases / found - infectious, 0.0)
    infected = exposed + infectious + recovered
    if infected > population:
        raise SeriesError(
            _(
                "With %(share)s of infections reported, the reported cases stand for %(infections)s infections, more "
                "than the population of %(population)s: the share reported is too low for this place."
            )
            % {
                "share": _percent(found),
                "infections": _number(round(infected)),
                "population": _number(state.population),
            }
        )
    never_infected = population - infected
    vaccinated_never_infected = state.fully_vaccinated * never_infected / population
    protected = vaccinated_never_infected * parameters.vaccine_effectiveness
    return Compartments(
        unvaccinated_susceptible=never_infected - vaccinated_never_infected,
        vaccinated_susceptible=vaccinated_never_infected - protected,
        exposed=exposed,
        infectious=infectious,
        recovered=recovered,
        vaccinated=protected,
    )


def check_interventions(
    state: StartingState, parameters: ScenarioParameters, interventions: list[Intervention], horizon_days: int
) -> None:
    """Each intervention inside the horizon, of a known kind, with a change the model can take; SeriesError names
    the first one that is not."""
    _check_horizon(horizon_days)
    first, last = state.day + timedelta(days=1), state.day + timedelta(days=horizon_days)
    for intervention in interventions:
        name = intervention.name
        if intervention.kind not in KINDS:
            raise SeriesError(
                _("%(kind)s is not a kind of intervention: the kinds are contacts, testing and vaccination.")
                % {"kind": intervention.kind}
            )
        if not first <= intervention.starts_on <= last:
            raise SeriesError(
                _(
                    "%(name)s starts on %(start)s, outside the model's horizon: interventions can start from %(first)s "
                    "to %(last)s."
                )
                % {"name": name, "start": _day(intervention.starts_on), "first": _day(first), "last": _day(last)}
            )
        if intervention.ends_on is not None and intervention.ends_on < intervention.starts_on:
            raise SeriesError(
                _("%(name)s ends on %(end)s, before it starts on %(start)s.")
                % {"name": name, "end": _day(intervention.ends_on), "start": _day(intervention.starts_on)}
            )
        change = intervention.change
        if not math.isfinite(change):
            raise SeriesError(_("%(name)s has no number for its change.") % {"name": name})
        if intervention.kind == CONTACTS and change <= -1:
            raise SeriesError(
                _("%(name)s changes contacts by %(change)s: contacts cannot be cut by 100 percent or more.")
                % {"name": name, "change": _percent(change)}
            )
        if intervention.kind == TESTING:
            if change <= -1:
                raise SeriesError(
                    _(
                        "%(name)s changes the share of infections found by %(change)s: a fall of 100 percent or more "
                        "would find none."
                    )
                    % {"name": name, "change": _percent(change)}
                )
            share = parameters.ascertainment * (1 + change)
            if share > 1:
                raise SeriesError(
                    _(
                        "%(name)s would find %(share)s of infections (%(change)s more than the %(now)s found now): "
                        "no more than all of them can be found."
                    )
                    % {
                        "name": name,
                        "share": _percent(share),
                        "change": _percent(change),
                        "now": _percent(parameters.ascertainment),
                    }
                )
        if intervention.kind == VACCINATION and change < 0:
            raise SeriesError(
                _("%(name)s gives %(doses)s doses a day: the pace cannot be negative.")
                % {"name": name, "doses": _number(change)}
            )


def run_scenario(
    state: StartingState,
    parameters: ScenarioParameters,
    interventions: list[Intervention],
    horizon_days: int,
) -> ScenarioRun:
    """The scenario from the day after `state.day` for `horizon_days` days."""
    start = starting_compartments(state, parameters)
    check_interventions(state, parameters, interventions, horizon_days)
    population = float(state.population)
    if start.susceptible <= 0:
        raise SeriesError(_("No one is left susceptible: the model cannot be matched to the current Rt."))
    beta = state.rt / (parameters.infectious_period * start.susceptible / population)
    contacts, found, doses = _controls(state, parameters, interventions, horizon_days)
    isolation = parameters.isolation_effect
    transmission = contacts * (1 - isolation * found) / (1 - isolation * parameters.ascertainment)
    people_per_day = doses / parameters.doses_per_person

    substeps = max(SUBSTEPS, math.ceil(4 / min(parameters.latent_period, parameters.infectious_period)))
    dt = 1.0 / substeps
    onset_probability = dt / parameters.latent_period  # at most 1/4: a stage lasts L (or D) on average, exactly
    recovery_probability = dt / parameters.infectious_period
    effectiveness = parameters.vaccine_effectiveness
    su, sv = start.unvaccinated_susceptible, start.vaccinated_susceptible
    e, i, r, v = start.exposed, start.infectious, start.recovered, start.vaccinated
    days = horizon_days
    out = np.empty((8, days))
    for d, (rate_factor, dose_people) in enumerate(zip(transmission.tolist(), people_per_day.tolist(), strict=True)):
        rate = beta * rate_factor / population * dt
        step_vaccinated = dose_people * dt
        infected_today = onsets_today = 0.0
        for _step in range(substeps):
            infection_probability = -math.expm1(-rate * i)
            new_u, new_v = su * infection_probability, sv * infection_probability
            onsets, recoveries = e * onset_probability, i * recovery_probability
            su -= new_u
            sv -= new_v
            e += new_u + new_v - onsets
            i += onsets - recoveries
            r += recoveries
            vaccinated_now = min(step_vaccinated, su)
            su -= vaccinated_now
            v += vaccinated_now * effectiveness
            sv += vaccinated_now * (1 - effectiveness)
            infected_today += new_u + new_v
            onsets_today += onsets
        susceptible = su + sv
        out[:, d] = (
            found[d] * onsets_today,
            infected_today,
            susceptible,
            e,
            i,
            r,
            v,
            beta * rate_factor * parameters.infectious_period * susceptible / population,
        )
    return ScenarioRun(
        days=[state.day + timedelta(days=n) for n in range(1, days + 1)],
        reported_cases=out[0],
        infections=out[1],
        susceptible=out[2],
        exposed=out[3],
        infectious=out[4],
        recovered=out[5],
        vaccinated=out[6],
        r_effective=out[7],
        interventions=list(interventions),
        start=start,
        beta=beta,
    )


def compare(
    state: StartingState,
    parameters: ScenarioParameters,
    scenarios: dict[str, list[Intervention]],
    horizon_days: int,
) -> dict[str, ScenarioRun]:
    """The baseline (no interventions, under the key "baseline") and each named scenario, all from the same start."""
    if scenarios.get(BASELINE):
        raise SeriesError(
            _("The name %(name)s is kept for the run without interventions: give the scenario another name.")
            % {"name": BASELINE}
        )
    for interventions in scenarios.values():
        check_interventions(state, parameters, interventions, horizon_days)
    runs = {BASELINE: run_scenario(state, parameters, [], horizon_days)}
    for name, interventions in scenarios.items():
        if name != BASELINE:
            runs[name] = run_scenario(state, parameters, interventions, horizon_days)
    return runs


def _controls(
    state: StartingState, parameters: ScenarioParameters, interventions: list[Intervention], horizon_days: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Day by day over the horizon: the contacts factor, the share of infections found and the doses a day."""
    contacts = np.ones(horizon_days)
    testing = np.ones(horizon_days)
    doses = np.full(horizon_days, float(parameters.baseline_doses_per_day))
    vaccination_days = np.zeros(horizon_days, dtype=bool)
    campaign_doses = np.zeros(horizon_days)
    for intervention in interventions:
        first = (intervention.starts_on - state.day).days - 1
        last = horizon_days
        if intervention.ends_on is not None:
            last = min((intervention.ends_on - state.day).days, horizon_days)
        running = slice(first, last)
        if intervention.kind == CONTACTS:
            contacts[running] *= 1 + intervention.change
        elif intervention.kind == TESTING:
            testing[running] *= 1 + intervention.change
        else:
            vaccination_days[running] = True
            campaign_doses[running] += intervention.change
    doses[vaccination_days] = campaign_doses[vaccination_days]
    found = parameters.ascertainment * testing
    if np.any(found > 1):
        day = state.day + timedelta(days=int(np.argmax(found > 1)) + 1)
        raise SeriesError(
            _(
                "On %(day)s the testing changes together would find %(share)s of infections: no more than all of them "
                "can be found."
            )
            % {"day": _day(day), "share": _percent(float(found.max()))}
        )
    return contacts, found, doses


def _check_horizon(horizon_days: int) -> None:
    if not 1 <= horizon_days <= MAX_HORIZON_DAYS:
        raise SeriesError(
            _("The horizon is %(days)s days: it must be from 1 to %(max)s days.")
            % {"days": horizon_days, "max": MAX_HORIZON_DAYS}
        )


def _check_state(state: StartingState) -> None:
    if not state.population > 0:
        raise SeriesError(
            _("The population must be more than 0 (it is %(population)s).") % {"population": _number(state.population)}
        )
    recent = np.asarray(state.recent_cases, dtype=float)
    if recent.ndim != 1 or len(recent) < MIN_RECENT_DAYS:
        raise SeriesError(
            _("The starting state has %(days)s days of reported cases: at least %(needed)s are needed.")
            % {"days": recent.size, "needed": MIN_RECENT_DAYS}
        )
    if np.any(np.isnan(recent)) or np.any(recent < 0):
        raise SeriesError(_("Counts must be 0 or more."))
    if state.cumulative_cases < recent.sum():
        raise SeriesError(
            _(
                "The cumulative count of cases (%(cumulative)s) is smaller than the cases reported in the last "
                "%(days)s days (%(recent)s)."
            )
            % {
                "cumulative": _number(state.cumulative_cases),
                "days": len(recent),
                "recent": _number(round(recent.sum())),
            }
        )
    if not 0 <= state.fully_vaccinated <= state.population:
        raise SeriesError(
            _("The fully vaccinated people (%(vaccinated)s) must be from 0 to the population (%(population)s).")
            % {"vaccinated": _number(state.fully_vaccinated), "population": _number(state.population)}
        )
    if not (math.isfinite(state.rt) and state.rt > 0):
        raise SeriesError(_("Rt must be a number more than 0 (it is %(rt)s).") % {"rt": _number(state.rt)})


def _trailing_sum(values: np.ndarray, days: float) -> float:
    """The sum over the last `days` days (a fraction of a day takes that share of the earliest day counted)."""
    whole = int(days)
    total = float(values[len(values) - whole :].sum()) if whole else 0.0
    part = days - whole
    if part:
        total += part * float(values[-whole - 1])
    return total


def _day(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _number(value: float) -> str:
    """24.266 and 2,5, as numbers are written in Vietnamese."""
    if not math.isfinite(value):
        return str(value)
    if value == int(value):
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.2f}".rstrip("0").translate(str.maketrans(",.", ".,"))


def _percent(share: float) -> str:
    return f"{_number(round(share * 100, 1))} %"
