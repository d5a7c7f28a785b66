"""The effective reproduction number by the method of Cori et al. (2013), as EpiEstim computes it with a parametric
serial interval: for a window of days ending on t, the posterior of R is

    Gamma(shape = a + Σ I_s,  scale = 1 / (1/b + Σ Λ_s))   for s in the window,   Λ_s = Σ_k w_k · I_{s−k}

with the gamma prior of mean 5 and SD 5 (a = 1, b = 5), I the daily incidence and w the discretised serial
interval. Each estimate is labelled with the last day of its window. The cases of the first day are taken as
imported (they infect, but are not counted as infected), as EpiEstim does with a plain series. A window whose end is
no later than the serial interval's mean has no estimate; one with fewer cases than a posterior coefficient of
variation of 0.3 needs is flagged as unreliable, and the pages leave it out.

`estimate_rt` works on many series at once (one row per unit): the infectivity is a convolution and the window sums
are differences of running sums."""

from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _
from scipy.signal import fftconvolve
from scipy.special import gammaincinv

from .serial import SerialInterval
from .series import SeriesError

QUANTILES = (0.025, 0.05, 0.25, 0.5, 0.75, 0.95, 0.975)
PRIOR_MEAN, PRIOR_SD = 5.0, 5.0
WINDOW = 7
RELIABLE_CV = 0.3


@dataclass
class RtEstimates:
    """Posterior of R for each series (rows) and window (columns, labelled `ends`: the day index of each window's
    last day). Windows without an estimate hold NaN."""

    ends: np.ndarray
    shape: np.ndarray
    scale: np.ndarray

    @property
    def mean(self) -> np.ndarray:
        return self.shape * self.scale

    @property
    def sd(self) -> np.ndarray:
        return np.sqrt(self.shape) * self.scale

    def quantile(self, q: float) -> np.ndarray:
        return gammaincinv(self.shape, q) * self.scale

    @property
    def reliable(self) -> np.ndarray:
        return self.shape >= 1 / RELIABLE_CV**2

    def rows(self, series: int = 0) -> list[dict]:
        """One series' estimates as rows: window end (day index), mean, SD and the 95 % credible interval."""
        lower, median, upper = (self.quantile(q)[series] for q in (0.025, 0.5, 0.975))
        return [
            {
                "index": int(end),
                "mean": float(self.mean[series, n]),
                "sd": float(self.sd[series, n]),
                "lower": float(lower[n]),
                "median": float(median[n]),
                "upper": float(upper[n]),
                "reliable": bool(self.reliable[series, n]),
            }
            for n, end in enumerate(self.ends)
            if not np.isnan(self.shape[series, n])
        ]


def infectivity(incidence: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Λ_t = Σ_{k≥1} w_k · I_{t−k} for every series and day (Λ_0 is 0: nothing came before)."""
    days = incidence.shape[1]
    kernel = np.zeros(days)
    kernel[: min(days, len(weights))] = weights[:days]
    kernel[0] = 0.0
    convolved = fftconvolve(incidence, kernel[None, :], axes=1)[:, :days]
    return np.clip(convolved, 0.0, None)


def estimate_rt(
    incidence: np.ndarray,
    serial: SerialInterval,
    *,
    window: int = WINDOW,
    prior_mean: float = PRIOR_MEAN,
    prior_sd: float = PRIOR_SD,
) -> RtEstimates:
    """R over sliding windows of `window` days, the first starting on the second day, for each row of `incidence`
    (one row per series, one column per consecutive day)."""
    incidence = np.atleast_2d(np.asarray(incidence, dtype=float))
    days = incidence.shape[1]
    if window < 2:
        raise SeriesError(_("The window must be at least 2 days."))
    if days < window + 1:
        raise SeriesError(
            _(
                "The series has %(days)s days: at least %(needed)s are needed for one window of %(window)s days after "
                "the first day."
            )
            % {"days": days, "needed": window + 1, "window": window}
        )
    if np.any(incidence < 0) or np.any(np.isnan(incidence)):
        raise SeriesError(_("Counts must be 0 or more."))
    weights = serial.weights(days)
    local = incidence.copy()
    local[:, 0] = 0.0  # the first day's cases are imported
    lam = infectivity(incidence, weights)
    ends = np.arange(window, days)  # 0-based index of each window's last day; the first window starts on index 1
    cases = _window_sums(local, window)[:, ends]
    pressure = _window_sums(lam, window)[:, ends]
    prior_shape, prior_scale = (prior_mean / prior_sd) ** 2, prior_sd**2 / prior_mean
    shape = prior_shape + cases
    scale = 1.0 / (1.0 / prior_scale + pressure)
    too_early = ends + 1 <= serial.discretised_mean(days)  # EpiEstim counts days from 1
    shape[:, too_early] = np.nan
    scale[:, too_early] = np.nan
    return RtEstimates(ends=ends, shape=shape, scale=scale)


def _window_sums(values: np.ndarray, window: int) -> np.ndarray:
    """Sum over the `window` days ending on each day (the first window − 1 columns are partial)."""
    running = np.cumsum(values, axis=1)
    sums = running.copy()
    sums[:, window:] = running[:, window:] - running[:, :-window]
    return sums
