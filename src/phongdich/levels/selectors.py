"""Reads of levels: what is in effect where and when, the published weeks, a unit's history."""

from datetime import datetime, time

from django.utils import timezone

from phongdich.core import clock
from phongdich.places.choices import UnitLevel
from phongdich.places.models import AdminUnit

from .choices import AssessmentStatus, ResultStatus
from .models import Assessment, LevelResult


def published_assessments():
    """Published assessments, oldest week first (the map's slider)."""
    return Assessment.objects.filter(status=AssessmentStatus.PUBLISHED).select_related("rules").order_by("week", "id")


def level_now(unit: AdminUnit, at: datetime | None = None) -> LevelResult | None:
    """The published level in effect for `unit` at `at` (now by default): the unit's own if it has one, else the
    nearest ancestor's. A raise published less than its notice ago is not yet in effect."""
    at = at or clock.now()
    paths = [unit.path, *reversed(unit.ancestor_paths())]
    for path in paths:
        result = (
            LevelResult.objects.filter(
                unit_path=path, status=ResultStatus.PUBLISHED, effective_at__lte=at, level__isnull=False
            )
            .select_related("assessment", "assessment__rules", "unit")
            .order_by("-effective_at", "-id")
            .first()
        )
        if result is not None:
            return result
    return None


def levels_of(assessment: Assessment, depth: int | None = None) -> dict[int, int | None]:
    """{unit id: level} of one assessment (final level once reviewed, else the proposal), at one depth or all."""
    rows = LevelResult.objects.filter(assessment=assessment)
    if depth is not None:
        rows = rows.filter(depth=depth)
    return {
        unit_id: level if level is not None else proposed
        for unit_id, level, proposed in rows.values_list("unit_id", "level", "proposed_level")
    }


def unit_history(unit: AdminUnit, limit: int = 52) -> list[LevelResult]:
    """The unit's published levels, newest first."""
    return list(
        LevelResult.objects.filter(unit=unit, status=ResultStatus.PUBLISHED)
        .select_related("assessment", "assessment__rules")
        .order_by("-effective_at", "-id")[:limit]
    )


def level_counts(assessment: Assessment, user, level: str) -> dict:
    """How many of the user's visible units of one unit level are at each level: {1: n, …, None: n}."""
    rows = (
        LevelResult.objects.visible_to(user)
        .filter(assessment=assessment, unit__level=level)
        .values_list("level", "proposed_level")
    )
    counts: dict = {1: 0, 2: 0, 3: 0, 4: 0, None: 0}
    for final, proposed in rows:
        counts[final if final is not None else proposed] += 1
    return counts


def target_progress(target, at: datetime | None = None) -> dict:
    """A level target against the published levels in effect at `at` (the deadline once past, else now): the
    share of the area's communes at or below the target level."""
    now = clock.now()
    deadline_end = timezone.make_aware(datetime.combine(target.deadline, time.max))
    at = at or min(now, deadline_end)
    communes = AdminUnit.objects.filter(path__startswith=target.unit.path, level=UnitLevel.COMMUNE)
    latest = (
        Assessment.objects.filter(status=AssessmentStatus.PUBLISHED, effective_at__lte=at)
        .order_by("-effective_at", "-id")
        .first()
    )
    levels = (
        dict(latest.results.filter(unit__in=communes).values_list("unit_id", "level")) if latest is not None else {}
    )
    assessed = [level for level in levels.values() if level is not None]
    met = sum(1 for level in assessed if level <= target.level)
    share = round(met * 100 / len(assessed), 1) if assessed else None
    return {
        "target": target,
        "assessment": latest,
        "communes": len(assessed),
        "met": met,
        "share": share,
        "reached": share is not None and share >= target.share,
        "due": now > deadline_end,
        "days_left": (target.deadline - clock.today()).days,
    }
