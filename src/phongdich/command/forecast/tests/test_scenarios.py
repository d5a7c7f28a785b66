"""The scenario engine on a made-up province: 2.4 million people, 300 reported cases a day for the last two
weeks, observed up to 8/7/2021 (a fixed day far from today: nothing here reads the clock)."""

from datetime import date, timedelta

import numpy as np
import pytest

from phongdich.command.forecast.scenarios import (
    BASELINE,
    Intervention,
    ScenarioParameters,
    StartingState,
    compare,
    run_scenario,
    starting_compartments,
)
from phongdich.command.forecast.series import SeriesError

OBSERVED = date(2021, 7, 8)
FIRST = OBSERVED + timedelta(days=1)
POPULATION = 2_400_000
PARAMETERS = ScenarioParameters()


def state(rt=1.0, *, cases=300.0, days=14, cumulative=20_000, vaccinated=100_000, population=POPULATION, **changes):
    return StartingState(
        day=changes.get("day", OBSERVED),
        population=population,
        recent_cases=np.full(days, cases),
        cumulative_cases=cumulative,
        fully_vaccinated=vaccinated,
        rt=rt,
    )


def on(day: date) -> int:
    """The index of `day` in a run's arrays."""
    return (day - FIRST).days


def distancing(starts_on=FIRST + timedelta(days=7), ends_on=None, change=-0.4):
    return Intervention("contacts", starts_on, ends_on, change, label="Giãn cách xã hội")


def compartments(run):
    return np.vstack([run.susceptible, run.exposed, run.infectious, run.recovered, run.vaccinated])


# The starting state


def test_the_starting_state_counts_infections_as_reported_cases_over_the_share_reported():
    start = starting_compartments(state(cases=300.0, cumulative=20_000, vaccinated=0), PARAMETERS)
    infections_a_day = 300 / 0.3
    assert start.exposed == pytest.approx(infections_a_day * 2.0)  # the last 2 days
    assert start.infectious == pytest.approx(infections_a_day * 2.7)  # the last 2 days and 0.7 of the one before
    assert start.recovered == pytest.approx(20_000 / 0.3 - infections_a_day * 2.7)
    assert start.vaccinated == 0
    assert start.total == pytest.approx(POPULATION)


def test_vaccinated_people_are_protected_by_the_vaccine_s_effectiveness_counting_those_already_infected_apart():
    start = starting_compartments(state(vaccinated=600_000), PARAMETERS)
    infected = start.exposed + start.infectious + start.recovered
    never_infected_share = (POPULATION - infected) / POPULATION
    assert start.vaccinated == pytest.approx(600_000 * never_infected_share * 0.6)
    assert start.vaccinated_susceptible == pytest.approx(600_000 * never_infected_share * 0.4)
    assert start.total == pytest.approx(POPULATION)


# The baseline follows the current Rt


def test_the_effective_r_on_the_first_day_equals_the_given_rt():
    for rt in (0.6, 1.0, 1.4, 2.5):
        for vaccinated in (0, 900_000):
            run = run_scenario(state(rt, vaccinated=vaccinated, cumulative=200_000), PARAMETERS, [], 30)
            assert run.r_effective[0] == pytest.approx(rt, rel=0.01)


def test_with_rt_of_one_and_no_interventions_reported_cases_stay_near_flat_for_two_weeks():
    run = run_scenario(state(1.0), PARAMETERS, [], 180)
    assert np.all(np.abs(run.reported_cases[:14] / 300 - 1) < 0.15)


def test_with_rt_above_one_cases_grow_and_below_one_they_decline():
    growing = run_scenario(state(1.3), PARAMETERS, [], 28).reported_cases
    declining = run_scenario(state(0.7), PARAMETERS, [], 28).reported_cases
    assert np.all(np.diff(growing) > 0)
    assert growing[13] > 1.5 * 300
    assert np.all(np.diff(declining) < 0)
    assert declining[13] < 0.6 * 300


def test_a_growing_epidemic_peaks_and_ends_as_people_become_immune():
    run = run_scenario(state(1.5), PARAMETERS, [], 365)
    peak = int(np.argmax(run.reported_cases))
    assert 0 < peak < 364
    assert run.r_effective[peak + 30] < 1
    assert run.reported_cases[-1] < run.reported_cases[peak] / 10


# Interventions


def test_a_forty_percent_contact_cut_lowers_cases_after_its_start_and_leaves_the_days_before_it_unchanged():
    starts = FIRST + timedelta(days=7)
    baseline = run_scenario(state(1.2), PARAMETERS, [], 60)
    cut = run_scenario(state(1.2), PARAMETERS, [distancing(starts)], 60)
    before, after = slice(0, on(starts)), slice(on(starts), None)
    assert np.array_equal(cut.reported_cases[before], baseline.reported_cases[before])
    assert np.array_equal(cut.infections[before], baseline.infections[before])
    assert np.all(cut.infections[after] < baseline.infections[after])
    assert np.all(cut.reported_cases[after] < baseline.reported_cases[after])
    assert cut.r_effective[on(starts)] == pytest.approx(0.6 * baseline.r_effective[on(starts)], rel=0.01)


def test_a_contact_cut_with_an_end_date_runs_from_its_first_to_its_last_day_included():
    starts, ends = FIRST + timedelta(days=10), FIRST + timedelta(days=20)
    run = run_scenario(state(1.2), PARAMETERS, [distancing(starts, ends)], 40)
    factor = run.r_effective * POPULATION / run.susceptible / (run.beta * PARAMETERS.infectious_period)
    expected = np.ones(40)
    expected[on(starts) : on(ends) + 1] = 0.6
    assert factor == pytest.approx(expected)


def test_overlapping_contact_changes_multiply():
    both = [distancing(change=-0.5), distancing(change=-0.2)]
    run = run_scenario(state(1.2), PARAMETERS, both, 30)
    day = on(FIRST + timedelta(days=7))
    factor = run.r_effective[day] * POPULATION / run.susceptible[day] / (run.beta * PARAMETERS.infectious_period)
    assert factor == pytest.approx(0.5 * 0.8)


def test_a_faster_vaccination_pace_lowers_infections_over_180_days():
    parameters = ScenarioParameters(baseline_doses_per_day=5_000)
    campaign = Intervention("vaccination", FIRST + timedelta(days=14), None, 50_000, label="Chiến dịch tiêm chủng")
    baseline = run_scenario(state(1.3), parameters, [], 180)
    faster = run_scenario(state(1.3), parameters, [campaign], 180)
    assert faster.infections.sum() < 0.8 * baseline.infections.sum()
    assert faster.vaccinated[-1] > baseline.vaccinated[-1]
    assert np.array_equal(faster.vaccinated[: on(campaign.starts_on)], baseline.vaccinated[: on(campaign.starts_on)])


def test_a_vaccination_pace_replaces_the_baseline_pace_while_it_runs():
    parameters = ScenarioParameters(baseline_doses_per_day=20_000)
    starts, ends = FIRST + timedelta(days=5), FIRST + timedelta(days=9)
    pause = Intervention("vaccination", starts, ends, 0, label="Tạm dừng tiêm")
    run = run_scenario(state(1.0), parameters, [pause], 20)
    protected_a_day = np.diff(run.vaccinated)
    assert protected_a_day[on(starts) : on(ends)] == pytest.approx(0, abs=1e-9)
    assert protected_a_day[on(ends) + 1] == pytest.approx(20_000 / 2 * 0.6)
    assert protected_a_day[0] == pytest.approx(20_000 / 2 * 0.6)


def test_vaccination_stops_when_no_unvaccinated_susceptible_person_is_left():
    small = state(1.2, population=50_000, cases=10, cumulative=1_000, vaccinated=0)
    run = run_scenario(small, ScenarioParameters(baseline_doses_per_day=20_000), [], 30)
    assert run.vaccinated[-1] <= 50_000 * 0.6 + 1e-6
    assert run.vaccinated[-1] == pytest.approx(run.vaccinated[-2])


def test_finding_30_percent_more_cases_raises_reported_cases_on_its_first_day_while_infections_fall():
    starts = FIRST + timedelta(days=7)
    testing = Intervention("testing", starts, None, 0.3, label="Xét nghiệm mở rộng")
    baseline = run_scenario(state(1.2), PARAMETERS, [], 90)
    more = run_scenario(state(1.2), PARAMETERS, [testing], 90)
    first = on(starts)
    # Found on the day testing grows: 30 % more of nearly the same onsets.
    assert 1.25 < more.reported_cases[first] / baseline.reported_cases[first] <= 1.3
    # Isolating the extra cases found lowers transmission: (1 − 0.5 × 0.39) / (1 − 0.5 × 0.3).
    assert more.r_effective[first] / baseline.r_effective[first] == pytest.approx(0.805 / 0.85, rel=1e-3)
    assert np.all(more.infections[first:] < baseline.infections[first:])
    # So the gain in reported cases shrinks as fewer infections happen, and within the three months fewer cases are
    # reported than without the change: more are found, of fewer infections.
    ratio = more.reported_cases[first:] / baseline.reported_cases[first:]
    assert np.all(np.diff(ratio[:28]) < 0)
    assert ratio.min() < 1


def test_compartments_always_add_up_to_the_population_and_never_go_negative():
    campaign = Intervention("vaccination", FIRST, None, 200_000, label="Tiêm thần tốc")
    scenarios = {
        "giãn cách": [distancing(FIRST, change=-0.9)],
        "tiêm chủng": [campaign],
        "mở cửa": [distancing(FIRST + timedelta(days=30), change=1.5)],
    }
    for start in (state(1.6, vaccinated=0), state(0.8, vaccinated=2_000_000, cumulative=150_000)):
        for run in compare(start, ScenarioParameters(baseline_doses_per_day=10_000), scenarios, 365).values():
            totals = compartments(run).sum(axis=0)
            assert np.all(np.abs(totals / POPULATION - 1) < 1e-6)
            assert np.all(compartments(run) >= 0)
            assert np.all(run.reported_cases >= 0)
            assert np.all(run.infections >= 0)


def test_compare_runs_the_baseline_without_interventions_and_each_scenario_from_the_same_start():
    starts = FIRST + timedelta(days=7)
    runs = compare(state(1.2), PARAMETERS, {"Giãn cách 40%": [distancing(starts)]}, 60)
    assert list(runs) == [BASELINE, "Giãn cách 40%"]
    assert runs[BASELINE].interventions == []
    assert runs["Giãn cách 40%"].interventions == [distancing(starts)]
    assert np.array_equal(runs[BASELINE].reported_cases, run_scenario(state(1.2), PARAMETERS, [], 60).reported_cases)
    assert runs[BASELINE].days == [FIRST + timedelta(days=n) for n in range(60)]


def test_a_run_s_rows_give_each_day_with_its_figures():
    run = run_scenario(state(1.1), PARAMETERS, [], 3)
    rows = run.rows()
    assert [row["date"] for row in rows] == [date(2021, 7, 9), date(2021, 7, 10), date(2021, 7, 11)]
    assert rows[2]["reported_cases"] == run.reported_cases[2]
    assert rows[0]["r_effective"] == pytest.approx(1.1, rel=0.01)


# Bad input


LAST = OBSERVED + timedelta(days=30)


@pytest.mark.parametrize(
    ("intervention", "named"),
    [
        (distancing(starts_on=OBSERVED), ["Giãn cách xã hội", "08/07/2021", "09/07/2021", "07/08/2021"]),
        (distancing(starts_on=LAST + timedelta(days=1)), ["Giãn cách xã hội", "08/08/2021", "07/08/2021"]),
        (distancing(FIRST + timedelta(days=5), FIRST + timedelta(days=4)), ["13/07/2021", "14/07/2021"]),
        (Intervention("lockdown", FIRST, None, -0.5), ["lockdown"]),
        (distancing(change=-1.0), ["Giãn cách xã hội", "-100 %"]),
        (distancing(change=float("nan")), ["Giãn cách xã hội"]),
        (Intervention("testing", FIRST, None, 2.5, label="Xét nghiệm toàn dân"), ["Xét nghiệm toàn dân", "105 %"]),
        (Intervention("testing", FIRST, None, -1.0, label="Ngừng xét nghiệm"), ["Ngừng xét nghiệm"]),
        (Intervention("vaccination", FIRST, None, -100, label="Tiêm chủng"), ["Tiêm chủng", "-100"]),
    ],
)
def test_an_intervention_the_model_cannot_take_is_refused_by_name(intervention, named):
    with pytest.raises(SeriesError) as refused:
        run_scenario(state(), PARAMETERS, [intervention], 30)
    for text in named:
        assert text in str(refused.value)


def test_testing_changes_that_together_would_find_more_than_every_infection_are_refused_naming_the_day():
    starts = FIRST + timedelta(days=3)
    together = [
        Intervention("testing", FIRST, None, 1.0, label="Xét nghiệm"),
        Intervention("testing", starts, None, 1.0, label="Xét nghiệm thêm"),
    ]
    with pytest.raises(SeriesError) as refused:
        run_scenario(state(), PARAMETERS, together, 30)
    assert "12/07/2021" in str(refused.value)
    assert "120 %" in str(refused.value)


def test_an_intervention_may_end_after_the_horizon():
    run = run_scenario(state(), PARAMETERS, [distancing(ends_on=LAST + timedelta(days=100))], 30)
    assert len(run.days) == 30


@pytest.mark.parametrize("horizon", [0, 366, -5])
def test_a_horizon_outside_one_to_365_days_is_refused(horizon):
    with pytest.raises(SeriesError) as refused:
        run_scenario(state(), PARAMETERS, [], horizon)
    assert str(horizon) in str(refused.value)


@pytest.mark.parametrize(
    ("start", "named"),
    [
        (state(population=0, vaccinated=0), ["0"]),
        (state(days=13), ["13", "14"]),
        (state(cumulative=1_000), ["1.000", "4.200"]),
        (state(vaccinated=POPULATION + 1), ["2.400.001", "2.400.000"]),
        (state(rt=0.0), ["0"]),
        (state(rt=float("nan")), ["nan"]),
        (state(cumulative=800_000), ["2.400.000"]),
    ],
)
def test_a_starting_state_the_model_cannot_start_from_is_refused(start, named):
    with pytest.raises(SeriesError) as refused:
        run_scenario(start, PARAMETERS, [], 30)
    for text in named:
        assert text in str(refused.value)


def test_negative_reported_cases_are_refused():
    start = state()
    start.recent_cases[3] = -1
    with pytest.raises(SeriesError):
        run_scenario(start, PARAMETERS, [], 30)


@pytest.mark.parametrize(
    "changes",
    [
        {"latent_period": 0},
        {"infectious_period": -2},
        {"infectious_period": 20},
        {"ascertainment": 0},
        {"ascertainment": 1.2},
        {"vaccine_effectiveness": 1.1},
        {"isolation_effect": -0.1},
        {"doses_per_person": 0},
        {"baseline_doses_per_day": -1},
    ],
)
def test_parameters_outside_their_range_are_refused(changes):
    with pytest.raises(SeriesError):
        ScenarioParameters(**changes)


def test_the_baseline_s_name_cannot_be_given_to_a_scenario_with_interventions():
    with pytest.raises(SeriesError) as refused:
        compare(state(), PARAMETERS, {BASELINE: [distancing()]}, 30)
    assert BASELINE in str(refused.value)
