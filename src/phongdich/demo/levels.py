"""The demo's epidemic levels: the weekly inputs from the outbreak's records, then every week from the end of June
to mid-August 2021 assessed under Decision 2686's colour zones, reviewed and published on the Monday after (in effect
at once, a raise 48 hours later, the first red week's raises at once as an emergency, one commune's level changed by
the command centre with its reason), the week just ended proposed and awaiting review on the demo's day, and seed
000's target of a province "basically green" by 20/9/2021. Built through the services, on each Monday's clock."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from phongdich.core import clock
from phongdich.levels.choices import Level
from phongdich.levels.inputs import inputs_refresh
from phongdich.levels.models import LevelResult, LevelTarget
from phongdich.levels.seeds import GREEN_TARGET
from phongdich.levels.services import (
    assessment_publish,
    assessment_run,
    raises_in,
    result_override,
    results_approve,
)
from phongdich.levels.weeks import last_full_week
from phongdich.places.choices import Structure, UnitLevel
from phongdich.places.models import AdminUnit

from .outbreak import AS_OF

ACTOR = "demo"
RULES = "2686"  # Decision 4800 came into force on 12/10/2021, after the demo's day
FIRST_WEEK = date(2021, 6, 28)
EMERGENCY = "Số ca cộng đồng tăng nhanh, nhiều chuỗi lây nhiễm chưa rõ nguồn: áp dụng ngay, không chờ 48 giờ"
OVERRIDE = "Ổ dịch đã được khoanh vùng, phong tỏa chặt; các ca mới đều trong khu cách ly (quyết định của BCĐ huyện)"


@dataclass
class LevelsResult:
    published: int = 0
    proposed: int = 0
    red_communes: int = 0
    weeks: int = 0


def build_levels(*, rng: random.Random) -> LevelsResult:
    result = LevelsResult()
    province = AdminUnit.objects.get(structure=Structure.LEGACY, parent=None)
    LevelTarget.objects.create(unit=province, **GREEN_TARGET)
    result.weeks = len(inputs_refresh(since=FIRST_WEEK).weeks)
    last = last_full_week(AS_OF)
    week, emergency_used, overridden = FIRST_WEEK, False, False
    while week < last:
        monday = week + timedelta(days=7)
        clock.use(monday)
        assessment = assessment_run(actor=ACTOR, on=monday, rules_code=RULES)
        if not overridden and week >= last - timedelta(days=14):
            overridden = _override_one(assessment, rng)
        results_approve(actor=ACTOR, assessment=assessment)
        raised = raises_in(assessment)
        emergency = bool(raised) and not emergency_used and any(row.level == Level.VERY_HIGH for row in raised)
        emergency_used |= emergency
        now = clock.now()
        assessment_publish(
            actor=ACTOR,
            assessment=assessment,
            effective_at=now,
            raises_effective_at=now if emergency else now + timedelta(hours=48),
            emergency_reason=EMERGENCY if emergency else "",
        )
        result.published += 1
        week += timedelta(days=7)
    clock.use(AS_OF)
    latest = assessment_run(actor=ACTOR, on=AS_OF, rules_code=RULES)
    result.proposed = 1
    result.red_communes = latest.results.filter(unit__level=UnitLevel.COMMUNE, proposed_level=Level.VERY_HIGH).count()
    return result


def _override_one(assessment, rng: random.Random) -> bool:
    """A commune the rules put at level 4 that its district argues down to 3: the outbreak is sealed off."""
    candidates = list(
        LevelResult.objects.filter(
            assessment=assessment, unit__level=UnitLevel.COMMUNE, proposed_level=Level.VERY_HIGH
        ).order_by("unit_path")
    )
    if not candidates:
        return False
    result_override(actor=ACTOR, result=rng.choice(candidates), level=Level.HIGH, reason=OVERRIDE)
    return True
