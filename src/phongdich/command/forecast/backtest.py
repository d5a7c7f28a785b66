"""How good past forecasts were: for each past day (the origin), R is estimated and the epidemic projected from the
data known that day only, and the projection is compared with what was then reported. Λ_t depends on the days before
t only, so one pass of `estimate_rt` over the whole series gives every origin's posterior as it was then.

A horizon's error compares the week ending on that horizon (days h − 6 … h ahead): the projected week's median with
the reported week, as an absolute percentage error (weeks with no reported case are left out of the mean), and
whether the reported week fell inside the projection's 95 % interval (coverage)."""

from dataclasses import dataclass, field

import numpy as np

from .projection import HORIZONS, fitted_noise, project, r_posterior_draws
from .rt import estimate_rt
from .serial import SerialInterval
from .series import DailySeries

BACKTEST_DRAWS = 400


@dataclass
class HorizonScore:
    horizon: int
    origins: int = 0
    mape: float = float("nan")  # percent
    median_ape: float = float("nan")  # percent: the typical error, which a few runaway weeks do not drown
    coverage: float = float("nan")  # share of origins whose reported week fell in the 95 % interval
    errors: list[float] = field(default_factory=list, repr=False)
    covered: list[bool] = field(default_factory=list, repr=False)

    def add(self, projected_weeks: np.ndarray, reported_week: float) -> None:
        lower, median, upper = np.quantile(projected_weeks, [0.025, 0.5, 0.975])
        self.origins += 1
        self.covered.append(bool(lower <= reported_week <= upper))
        if reported_week > 0:
            self.errors.append(abs(median - reported_week) / reported_week * 100)

    def close(self) -> "HorizonScore":
        self.mape = float(np.mean(self.errors)) if self.errors else float("nan")
        self.median_ape = float(np.median(self.errors)) if self.errors else float("nan")
        self.coverage = float(np.mean(self.covered)) if self.covered else float("nan")
        return self

    def as_dict(self) -> dict:
        return {
            "horizon": self.horizon,
            "origins": self.origins,
            "mape": self.mape,
            "median_ape": self.median_ape,
            "coverage": self.coverage,
        }


def backtest(
    series: DailySeries,
    serial: SerialInterval,
    *,
    horizons: tuple[int, ...] = HORIZONS,
    draws: int = BACKTEST_DRAWS,
    seed: int = 19,
    first_origin: int = 0,
) -> list[HorizonScore]:
    """Scores per horizon over every origin from `first_origin` (a day index) whose estimate is reliable and whose
    longest horizon has been reported since."""
    rng = np.random.default_rng(seed)
    estimates = estimate_rt(series.counts, serial)
    longest = max(horizons)
    scores = {h: HorizonScore(h) for h in horizons}
    counts = series.counts
    for column, origin in enumerate(estimates.ends):
        if origin < first_origin or origin + longest >= len(counts):
            continue
        if np.isnan(estimates.shape[0, column]) or not estimates.reliable[0, column]:
            continue
        r_draws = r_posterior_draws(estimates, series=0, window=column, size=draws, rng=rng)
        noise = fitted_noise(counts, estimates, serial, origin=origin)
        paths = project(counts[: origin + 1], serial, r_draws, horizon=longest, rng=rng, noise=noise).draws
        for h in horizons:
            weeks = paths[:, h - 7 : h].sum(axis=1)
            reported = counts[origin + h - 6 : origin + h + 1].sum()
            scores[h].add(weeks, float(reported))
    return [scores[h].close() for h in horizons]
