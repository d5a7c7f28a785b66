"""GET /api/v1/levels/map: a published week's levels unit by unit, for whoever may see levels."""

import pytest

from phongdich.levels.choices import AssessmentStatus
from phongdich.places.models import AdminUnit

from .world import HIEP_THANH, LAI_THIEU, NEXT_WEEK, WEEK, published

pytestmark = pytest.mark.django_db


def test_the_latest_published_week_comes_unit_by_unit_with_its_level_and_depth(api_as):
    published(WEEK, {LAI_THIEU: 4})
    assessment = published(NEXT_WEEK, {LAI_THIEU: 3}, no_population=(HIEP_THANH,))
    published(NEXT_WEEK.replace(day=25), {LAI_THIEU: 1}, status=AssessmentStatus.PROPOSED)
    body = api_as("commune_officer").get("/api/v1/levels/map").json()
    assert body["assessment_id"] == assessment.pk and body["week"] == "2021-10-18"
    units = {unit["code"]: unit for unit in body["units"]}
    assert len(units) == AdminUnit.objects.filter(depth__lte=2).count()
    assert units[LAI_THIEU] == {
        "code": LAI_THIEU,
        "name": "Phường Lái Thiêu",
        "level": 3,
        "depth": 2,
        "effective_at": units[LAI_THIEU]["effective_at"],
    }
    assert units[HIEP_THANH]["level"] is None and units["74"]["depth"] == 0


def test_a_chosen_week_and_depth(api_as):
    published(WEEK, {"725": 4})
    published(NEXT_WEEK)
    body = api_as("analyst").get("/api/v1/levels/map?week=2021-10-11&depth=1").json()
    assert len(body["units"]) == 9 and {u["depth"] for u in body["units"]} == {1}
    assert next(u for u in body["units"] if u["code"] == "725")["level"] == 4


def test_a_week_that_was_not_published_answers_404_and_a_malformed_one_422(api_as):
    published(WEEK)
    published(NEXT_WEEK, status=AssessmentStatus.PROPOSED)
    client = api_as("province_commander")
    assert client.get("/api/v1/levels/map?week=2021-10-18").status_code == 404
    assert client.get("/api/v1/levels/map?week=hôm-qua").status_code == 422


def test_only_roles_that_see_levels_read_them(api_as):
    published(WEEK)
    expected = {"health_worker": 200, "community_team": 200, "outsider": 403, "lab_technician": 403}
    for persona, status in expected.items():
        assert api_as(persona).get("/api/v1/levels/map").status_code == status, persona


def test_the_levels_cost_the_same_queries_with_residential_groups(api_as, queries_do_not_grow):
    published(WEEK)
    client = api_as("province_commander")
    before, after = queries_do_not_grow(
        8, lambda: client.get("/api/v1/levels/map"), lambda: published(NEXT_WEEK, groups=True)
    )
    assert len(after.json()["units"]) > len(before.json()["units"])
