"""The demand projected cases put on the treatment tower: each day's new cases split by the care they will need
(severity shares), each patient holding a bed for the tier's length of stay; the patients in beds today leave at an
even pace over the same length. Tier 3 takes the critical patients, and every one of them needs an ICU bed: the ICU
demand is tier 3's admissions on top of the patients in ICU beds today. Oxygen is counted in patients on oxygen and
in cubic metres a day at the flow each tier's patients take. Compared with today's beds, the first day demand
exceeds them is the day of saturation: the median's date, and the earliest date the projection's 95 % interval
allows."""

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

TIERS = (1, 2, 3)


@dataclass(frozen=True)
class CareAssumptions:
    """Shares of new cases by the tier that treats them, days in a bed, oxygen flow (litres a minute) per patient on
    oxygen, and where each figure comes from."""

    shares: dict[int, float] = field(default_factory=lambda: {1: 0.80, 2: 0.15, 3: 0.05})
    stay_days: dict[int, int] = field(default_factory=lambda: {1: 10, 2: 12, 3: 14})
    oxygen_share: dict[int, float] = field(default_factory=lambda: {1: 0.0, 2: 1.0, 3: 1.0})
    oxygen_flow: dict[int, float] = field(default_factory=lambda: {1: 0.0, 2: 10.0, 3: 30.0})
    sources: dict[str, str] = field(default_factory=dict)  # what each figure rests on, by name


@dataclass(frozen=True)
class Capacity:
    beds: dict[int, int]  # beds by tier
    icu_beds: int
    in_beds: dict[int, int]  # patients in beds today, by tier
    in_icu: int = 0  # of them, in ICU beds


@dataclass
class TierDemand:
    tier: int
    beds: int
    median: np.ndarray
    upper: np.ndarray
    saturation: date | None
    earliest_saturation: date | None


@dataclass
class Demand:
    days: list[date]
    tiers: dict[int, TierDemand]
    oxygen_patients: np.ndarray  # median by day
    oxygen_m3: np.ndarray  # median by day, cubic metres
    icu: TierDemand


def care_demand(
    projected: np.ndarray, start: date, capacity: Capacity, assumptions: CareAssumptions = CareAssumptions()
) -> Demand:
    """`projected`: (draws, horizon) new cases for the days from `start` on."""
    horizon = projected.shape[1]
    days = [start + timedelta(days=n) for n in range(horizon)]
    occupancy = {tier: _occupancy(projected, tier, capacity.in_beds.get(tier, 0), assumptions) for tier in TIERS}
    tiers = {tier: _tier_demand(tier, occupancy[tier], capacity.beds.get(tier, 0), days) for tier in TIERS}
    on_oxygen = sum(occupancy[tier] * assumptions.oxygen_share[tier] for tier in TIERS)
    litres = sum(occupancy[tier] * assumptions.oxygen_share[tier] * assumptions.oxygen_flow[tier] for tier in TIERS)
    return Demand(
        days=days,
        tiers=tiers,
        oxygen_patients=np.median(on_oxygen, axis=0),
        oxygen_m3=np.median(litres, axis=0) * 1440 / 1000,
        icu=_tier_demand(3, _occupancy(projected, 3, capacity.in_icu, assumptions), capacity.icu_beds, days),
    )


def _occupancy(projected: np.ndarray, tier: int, in_beds: int, assumptions: CareAssumptions) -> np.ndarray:
    """Patients in the tier's beds each day: today's patients leaving evenly over a stay, plus the new admissions of
    the last `stay` days."""
    stay = assumptions.stay_days[tier]
    horizon = projected.shape[1]
    admitted = projected * assumptions.shares[tier]
    running = np.cumsum(admitted, axis=1)
    still_in = running.copy()
    still_in[:, stay:] -= running[:, :-stay]
    ahead = np.arange(1, horizon + 1)
    staying = in_beds * np.clip(1 - ahead / stay, 0, None)
    return still_in + staying[None, :]


def _tier_demand(tier: int, occupancy: np.ndarray, beds: int, days: list[date]) -> TierDemand:
    median, upper = np.quantile(occupancy, [0.5, 0.975], axis=0)
    return TierDemand(
        tier=tier,
        beds=beds,
        median=median,
        upper=upper,
        saturation=_first_over(median, beds, days),
        earliest_saturation=_first_over(upper, beds, days),
    )


def _first_over(values: np.ndarray, beds: int, days: list[date]) -> date | None:
    over = np.flatnonzero(values > beds)
    return days[over[0]] if len(over) else None
