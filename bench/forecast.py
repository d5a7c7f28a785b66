"""Forecasting benchmarks (pure computation: no database).

rt_estimate_ms           Rt with its 95 % credible interval for 700 districts × 365 days (best of 5), vs numpy's 7-day
                         moving sums of the same matrix (the least any windowed estimate reads)
projection_ms            one unit's 28-day projection with 1,000 draws of R, the scatter and drift fitted first
                         (median of 20), vs drawing the same 28,000 Poisson counts alone
backtest_mape_14d        the mean absolute percentage error of the weekly cases 14 days ahead over every origin of
                         Bình Dương's reported series (18/3/2020 – 22/1/2022, the portal's province 44: an
                         assumption), vs the same error of the naive forecast "the last week again"; no target: it is
                         the project's track record
backtest_coverage_14d    the share of those origins whose reported week fell inside the 95 % interval, in percent,
                         vs the 95 it should be
"""

import time
from pathlib import Path

import numpy as np

from phongdich.command.forecast.backtest import backtest
from phongdich.command.forecast.projection import DRAWS, fitted_noise, project, r_posterior_draws
from phongdich.command.forecast.rt import estimate_rt
from phongdich.command.forecast.serial import SerialInterval
from phongdich.command.forecast.series import read_series_csv

DISTRICTS, DAYS = 700, 365
SERIAL = SerialInterval(4.7, 2.9, "Nishiura et al. 2020")
BINH_DUONG = Path(__file__).resolve().parents[1] / "src/phongdich/command/forecast/data/binh-duong-2020-2022.csv"


def benchmarks(result) -> list[dict]:
    rng = np.random.default_rng(19)
    rt, sums = rt_benchmark(rng)
    print(f"Rt for {DISTRICTS} districts × {DAYS} days: {rt:.0f} ms (moving sums alone {sums:.1f} ms)", flush=True)
    projection, draws_alone = projection_benchmark(rng)
    print(f"  28-day projection with {DRAWS:,} draws: {projection:.1f} ms (the draws alone {draws_alone:.1f} ms)")
    mape, naive, coverage, origins = backtest_benchmark()
    print(f"  Bình Dương backtest, 14 days ahead over {origins} origins: MAPE {mape:.1f} % (naive {naive:.1f} %), "
          f"{coverage:.1f} % inside the 95 % interval", flush=True)  # fmt: skip
    return [
        result("rt_estimate_ms", rt, "ms", 5_000, sums),
        result("projection_ms", projection, "ms", 200, draws_alone),
        result("backtest_mape_14d", mape, "%", None, naive),
        result("backtest_coverage_14d", coverage, "%", None, 95.0),
    ]


def epidemics(rng: np.random.Generator) -> np.ndarray:
    """700 districts' daily cases: each a renewal process whose R wanders around 1."""
    weights = SERIAL.weights(60)
    counts = np.zeros((DISTRICTS, DAYS))
    counts[:, 0] = rng.integers(5, 50, DISTRICTS)
    log_r = np.log(rng.uniform(0.8, 1.3, DISTRICTS))
    for day in range(1, DAYS):
        log_r = np.clip(log_r + rng.normal(0, 0.03, DISTRICTS), -0.7, 0.5)
        back = counts[:, max(0, day - 59) : day][:, ::-1]
        pressure = back @ weights[1 : back.shape[1] + 1]
        counts[:, day] = rng.poisson(np.exp(log_r) * pressure + 0.5)
    return counts


def rt_benchmark(rng) -> tuple[float, float]:
    counts = epidemics(rng)
    timings, baseline = [], []
    for _run in range(5):
        started = time.perf_counter()
        estimates = estimate_rt(counts, SERIAL)
        lower, upper = estimates.quantile(0.025), estimates.quantile(0.975)
        assert lower.shape == (DISTRICTS, DAYS - 7) and np.nanmean(upper - lower) > 0
        timings.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        running = np.cumsum(counts, axis=1)
        _sums = running[:, 7:] - running[:, :-7]
        baseline.append((time.perf_counter() - started) * 1000)
    return min(timings), min(baseline)


def projection_benchmark(rng) -> tuple[float, float]:
    series = epidemics(rng)[0]
    timings, baseline = [], []
    for _run in range(20):
        started = time.perf_counter()
        estimates = estimate_rt(series, SERIAL)
        last = len(estimates.ends) - 1
        draws = r_posterior_draws(estimates, series=0, window=last, size=DRAWS, rng=rng)
        noise = fitted_noise(series, estimates, SERIAL, origin=len(series) - 1)
        projected = project(series, SERIAL, draws, horizon=28, rng=rng, noise=noise)
        assert projected.draws.shape == (DRAWS, 28)
        timings.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        rng.poisson(np.full((DRAWS, 28), series[-1]))
        baseline.append((time.perf_counter() - started) * 1000)
    return float(np.median(timings)), float(np.median(baseline))


def backtest_benchmark() -> tuple[float, float, float, int]:
    series = read_series_csv(BINH_DUONG.read_text(encoding="utf-8"))
    scores = {score.horizon: score for score in backtest(series, SERIAL)}
    fortnight = scores[14]
    return fortnight.mape, naive_mape(series.counts, fortnight), fortnight.coverage * 100, fortnight.origins


def naive_mape(counts: np.ndarray, scored) -> float:
    """The same origins' error when the week ending 14 days ahead is taken to be the week just reported."""
    estimates = estimate_rt(counts, SERIAL)
    errors = []
    for column, origin in enumerate(estimates.ends):
        if origin + 28 >= len(counts) or np.isnan(estimates.shape[0, column]) or not estimates.reliable[0, column]:
            continue
        reported = counts[origin + 8 : origin + 15].sum()
        if reported > 0:
            errors.append(abs(counts[origin - 6 : origin + 1].sum() - reported) / reported * 100)
    assert len(errors) == len(scored.errors)
    return float(np.mean(errors))
