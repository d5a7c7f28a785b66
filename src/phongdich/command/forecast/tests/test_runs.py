"""Forecast runs on the platform's own cases: the incidence they read, what a run stores, the nightly runs."""

from datetime import date, datetime, time, timedelta

import numpy as np
import pytest
from django.utils import timezone

from phongdich.core import clock
from phongdich.core.testing import unit

from ...choices import ForecastStatus, IncidenceSource
from ...models import ForecastRun
from ..runs import forecast_compute, forecast_execute, forecasts_nightly, incidence_for
from .outbreak import DAYS, a_done_forecast, an_outbreak

pytestmark = pytest.mark.django_db


def test_the_incidence_counts_cases_by_onset_where_known_else_by_the_day_they_were_confirmed(world):
    counts = an_outbreak("25963")  # a commune where the test world has no case of its own
    yesterday = clock.today() - timedelta(days=1)
    incidence = incidence_for(unit("25963"), yesterday, days=60)
    expected = np.zeros(60)
    for offset, count in enumerate(counts):
        day_index = 60 - DAYS + offset
        with_onset = count - len(range(0, count, 3))
        expected[day_index] += count - with_onset
        expected[day_index - 2] += with_onset
    assert incidence.left_out == 2  # onset two days before confirmation
    assert incidence.series.end == yesterday - timedelta(days=2)
    assert incidence.series.counts.tolist() == expected[:-2].tolist()
    assert incidence.source == IncidenceSource.ONSET
    assert incidence.onset_share == pytest.approx(sum(c - len(range(0, c, 3)) for c in counts) / sum(counts))


def test_the_incidence_of_a_district_includes_its_communes_and_not_another_districts(world):
    counts = an_outbreak("25966")
    yesterday = clock.today() - timedelta(days=1)
    thuan_an, thu_dau_mot = unit("25966").parent, unit("25741").parent
    in_thuan_an = incidence_for(thuan_an, yesterday).series.counts.sum()
    assert in_thuan_an == incidence_for(unit("25966"), yesterday).series.counts.sum() + _others(thuan_an, "25966")
    assert in_thuan_an >= sum(counts[:-2])  # less the cases whose onset falls on the days left out
    assert incidence_for(thu_dau_mot, yesterday).series.counts.sum() == _others(thu_dau_mot, "")


def _others(district, but: str) -> int:
    """The world's own cases in the district's other communes over the last year."""
    from phongdich.surveillance.models import Case

    cases = Case.objects.filter(unit__path__startswith=district.path).exclude(status="ruled_out")
    if but:
        cases = cases.exclude(unit__path__startswith=unit(but).path)
    return cases.filter(confirmed_at__date__gte=clock.today() - timedelta(days=366)).count()


def test_a_run_stores_its_inputs_rt_projection_demand_and_backtest(world):
    an_outbreak()
    run = a_done_forecast()
    assert run.status == ForecastStatus.DONE and run.seconds > 0
    assert run.inputs["source"] == "onset" and len(run.inputs["counts"]) == 365 - 2
    assert run.inputs["serial_interval"] == {"mean": 4.7, "sd": 2.9}
    last = run.results["rt"][-1]
    assert last["reliable"] and last["date"] == (clock.today() - timedelta(days=3)).isoformat()
    assert 1.2 < last["mean"] < 2.0  # a tenth more a day over a 4.7-day interval: about 1.55
    assert [row["days"] for row in run.results["totals"]] == [7, 14, 28]
    assert len(run.results["projection"]) == 28
    assert [tier["tier"] for tier in run.results["demand"]["tiers"]] == [1, 2, 3]
    assert [score["horizon"] for score in run.results["backtest"]] == [7, 14, 28]


def test_a_stored_run_computes_again_to_the_same_numbers_from_its_inputs(world):
    from ..demand import Capacity
    from ..runs import Incidence
    from ..series import DailySeries

    an_outbreak()
    run = a_done_forecast()
    inputs = run.inputs
    start = date.fromisoformat(inputs["start"])
    incidence = Incidence(DailySeries(start, np.array(inputs["counts"], dtype=float)), "onset", 0.0)
    capacity = Capacity(
        beds={int(k): v for k, v in inputs["capacity"]["beds"].items()},
        icu_beds=inputs["capacity"]["icu_beds"],
        in_beds={int(k): v for k, v in inputs["capacity"]["in_beds"].items()},
        in_icu=inputs["capacity"]["in_icu"],
    )
    again = forecast_compute(incidence, run.assumptions, capacity)
    assert again["projection"] == run.results["projection"]
    assert again["rt"] == run.results["rt"]


def test_a_run_of_a_unit_without_recent_cases_says_so_instead_of_projecting(world):
    run = a_done_forecast("25741")
    assert run.status == ForecastStatus.DONE
    assert run.results["projection"] == [] and "28" in run.results["note"]


def test_executing_a_run_again_after_it_is_done_changes_nothing(world):
    an_outbreak()
    run = a_done_forecast()
    finished = run.finished_at
    forecast_execute(run.pk)
    run.refresh_from_db()
    assert run.finished_at == finished


def test_the_nightly_task_runs_the_province_and_each_district_once_a_night(world):
    midnight = timezone.make_aware(datetime.combine(clock.today(), time()))
    assert forecasts_nightly(midnight + timedelta(hours=1)) == 0
    first = forecasts_nightly(midnight + timedelta(hours=2, minutes=5))
    assert first == ForecastRun.objects.count() == 1 + unit("74").children.count()
    assert forecasts_nightly(midnight + timedelta(hours=3, minutes=5)) == 0
    assert set(ForecastRun.objects.values_list("status", flat=True)) == {ForecastStatus.DONE}
    assert set(ForecastRun.objects.values_list("day", flat=True)) == {clock.today() - timedelta(days=1)}


def test_a_run_the_workers_give_up_is_marked_failed_and_no_longer_awaited(world):
    from ..runs import forecast_gave_up
    from ..selectors import pending_run

    run = ForecastRun.objects.create(unit=unit("25966"), day=clock.today() - timedelta(days=1), trigger="on_demand")
    assert pending_run(unit("25966")) == run
    forecast_gave_up(run.pk, error="MemoryError")
    run.refresh_from_db()
    assert (run.status, run.error) == (ForecastStatus.FAILED, "MemoryError")
    assert pending_run(unit("25966")) is None
