"""Projection by the renewal equation: each draw takes one R from the posterior of the last window and carries the
epidemic forward day by day, the new cases of a day drawn with mean R · Λ_t, Λ_t the infectivity of every case before
it (observed, then projected).

Two things widen the draws beyond the posterior, both measured on the series' own recent history: the day-to-day
scatter of reported counts around R · Λ (negative binomial with dispersion k, fitted by moments: reports come in
batches, not as a Poisson stream), and the drift of R itself (a random walk of log R whose daily step is the SD of the
weekly changes of the estimated log R, over √7). With neither, the intervals held a fortnight's truth about one time
in ten on the Bình Dương series.

And R is pulled towards 1 as the horizon lengthens (log R shrinks by R_DAMPING a day): an epidemic growing or
shrinking fast this week rarely keeps its pace for a month, because people and the authorities respond. The factor
was chosen by backtesting on two other provinces of the national series (Hồ Chí Minh City and the portal's
province 4), not on Bình Dương, whose track record it is reported as."""

import math
from dataclasses import dataclass

import numpy as np

from .rt import RtEstimates, infectivity
from .serial import SerialInterval

DRAWS = 1_000
HORIZONS = (7, 14, 28)
MIN_DISPERSION = 0.5
R_DAMPING = 0.9
LOG_R_BOUNDS = (math.log(0.05), math.log(20.0))
MAX_DAILY = 1e8  # a day's cases beyond any province's people: a path that has run away stops growing there
SI_DAYS = 60  # the serial interval's weight beyond 60 days is below 1e-9 for any interval the tables hold


@dataclass
class Projection:
    draws: np.ndarray  # (draws, horizon): daily cases after the last observed day

    def summary(self) -> list[dict]:
        """Per day ahead: mean, median and the 50 % and 95 % intervals."""
        q = np.quantile(self.draws, [0.025, 0.25, 0.5, 0.75, 0.975], axis=0)
        mean = self.draws.mean(axis=0)
        return [
            {
                "ahead": n + 1,
                "mean": float(mean[n]),
                "lower": float(q[0, n]),
                "lower50": float(q[1, n]),
                "median": float(q[2, n]),
                "upper50": float(q[3, n]),
                "upper": float(q[4, n]),
            }
            for n in range(self.draws.shape[1])
        ]


@dataclass(frozen=True)
class Noise:
    dispersion: float = math.inf  # k of the negative binomial; infinite is Poisson
    drift: float = 0.0  # SD of the daily step of log R


def project(
    incidence: np.ndarray,
    serial: SerialInterval,
    r_draws: np.ndarray,
    *,
    horizon: int,
    rng: np.random.Generator,
    noise: Noise = Noise(),
) -> Projection:
    """Daily cases for `horizon` days after `incidence` (one series), one path per R in `r_draws`."""
    weights = serial.weights(SI_DAYS)[1:]  # w_1 … w_59, for the cases 1 … 59 days back
    reach = len(weights)
    history = np.asarray(incidence, dtype=float)[-reach:]
    paths = np.zeros((len(r_draws), reach + horizon))
    paths[:, reach - len(history) : reach] = history
    log_r = np.log(np.maximum(r_draws, 1e-9))
    for day in range(reach, reach + horizon):
        log_r = log_r * R_DAMPING
        if noise.drift:
            log_r = np.clip(log_r + rng.normal(0.0, noise.drift, size=len(log_r)), *LOG_R_BOUNDS)
        mean = np.exp(log_r) * (paths[:, day - reach : day] @ weights[::-1])
        paths[:, day] = _draw_counts(np.minimum(mean, MAX_DAILY), noise.dispersion, rng)
    return Projection(draws=paths[:, reach:])


def fitted_noise(
    incidence: np.ndarray, estimates: RtEstimates, serial: SerialInterval, *, origin: int, days: int = 56
) -> Noise:
    """The scatter and drift of the `days` days up to `origin` (a day index), from the estimates known then."""
    columns = [n for n, end in enumerate(estimates.ends) if origin - days <= end < origin]
    means = estimates.mean[0, columns]
    usable = ~np.isnan(means)
    lam = infectivity(np.atleast_2d(incidence[: origin + 1]), serial.weights(origin + 1))[0]
    expected = means[usable] * lam[estimates.ends[columns][usable] + 1]
    observed = incidence[estimates.ends[columns][usable] + 1]
    excess = np.sum((observed - expected) ** 2 - expected)
    dispersion = float(np.sum(expected**2) / excess) if excess > 0 else math.inf
    log_means = np.log(means[usable][means[usable] > 0])
    weekly = log_means[7:] - log_means[:-7]
    drift = float(np.std(weekly) / math.sqrt(7)) if len(weekly) > 1 else 0.0
    return Noise(dispersion=max(dispersion, MIN_DISPERSION), drift=drift)


def _draw_counts(mean: np.ndarray, dispersion: float, rng: np.random.Generator) -> np.ndarray:
    if math.isinf(dispersion):
        return rng.poisson(mean)
    rates = rng.gamma(dispersion, np.maximum(mean, 0.0) / dispersion)  # gamma-Poisson: negative binomial
    return rng.poisson(rates)


def r_posterior_draws(estimates: RtEstimates, *, series: int, window: int, size: int, rng) -> np.ndarray:
    """`size` values of R from the posterior of one window (a column of `estimates`)."""
    return rng.gamma(estimates.shape[series, window], estimates.scale[series, window], size=size)


DAMP = 0.93
