"""Forecast runs on the platform's own data: a unit's incidence series read from its cases, the assumptions in force,
the methods applied, and everything stored with the run so that it can be computed again and shown without
recomputing. Nightly for the province and each district; on demand for one unit."""

import math
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from phongdich.care.tower.choices import BedKind
from phongdich.care.tower.models import Ward
from phongdich.core import audit, clock
from phongdich.core.background import every, in_background, run_later
from phongdich.core.choices import AuditAction
from phongdich.core.rules import in_force
from phongdich.core.scoping import scope_of
from phongdich.places.models import AdminUnit
from phongdich.surveillance.choices import CaseStatus
from phongdich.surveillance.models import Case

from ..choices import ForecastStatus, ForecastTrigger, IncidenceSource
from ..figures import LOCAL
from ..models import ForecastAssumptions, ForecastRun
from .backtest import backtest
from .demand import Capacity, CareAssumptions, Demand, TierDemand, care_demand
from .projection import DRAWS, HORIZONS, fitted_noise, project, r_posterior_draws
from .rt import estimate_rt
from .serial import SerialInterval
from .series import DailySeries, SeriesError

HISTORY_DAYS = 365
MAX_LEFT_OUT = 14
SEED = 19
NIGHTLY_FROM_HOUR = 2  # after the night's figures are in
RUN_PERMISSION = "command.add_forecastrun"


@dataclass(frozen=True)
class Incidence:
    series: DailySeries
    source: str  # IncidenceSource
    onset_share: float  # of the cases in the series, the share dated by symptom onset
    left_out: int = 0  # the last days left out: their onsets are still being reported


def incidence_for(unit: AdminUnit, until: date, *, days: int = HISTORY_DAYS) -> Incidence:
    """Daily new cases in the unit's subtree over the `days` days up to `until`: by symptom onset where it is known,
    else by the day the case was confirmed. Dated by onset, the last days are short of the cases whose onset fell
    on them but who are not confirmed yet: as many days as three in four cases take from onset to confirmation
    are left out (at most two weeks)."""
    start = until - timedelta(days=days - 1)
    cases = Case.objects.exclude(status=CaseStatus.RULED_OUT).filter(unit__path__startswith=unit.path)
    confirmed_on = TruncDate("confirmed_at", tzinfo=LOCAL)
    with_onset = cases.filter(symptom_onset__gte=start, symptom_onset__lte=until).annotate(confirmed_on=confirmed_on)
    counts = np.zeros(days)
    delays: list[int] = []
    for onset, confirmed, n in (
        with_onset.values_list("symptom_onset", "confirmed_on").annotate(n=Count("pk")).order_by()
    ):
        counts[(onset - start).days] += n
        delays += [max((confirmed - onset).days, 0)] * n
    by_report = (
        cases.filter(symptom_onset__isnull=True)
        .annotate(day=confirmed_on)
        .filter(day__gte=start, day__lte=until)
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for day, n in by_report:
        counts[(day - start).days] += n
    total = counts.sum()
    if not delays:
        return Incidence(DailySeries(start, counts), IncidenceSource.REPORT, 0.0)
    left_out = min(int(np.ceil(np.percentile(delays, 75))), MAX_LEFT_OUT)
    kept = DailySeries(start, counts[: days - left_out] if left_out else counts)
    return Incidence(kept, IncidenceSource.ONSET, len(delays) / total, left_out)


def capacity_of(unit: AdminUnit) -> Capacity:
    """The tower's beds and patients in the unit's subtree today, by tier, and its ICU beds."""
    wards = Ward.objects.filter(facility__unit__path__startswith=unit.path, facility__tower__isnull=False)
    beds: dict[int, int] = {1: 0, 2: 0, 3: 0}
    in_beds: dict[int, int] = {1: 0, 2: 0, 3: 0}
    for tier, total, occupied in (
        wards.values_list("facility__tower__tier").annotate(total=Sum("beds"), occupied=Sum("occupied")).order_by()
    ):
        beds[tier], in_beds[tier] = total or 0, occupied or 0
    icu = wards.filter(bed_kind=BedKind.ICU).aggregate(beds=Sum("beds"), occupied=Sum("occupied"))
    return Capacity(beds=beds, icu_beds=icu["beds"] or 0, in_beds=in_beds, in_icu=icu["occupied"] or 0)


def serial_of(assumptions: ForecastAssumptions) -> SerialInterval:
    return SerialInterval(float(assumptions.si_mean), float(assumptions.si_sd), assumptions.si_source)


def care_of(assumptions: ForecastAssumptions) -> CareAssumptions:
    stored = assumptions.care or {}
    defaults = CareAssumptions()
    tiered = {
        name: {int(tier): value for tier, value in stored.get(name, {}).items()} or getattr(defaults, name)
        for name in ("shares", "stay_days", "oxygen_share", "oxygen_flow")
    }
    return CareAssumptions(**tiered, sources=stored.get("sources") or defaults.sources)


# ---- computing a run


def forecast_compute(incidence: Incidence, assumptions: ForecastAssumptions, capacity: Capacity) -> dict:
    """Everything a run shows, from its inputs alone (so a stored run can be computed again)."""
    series, serial = incidence.series, serial_of(assumptions)
    rng = np.random.default_rng(SEED)
    estimates = estimate_rt(series.counts, serial)
    days = series.days
    rt = [{"date": days[row.pop("index")].isoformat(), **row} for row in estimates.rows()]
    last = len(estimates.ends) - 1
    results: dict = {"rt": rt, "projection": [], "demand": None, "backtest": [], "noise": None}
    if np.isnan(estimates.shape[0, last]) or series.counts[-28:].sum() == 0:
        results["note"] = _("Too few recent cases to project: no case in the last 28 days.")
        return _finite(results)
    draws = r_posterior_draws(estimates, series=0, window=last, size=DRAWS, rng=rng)
    noise = fitted_noise(series.counts, estimates, serial, origin=len(series.counts) - 1)
    projection = project(series.counts, serial, draws, horizon=max(HORIZONS), rng=rng, noise=noise)
    results["noise"] = {"dispersion": noise.dispersion, "drift": noise.drift}
    results["projection"] = [
        {"date": (series.end + timedelta(days=row.pop("ahead"))).isoformat(), **row} for row in projection.summary()
    ]
    totals = projection.draws.cumsum(axis=1)
    results["totals"] = [_total(totals[:, h - 1], h) for h in HORIZONS]
    demand = care_demand(projection.draws, series.end + timedelta(days=1), capacity, care_of(assumptions))
    results["demand"] = _demand_rows(demand, capacity)
    results["backtest"] = [score.as_dict() for score in backtest(series, serial)]
    return _finite(results)


def _total(draws: np.ndarray, days: int) -> dict:
    lower, median, upper = np.quantile(draws, [0.025, 0.5, 0.975])
    return {"days": days, "lower": lower, "median": median, "upper": upper}


def _demand_rows(demand: Demand, capacity: Capacity) -> dict:
    def tier_row(tier: TierDemand, in_beds: int) -> dict:
        return {
            "tier": tier.tier,
            "beds": tier.beds,
            "in_beds": in_beds,
            "median": [round(float(v), 1) for v in tier.median],
            "upper": [round(float(v), 1) for v in tier.upper],
            "saturation": tier.saturation.isoformat() if tier.saturation else None,
            "earliest_saturation": tier.earliest_saturation.isoformat() if tier.earliest_saturation else None,
        }

    return {
        "days": [day.isoformat() for day in demand.days],
        "tiers": [tier_row(demand.tiers[tier], capacity.in_beds.get(tier, 0)) for tier in sorted(demand.tiers)],
        "icu": tier_row(demand.icu, capacity.in_icu),
        "oxygen_patients": [round(float(v), 1) for v in demand.oxygen_patients],
        "oxygen_m3": [round(float(v), 1) for v in demand.oxygen_m3],
    }


def _finite(value):
    """JSON has no NaN or infinity: they are stored as null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


# ---- runs: requested, executed, nightly


def last_whole_day() -> date:
    """Yesterday: today's cases are still coming in, and a half-counted day would read as a fall."""
    return clock.today() - timedelta(days=1)


def forecast_request(*, actor, unit: AdminUnit) -> ForecastRun:
    """A run of one unit's forecast now, in the background."""
    if not scope_of(actor, RUN_PERMISSION).covers_path(unit.path):
        raise PermissionDenied(_("You cannot run forecasts for this unit."))
    with transaction.atomic():
        run = ForecastRun.objects.create(
            unit=unit, day=last_whole_day(), trigger=ForecastTrigger.ON_DEMAND, requested_by=actor
        )
        audit.record(actor=actor, action=AuditAction.CREATE, instance=run, unit_path=unit.path)
        run_later(forecast_execute, run.pk)
    return run


def forecast_gave_up(run_id: int, *, error: str) -> None:
    """The workers gave the run up (it failed too often): say so, so the page stops waiting for it."""
    ForecastRun.objects.filter(pk=run_id, status=ForecastStatus.QUEUED).update(
        status=ForecastStatus.FAILED, error=error[:500], finished_at=clock.now()
    )


@in_background(gave_up=forecast_gave_up)
def forecast_execute(run_id: int) -> None:
    """Compute a queued run (again, if the worker died on it: nothing is written until it is done)."""
    run = ForecastRun.objects.select_related("unit").filter(pk=run_id, status=ForecastStatus.QUEUED).first()
    if run is None:
        return
    started = time.perf_counter()
    assumptions = in_force(ForecastAssumptions, run.day)
    incidence = incidence_for(run.unit, run.day)
    capacity = capacity_of(run.unit)
    run.assumptions = assumptions if assumptions.pk else None
    run.inputs = {
        "start": incidence.series.start.isoformat(),
        "counts": [int(n) for n in incidence.series.counts],
        "source": incidence.source,
        "onset_share": round(incidence.onset_share, 4),
        "left_out": incidence.left_out,
        "serial_interval": {"mean": float(assumptions.si_mean), "sd": float(assumptions.si_sd)},
        "capacity": {
            "beds": capacity.beds,
            "icu_beds": capacity.icu_beds,
            "in_beds": capacity.in_beds,
            "in_icu": capacity.in_icu,
        },
        "seed": SEED,
    }
    try:
        run.results = forecast_compute(incidence, assumptions, capacity)
        run.status = ForecastStatus.DONE
    except SeriesError as error:
        run.status, run.error = ForecastStatus.FAILED, str(error)[:500]
    run.finished_at = clock.now()
    run.seconds = time.perf_counter() - started
    run.save()


@every(minutes=60)
@in_background
def forecasts_nightly(now: datetime | None = None) -> int:
    """Once a night (the first hourly look after 02:00), the province's and each district's forecast."""
    now = (now or clock.now()).astimezone(LOCAL)
    if now.hour < NIGHTLY_FROM_HOUR:
        return 0
    day = now.date() - timedelta(days=1)
    units = AdminUnit.objects.filter(Q(path=AdminUnit.root_path()) | Q(parent__path=AdminUnit.root_path()))
    done = 0
    for unit in units:
        run, created = ForecastRun.objects.get_or_create(
            unit=unit, day=day, trigger=ForecastTrigger.NIGHTLY, defaults={"status": ForecastStatus.QUEUED}
        )
        if run.status == ForecastStatus.QUEUED:
            forecast_execute(run.pk)
            done += 1
    return done
