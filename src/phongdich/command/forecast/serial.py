"""The serial interval (days from a case's symptom onset to that of the person they infected) as a gamma
distribution shifted by one day, discretised the way EpiEstim does (Cori et al. 2013, web appendix 11), so that the
estimates agree with the reference implementation."""

from dataclasses import dataclass

import numpy as np
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from scipy.special import gammainc

from .series import SeriesError


@dataclass(frozen=True)
class SerialInterval:
    mean: float
    sd: float
    source: str = ""

    def __post_init__(self):
        if not self.sd > 0:
            raise SeriesError(
                _("The serial interval's standard deviation must be more than 0 (it is %(sd)s).")
                % {"sd": number_format(self.sd)}
            )
        if not self.mean > 1:
            raise SeriesError(
                _("The serial interval's mean must be more than 1 day (it is %(mean)s).")
                % {"mean": number_format(self.mean)}
            )

    def weights(self, length: int) -> np.ndarray:
        """w[k], the probability that the interval is k days, for k = 0 … length − 1 (w[0] is 0)."""
        k = np.arange(length, dtype=float)
        shape = ((self.mean - 1) / self.sd) ** 2
        scale = self.sd**2 / (self.mean - 1)
        w = (
            k * _cdf(k, shape, scale)
            + (k - 2) * _cdf(k - 2, shape, scale)
            - 2 * (k - 1) * _cdf(k - 1, shape, scale)
            + shape
            * scale
            * (2 * _cdf(k - 1, shape + 1, scale) - _cdf(k - 2, shape + 1, scale) - _cdf(k, shape + 1, scale))
        )
        return np.maximum(w, 0.0)

    def discretised_mean(self, length: int) -> float:
        weights = self.weights(length)
        return float(np.sum(weights * np.arange(length)))


def _cdf(x: np.ndarray, shape: float, scale: float) -> np.ndarray:
    return np.where(x > 0, gammainc(shape, np.clip(x, 0, None) / scale), 0.0)
