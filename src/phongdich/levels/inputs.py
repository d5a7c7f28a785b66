"""The weekly inputs of the level assessment, pre-aggregated per unit and ISO week from the platform's own records:
community cases (the case's detection setting), vaccine coverage at the week's end, beds and stations.

A refresh recomputes only the weeks new records fall in: cases and doses are read past a watermark (the highest
id already counted), so a new case dirties its week and a new dose every week from its own to this one. The
current week is always recomputed, since beds and stations change without leaving new rows behind."""

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Count, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone

from phongdich.care.stations.models import CommunityTeam, MobileStation
from phongdich.care.tower.choices import BedKind
from phongdich.care.tower.models import Admission, Ward, WardCapacity
from phongdich.core import clock
from phongdich.places.models import AdminUnit
from phongdich.surveillance.choices import CaseStatus, DetectionSetting, Severity
from phongdich.surveillance.models import Case
from phongdich.vaccination.choices import AgeBand
from phongdich.vaccination.models import Dose
from phongdich.vaccination.services.coverage import coverage_rows

from .models import InputsWatermark, WeeklyInput
from .weeks import monday_of, week_bounds, week_end, weeks_between

OXYGEN_SEVERITIES = (Severity.MODERATE, Severity.SEVERE, Severity.CRITICAL)
ADULT_BANDS = {AgeBand.ADULT, AgeBand.ELDER}


@dataclass
class RefreshReport:
    weeks: list[date] = field(default_factory=list)
    rows: int = 0
    seconds: float = 0.0


def inputs_refresh(*, weeks: list[date] | None = None, since: date | None = None) -> RefreshReport:
    """Recompute the given weeks, or every week from `since`, or (neither given) the weeks new cases and doses
    fall in and the current week."""
    started = time.perf_counter()
    today = clock.today()
    with transaction.atomic():
        if weeks is None and since is not None:
            weeks = weeks_between(since, today)
        if weeks is None:
            weeks = sorted(_dirty_weeks(today))
        else:
            _advance_watermarks()
        report = RefreshReport(weeks=sorted(set(weeks)))
        for week in report.weeks:
            report.rows += _rebuild_week(week)
    report.seconds = time.perf_counter() - started
    return report


def _dirty_weeks(today: date) -> set[date]:
    weeks = {monday_of(today)}
    case_mark, dose_mark = _watermark("cases"), _watermark("doses")
    new_cases = Case.objects.filter(pk__gt=case_mark.last_id)
    span = new_cases.aggregate(last=Max("pk"))
    if span["last"]:
        weeks |= {
            monday_of(timezone.localdate(at)) for at in new_cases.values_list("confirmed_at", flat=True).distinct()
        }
        weeks |= {monday_of(timezone.localdate(at)) for at in _deaths_since(case_mark.last_id)}
        _move(case_mark, span["last"])
    new_doses = Dose.objects.filter(pk__gt=dose_mark.last_id).aggregate(last=Max("pk"), first_day=Min("given_on"))
    if new_doses["last"]:
        weeks |= set(weeks_between(new_doses["first_day"], today))
        _move(dose_mark, new_doses["last"])
    return weeks


def _deaths_since(last_id: int):
    return Case.objects.filter(pk__gt=last_id, status=CaseStatus.DIED, status_changed_at__isnull=False).values_list(
        "status_changed_at", flat=True
    )


def _advance_watermarks() -> None:
    _move(_watermark("cases"), Case.objects.aggregate(last=Max("pk"))["last"] or 0)
    _move(_watermark("doses"), Dose.objects.aggregate(last=Max("pk"))["last"] or 0)


def _watermark(name: str) -> InputsWatermark:
    mark, _created = InputsWatermark.objects.select_for_update().get_or_create(name=name)
    return mark


def _move(mark: InputsWatermark, last_id: int) -> None:
    mark.last_id, mark.refreshed_at = max(mark.last_id, last_id), clock.now()
    mark.save(update_fields=["last_id", "refreshed_at"])


def _rebuild_week(week: date) -> int:
    figures: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(WeeklyInput.COUNTS, 0))
    _add_cases(figures, week)
    _add_coverage(figures, week)
    _add_beds(figures, week)
    _add_stations(figures, week)
    paths = dict(AdminUnit.objects.filter(pk__in=list(figures)).values_list("pk", "path"))
    WeeklyInput.objects.filter(week=week).delete()
    rows = [
        WeeklyInput(unit_id=unit_id, unit_path=paths[unit_id], week=week, **counts)
        for unit_id, counts in figures.items()
        if unit_id in paths and any(counts.values())
    ]
    WeeklyInput.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _add_cases(figures, week: date) -> None:
    start, end = week_bounds(week)
    confirmed = (
        Case.objects.filter(confirmed_at__gte=start, confirmed_at__lt=end)
        .exclude(status=CaseStatus.RULED_OUT)
        .values("unit_id")
        .annotate(
            cases=Count("pk"),
            community=Count("pk", filter=Q(detection_setting=DetectionSetting.COMMUNITY)),
            oxygen=Count("pk", filter=Q(severity__in=OXYGEN_SEVERITIES)),
        )
    )
    for row in confirmed:
        counts = figures[row["unit_id"]]
        counts["cases"], counts["community_cases"], counts["oxygen_cases"] = (
            row["cases"],
            row["community"],
            row["oxygen"],
        )
    deaths = (
        Case.objects.filter(status=CaseStatus.DIED, status_changed_at__gte=start, status_changed_at__lt=end)
        .values("unit_id")
        .annotate(n=Count("pk"))
    )
    for unit_id, count in deaths.values_list("unit_id", "n"):
        figures[unit_id]["deaths"] = count


def _add_coverage(figures, week: date) -> None:
    end = week_end(week)
    for unit_id, band, residents, one, full, _boosted in coverage_rows(end, doses_until=end):
        counts = figures[unit_id]
        full = int(full or 0)
        counts["residents"] += residents
        counts["residents_one_dose"] += one
        counts["residents_full"] += full
        if band in ADULT_BANDS:
            counts["adults"] += residents
            counts["adults_one_dose"] += one
            counts["adults_full"] += full
        if band == AgeBand.ELDER:
            counts["elders"] += residents
            counts["elders_one_dose"] += one
            counts["elders_full"] += full


def _add_beds(figures, week: date) -> None:
    """Each ward's capacity as its history stood at the week's end, less the patients in it then."""
    _start, end = week_bounds(week)
    capacity = WardCapacity.objects.filter(ward=OuterRef("pk"), valid_from__lt=end).order_by("-valid_from", "-id")
    wards = Ward.objects.annotate(then=Subquery(capacity.values("beds")[:1])).values_list(
        "pk", "facility__unit_id", "bed_kind", "then"
    )
    occupied = _occupied_by_ward(end)
    for ward_id, unit_id, kind, beds in wards:
        if not beds:
            continue
        counts = figures[unit_id]
        counts["beds"] += beds
        counts["icu_beds"] += beds if kind == BedKind.ICU else 0
        counts["free_beds"] += max(0, beds - occupied.get(ward_id, 0))


def _occupied_by_ward(end) -> dict[int, int]:
    wards = {(facility, kind): pk for pk, facility, kind in Ward.objects.values_list("pk", "facility_id", "bed_kind")}
    rows = (
        Admission.objects.filter(admitted_at__lt=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=end))
        .values_list("facility_id", "bed_kind")
        .annotate(n=Count("pk"))
    )
    return {wards[(facility, kind)]: n for facility, kind, n in rows if (facility, kind) in wards}


def _add_stations(figures, week: date) -> None:
    end = week_end(week)
    stations = (
        MobileStation.objects.filter(opened_on__lte=end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=end))
        .values("commune_id")
        .annotate(n=Count("pk"))
    )
    for row in stations:
        figures[row["commune_id"]]["mobile_stations"] = row["n"]
    _start, next_monday = week_bounds(week)
    teams = CommunityTeam.objects.filter(created_at__lt=next_monday).values("group_id").annotate(n=Count("pk"))
    for group_id, count in teams.values_list("group_id", "n"):
        figures[group_id]["care_teams"] = count
