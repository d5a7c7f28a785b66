"""The workers' hourly levels job: fresh inputs, and one proposal per ended week."""

import pytest

from phongdich.core.background import PERIODIC
from phongdich.levels.models import Assessment, WeeklyInput
from phongdich.levels.tasks import levels_hourly

from .world import WEEK

pytestmark = pytest.mark.django_db


def test_the_hourly_job_is_registered_with_the_workers():
    assert "phongdich.levels.tasks.levels_hourly" in PERIODIC


def test_the_hourly_job_counts_new_cases_and_proposes_the_ended_week_once(levels_world):
    levels_hourly()
    levels_hourly()
    assessment = Assessment.objects.get()
    assert (assessment.week, assessment.status, assessment.rules.code) == (WEEK, "proposed", "4800")
    assert WeeklyInput.objects.get(week=WEEK, unit__code="25966-01").community_cases == 6
