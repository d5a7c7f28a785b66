"""Assessing, reviewing and publishing levels: the workflow of the command centre."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from phongdich.core import clock
from phongdich.core.scoping import OutOfScope
from phongdich.levels.choices import AssessmentStatus, Outcome, ResultStatus
from phongdich.levels.inputs import inputs_refresh
from phongdich.levels.models import LevelResult, WeeklyInput
from phongdich.levels.selectors import level_now
from phongdich.levels.services import (
    assessment_publish,
    assessment_run,
    capacity_enter,
    level_rules_add,
    result_override,
    results_approve,
)

from .world import ASSESSED_ON, WEEK

pytestmark = pytest.mark.django_db


def assessed(world, rules_code="4800"):
    inputs_refresh(weeks=[WEEK])
    return assessment_run(actor=world.user("province_commander"), on=ASSESSED_ON, rules_code=rules_code)


def result_of(assessment, code):
    return LevelResult.objects.get(assessment=assessment, unit__code=code)


def test_community_cases_of_the_week_are_counted_where_the_person_lives(levels_world):
    inputs_refresh(weeks=[WEEK])
    row = WeeklyInput.objects.get(week=WEEK, unit__code="25966-01")
    assert (row.cases, row.community_cases) == (7, 6)


def test_every_unit_of_the_province_gets_a_result_with_its_inputs(levels_world):
    assessment = assessed(levels_world)
    lai_thieu = result_of(assessment, "25966")
    assert lai_thieu.inputs["community_per_100k"] == 60.0
    assert (lai_thieu.case_band, lai_thieu.proposed_level, lai_thieu.status) == (3, 4, ResultStatus.PROPOSED)
    assert assessment.results.count() == levels_world.unit("74").__class__.objects.count()


def test_a_commune_without_population_is_reported_as_such(levels_world):
    assessment = assessed(levels_world)
    assert result_of(assessment, "25969").outcome == Outcome.NO_POPULATION


def test_a_district_officer_cannot_run_the_province_assessment(levels_world):
    with pytest.raises(PermissionDenied):
        assessment_run(actor=levels_world.user("district_officer"), on=ASSESSED_ON)


def test_running_the_same_week_again_replaces_the_unpublished_proposal(levels_world):
    first = assessed(levels_world)
    second = assessed(levels_world)
    assert not type(first).objects.filter(pk=first.pk).exists()
    assert second.results.exists()


def test_publishing_needs_every_proposal_reviewed(levels_world):
    assessment = assessed(levels_world)
    with pytest.raises(ValidationError, match="chờ xem xét"):
        assessment_publish(
            actor=levels_world.user("province_commander"),
            assessment=assessment,
            effective_at=clock.now() + timedelta(hours=49),
        )


def test_an_override_needs_a_reason_and_keeps_the_proposal_beside_it(levels_world):
    commander = levels_world.user("province_commander")
    lai_thieu = result_of(assessed(levels_world), "25966")
    with pytest.raises(ValidationError) as refused:
        result_override(actor=commander, result=lai_thieu, level=3, reason=" ")
    assert "reason" in refused.value.message_dict
    changed = result_override(
        actor=commander, result=lai_thieu, level=3, reason="Ổ dịch đã khoanh vùng trong khu phố 1"
    )
    assert (changed.proposed_level, changed.level, changed.status) == (4, 3, ResultStatus.APPROVED)


def publish_first_week(world):
    """A published week with every unit green, so the next assessment raises Lái Thiêu."""
    commander = world.user("province_commander")
    first = assessed(world)
    LevelResult.objects.filter(assessment=first).update(proposed_level=1)
    results_approve(actor=commander, assessment=first)
    return assessment_publish(actor=commander, assessment=first, effective_at=clock.now())


def test_a_raise_takes_effect_no_sooner_than_48_hours_after_publication(levels_world):
    commander = levels_world.user("province_commander")
    publish_first_week(levels_world)
    second = assessed(levels_world)
    results_approve(actor=commander, assessment=second)
    with pytest.raises(ValidationError, match="sau ít nhất 48 giờ"):
        assessment_publish(actor=commander, assessment=second, effective_at=clock.now() + timedelta(hours=47))
    published = assessment_publish(actor=commander, assessment=second, effective_at=clock.now() + timedelta(hours=48))
    assert published.status == AssessmentStatus.PUBLISHED


def test_an_emergency_reason_lets_a_raise_take_effect_at_once(levels_world):
    commander = levels_world.user("province_commander")
    publish_first_week(levels_world)
    second = assessed(levels_world)
    results_approve(actor=commander, assessment=second)
    published = assessment_publish(
        actor=commander,
        assessment=second,
        effective_at=clock.now(),
        emergency_reason="Ổ dịch mới tại chợ Lái Thiêu, lây lan nhanh",
    )
    assert published.emergency_reason.startswith("Ổ dịch mới")
    assert level_now(levels_world.unit("25966")).level == 4


def test_the_level_in_effect_waits_for_the_effective_time(levels_world):
    commander = levels_world.user("province_commander")
    publish_first_week(levels_world)
    second = assessed(levels_world)
    results_approve(actor=commander, assessment=second)
    assessment_publish(actor=commander, assessment=second, effective_at=clock.now() + timedelta(hours=48))
    lai_thieu = levels_world.unit("25966")
    assert level_now(lai_thieu).level == 1
    assert level_now(lai_thieu, at=clock.now() + timedelta(hours=49)).level == 4


def test_a_residential_group_without_its_own_result_shows_its_communes_level(levels_world):
    publish_first_week(levels_world)
    group = levels_world.unit("25966-01")
    LevelResult.objects.filter(unit=group).delete()
    assert level_now(group).unit == levels_world.unit("25966")


def test_a_published_assessment_cannot_be_changed(levels_world):
    first = publish_first_week(levels_world)
    with pytest.raises(ValidationError, match="đã được công bố"):
        results_approve(actor=levels_world.user("province_commander"), assessment=first)


def test_capacity_figures_outside_ones_jurisdiction_are_refused(levels_world):
    with pytest.raises(OutOfScope):
        capacity_enter(
            actor=levels_world.user("commune_officer"),
            unit=levels_world.unit("25741"),
            on=WEEK,
            figures={"mobile_stations": 1},
        )


def test_capacity_figures_entered_stand_in_where_the_tower_has_none(levels_world):
    capacity_enter(
        actor=levels_world.user("commune_officer"),
        unit=levels_world.unit("25966"),
        on=WEEK,
        figures={"mobile_stations": 1, "care_teams": 2},
    )
    lai_thieu = result_of(assessed(levels_world), "25966")
    assert (lai_thieu.capacity_ok, lai_thieu.capacity_source) == (True, "entered")


def test_a_ruleset_with_overlapping_bands_is_refused_with_the_reason(levels_world):
    with pytest.raises(ValidationError) as refused:
        level_rules_add(
            actor=levels_world.user("province_commander"),
            effective_from=WEEK,
            source_document="Quyết định điều chỉnh tiêu chí của UBND tỉnh",
            document_date=WEEK,
            values={
                "code": "BD-1",
                "name": "Bình Dương điều chỉnh",
                "case_bands": [50, 20, 150],
                "matrix": {"high": [1, 2, 3, 4], "low": [2, 3, 4, 4]},
                "coverage_conditions": [],
                "capacity_rule": "none",
                "capacity_minimums": {},
                "aggregation": "children",
                "aggregate_levels": ["district"],
                "aggregation_rules": [],
            },
        )
    assert "chồng lấn" in refused.value.message_dict["case_bands"][0]


def test_a_new_case_refreshes_only_its_own_week_and_the_current_one(levels_world):
    inputs_refresh(weeks=[WEEK])
    report = inputs_refresh()
    assert report.weeks == [ASSESSED_ON]


def test_levels_kept_or_lowered_take_effect_at_once_while_raises_wait(levels_world):
    commander = levels_world.user("province_commander")
    publish_first_week(levels_world)
    LevelResult.objects.filter(assessment__status="published", unit__code="25741").update(level=3)
    second = assessed(levels_world)
    results_approve(actor=commander, assessment=second)
    now = clock.now()
    assessment_publish(
        actor=commander, assessment=second, effective_at=now, raises_effective_at=now + timedelta(hours=48)
    )
    soon = now + timedelta(minutes=1)
    assert level_now(levels_world.unit("25741"), at=soon).level == 2  # lowered from 3: at once
    assert level_now(levels_world.unit("25966"), at=soon).level == 1  # raised to 4: not yet
    assert level_now(levels_world.unit("25966"), at=now + timedelta(hours=48, minutes=1)).level == 4


def test_a_proposal_for_a_week_not_yet_ended_is_refused(levels_world):
    with pytest.raises(ValidationError) as refused:
        assessment_run(actor=levels_world.user("province_commander"), on=ASSESSED_ON + timedelta(days=1))
    assert "on" in refused.value.message_dict


def test_rules_that_take_effect_after_the_week_cannot_propose_its_levels(levels_world):
    with pytest.raises(ValidationError) as refused:
        assessment_run(actor=levels_world.user("province_commander"), on=ASSESSED_ON, rules_code="218")
    assert "27/01/2022" in refused.value.message_dict["rules"][0]


def test_the_reasons_end_with_the_command_centres_change(levels_world):
    from phongdich.levels.explain import sentences

    lai_thieu = result_of(assessed(levels_world), "25966")
    changed = result_override(
        actor=levels_world.user("province_commander"), result=lai_thieu, level=3, reason="Ổ dịch đã khoanh vùng"
    )
    assert sentences(changed.steps, changed)[-1].endswith("từ 4 thành 3: Ổ dịch đã khoanh vùng")
