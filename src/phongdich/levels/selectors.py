"""Reads of levels: what is in effect where and when, the published weeks, a unit's history."""

from datetime import datetime

from phongdich.core import clock
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
