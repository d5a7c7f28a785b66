"""The measures' test world: a version's grid to change for a new one, and published levels made directly as rows,
the way an assessment leaves them once published."""

from datetime import date, timedelta

from phongdich.core import clock
from phongdich.levels.choices import AssessmentStatus, ResultStatus
from phongdich.levels.models import Assessment, LevelResult, LevelRules, MeasureRules
from phongdich.places.models import AdminUnit

PRE_128 = date(2020, 3, 28)
RESOLUTION_128 = date(2021, 10, 11)


def grid_of(rules: MeasureRules) -> dict:
    """A version's measures as a copy to change for a new one."""
    return {
        activity: {level: dict(entry) for level, entry in by_level.items()}
        for activity, by_level in rules.measures.items()
    }


def publish(unit: AdminUnit, level: int, days_ago: float = 3) -> LevelResult:
    """A published level for `unit`, in effect since `days_ago` days (negative: a raise announced, not yet in
    effect), in an assessment of the week before."""
    effective_at = clock.now() - timedelta(days=days_ago)
    week = (effective_at - timedelta(days=effective_at.weekday() + 7)).date()
    assessment = Assessment.objects.create(
        rules=LevelRules.objects.get(code="4800"),
        week=week,
        assessed_on=week + timedelta(days=7),
        status=AssessmentStatus.PUBLISHED,
        published_at=effective_at - timedelta(hours=1),
        effective_at=effective_at,
    )
    return LevelResult.objects.create(
        assessment=assessment,
        unit=unit,
        unit_path=unit.path,
        depth=unit.depth,
        proposed_level=level,
        level=level,
        status=ResultStatus.PUBLISHED,
        effective_at=effective_at,
    )
