"""Rt by the method of Cori et al.: by hand on small series, against EpiEstim's own numbers, and on a simulated
epidemic whose R is known."""

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from phongdich.command.forecast.rt import estimate_rt
from phongdich.command.forecast.serial import SerialInterval
from phongdich.command.forecast.series import SeriesError

REFERENCE = Path(__file__).with_name("epiestim_reference.json")
NISHIURA = SerialInterval(4.7, 2.9, "Nishiura et al. 2020")


def by_hand(counts: list[float], serial: SerialInterval, end: int) -> tuple[float, float]:
    """The posterior mean and SD for the 7-day window ending on day `end`, written out term by term."""
    w = serial.weights(len(counts))
    local = [0.0, *counts[1:]]
    lam = [sum(w[k] * counts[t - k] for k in range(1, t + 1)) for t in range(len(counts))]
    shape = 1 + sum(local[end - 6 : end + 1])
    scale = 1 / (1 / 5 + sum(lam[end - 6 : end + 1]))
    return shape * scale, shape**0.5 * scale


def test_a_window_without_new_cases_after_ten_imported_ones_gives_the_prior_shrunk_by_their_infectivity():
    counts = [10.0, 0, 0, 0, 0, 0, 0, 0]
    estimate = estimate_rt(np.array(counts), NISHIURA).rows()[0]
    weights = NISHIURA.weights(8)
    assert estimate["index"] == 7
    assert estimate["mean"] == pytest.approx(1 / (1 / 5 + 10 * weights[1:8].sum()))
    assert not estimate["reliable"]


def test_each_window_is_the_gamma_posterior_written_out_by_hand():
    counts = [3.0, 5, 4, 8, 9, 12, 10, 15, 19, 22, 20, 31, 28, 35]
    for row in estimate_rt(np.array(counts), NISHIURA).rows():
        mean, sd = by_hand(counts, NISHIURA, row["index"])
        assert row["mean"] == pytest.approx(mean, rel=1e-9)
        assert row["sd"] == pytest.approx(sd, rel=1e-9)
        assert row["lower"] < row["median"] < row["upper"]


def test_the_discretised_serial_interval_is_a_distribution_with_the_given_mean():
    weights = NISHIURA.weights(200)
    assert weights[0] == 0
    assert weights.sum() == pytest.approx(1, abs=1e-6)
    assert NISHIURA.discretised_mean(200) == pytest.approx(4.7, abs=0.01)


@pytest.mark.parametrize(
    "case", json.loads(REFERENCE.read_text()), ids=lambda case: f"{case['series']}-{case['si_mean']}"
)
def test_the_estimates_agree_with_epiestim_within_a_millionth(case):
    serial = SerialInterval(case["si_mean"], case["si_sd"])
    estimates = estimate_rt(np.array(case["counts"], dtype=float), serial)
    ours = {row["index"] + 1: row for row in estimates.rows()}  # EpiEstim counts days from 1
    compared = 0
    for n, t_end in enumerate(case["t_end"]):
        if case["mean"][n] is None:
            assert t_end not in ours
            continue
        for key in ("mean", "sd", "lower", "median", "upper"):
            assert ours[t_end][key] == pytest.approx(case[key][n], rel=1e-6), (t_end, key)
        compared += 1
    assert compared >= 10


@pytest.mark.skipif(not shutil.which("Rscript"), reason="R is not installed")
def test_the_reference_file_is_what_epiestim_computes_today(tmp_path):
    binh_duong = next(case["counts"] for case in json.loads(REFERENCE.read_text()) if case["series"] == "binh_duong")
    counts = tmp_path / "binh_duong.txt"
    counts.write_text("".join(f"{int(n)}\n" for n in binh_duong))
    fresh = tmp_path / "reference.json"
    script = Path(__file__).parents[5] / "scripts" / "epiestim-reference.R"
    run = subprocess.run(["Rscript", str(script), str(fresh), str(counts)], capture_output=True, text=True)
    if "there is no package called" in run.stderr:
        pytest.skip("EpiEstim is not installed")
    assert run.returncode == 0, run.stderr
    for computed, stored in zip(json.loads(fresh.read_text()), json.loads(REFERENCE.read_text()), strict=True):
        assert computed.keys() == stored.keys()
        for key in ("mean", "upper"):
            assert [v is None for v in computed[key]] == [v is None for v in stored[key]]
            assert [v for v in computed[key] if v is not None] == pytest.approx(
                [v for v in stored[key] if v is not None]
            )


def test_a_simulated_epidemic_with_a_known_r_is_recovered_within_the_credible_interval():
    rng = np.random.default_rng(2021)
    weights = NISHIURA.weights(120)
    true_r = np.where(np.arange(120) < 60, 1.6, 0.8)
    counts = np.zeros(120)
    counts[0] = 20
    for t in range(1, 120):
        counts[t] = rng.poisson(true_r[t] * sum(weights[k] * counts[t - k] for k in range(1, t + 1)))
    rows = [row for row in estimate_rt(counts, NISHIURA).rows() if row["reliable"]]
    steady = [row for row in rows if 20 <= row["index"] < 60 or row["index"] >= 75]
    held = [row["lower"] <= true_r[row["index"]] <= row["upper"] for row in steady]
    assert len(steady) > 60
    assert sum(held) / len(held) >= 0.9
    assert np.mean([row["mean"] for row in steady if row["index"] < 60]) == pytest.approx(1.6, rel=0.05)
    assert np.mean([row["mean"] for row in steady if row["index"] >= 75]) == pytest.approx(0.8, rel=0.05)


def test_windows_ending_before_the_serial_intervals_mean_have_no_estimate():
    long_interval = SerialInterval(11.0, 2.0)
    estimates = estimate_rt(np.array([4.0] * 16), long_interval)
    first = estimates.rows()[0]["index"]
    assert first > 7
    assert first + 1 > long_interval.discretised_mean(16) >= first


def test_many_series_are_estimated_at_once_as_each_would_be_alone():
    rng = np.random.default_rng(7)
    many = rng.poisson(30, size=(5, 40)).astype(float)
    together = estimate_rt(many, NISHIURA)
    for n in range(5):
        alone = estimate_rt(many[n], NISHIURA)
        np.testing.assert_allclose(together.mean[n], alone.mean[0], rtol=1e-9)


@pytest.mark.parametrize(
    ("counts", "serial", "message"),
    [
        ([1.0, 2, 3], NISHIURA, "ít nhất 8 ngày"),
        ([1.0, 2, -3, 4, 5, 6, 7, 8, 9], NISHIURA, "từ 0 trở lên"),
    ],
)
def test_series_the_method_cannot_use_are_refused_with_the_reason(counts, serial, message):
    with pytest.raises(SeriesError, match=message):
        estimate_rt(np.array(counts), serial)


@pytest.mark.parametrize(("mean", "sd"), [(4.7, 0), (4.7, -1.5), (1.0, 2.0)])
def test_a_serial_interval_with_no_spread_or_a_mean_of_a_day_or_less_is_refused(mean, sd):
    with pytest.raises(SeriesError):
        SerialInterval(mean, sd)
