"""/api/v1/levels/measures: the version in force (on a day), the versions, what is allowed in a unit, a new version."""

import json
from datetime import datetime, timedelta

import pytest
from django.utils import translation
from django.utils.translation import gettext

from phongdich.levels.measures.services import where
from phongdich.levels.models import MeasureRules

from .world import grid_of, publish


def in_vietnamese(message: str, **values) -> str:
    """What the API answers, in the default language, whatever the catalogue translates yet."""
    with translation.override("vi"):
        if "where" in values:
            values["where"] = where(*values["where"])
        return gettext(message) % values


def body(rules, **changes) -> dict:
    return {
        "effective_from": "2021-11-15",
        "source_document": "Quyết định của UBND tỉnh Bình Dương về biện pháp theo cấp độ dịch (11/2021)",
        "document_date": "2021-11-12",
        "name": "Bình Dương điều chỉnh 11/2021",
        "measures": grid_of(rules),
        "verify": ["meetings"],
    } | changes


def post(client, payload):
    return client.post("/api/v1/levels/measures", json.dumps(payload), content_type="application/json")


def test_the_version_in_force_today_and_on_a_day_before_resolution_128(api_as, pre_128, resolution_128):
    client = api_as("community_team")
    today = client.get("/api/v1/levels/measures").json()
    assert today["id"] == resolution_128.pk and today["by_level"] is True
    assert today["measures"]["nightlife"]["2"]["status"] == "closed"
    assert "meetings" in today["verify"]
    before = client.get("/api/v1/levels/measures?on=2021-09-30").json()
    assert before["id"] == pre_128.pk and before["measures"]["gatherings"]["4"]["limit"] == 10


def test_every_version_newest_first(api_as, pre_128, resolution_128):
    versions = api_as("analyst").get("/api/v1/levels/measures/versions").json()
    assert [version["id"] for version in versions] == [resolution_128.pk, pre_128.pk]


def test_what_is_allowed_in_a_commune_at_its_published_level(api_as, world, resolution_128):
    lai_thieu = world.unit("25966")
    result = publish(lai_thieu, 3, days_ago=2)
    allowed = api_as("commune_officer").get(f"/api/v1/levels/measures/allowed/{lai_thieu.pk}").json()
    assert (allowed["level"], allowed["level_unit_id"]) == (3, lai_thieu.pk)
    assert allowed["rules"]["id"] == resolution_128.pk and allowed["upcoming_level"] is None
    assert abs(datetime.fromisoformat(allowed["since"]) - result.effective_at) < timedelta(seconds=1)
    tourism = next(cell for cell in allowed["measures"] if cell["activity"] == "tourism")
    assert (tourism["level"], tourism["status"], tourism["limit"], tourism["limit_kind"], tourism["verify"]) == (
        3,
        "limited",
        50,
        "percent",
        True,
    )
    assert tourism["limit_text"] == in_vietnamese("at most %(n)s %% of capacity", n="50")
    assert [other["level"] for other in allowed["changes"]] == [4, 2, 1]
    to_4 = {change["activity"]: change for change in allowed["changes"][0]["changes"]}
    assert to_4["restaurants"]["before"]["status"] == "open" and to_4["restaurants"]["after"]["limit"] == 30


def test_a_unit_without_a_level_gets_every_level(api_as, world, resolution_128):
    allowed = api_as("district_officer").get(f"/api/v1/levels/measures/allowed/{world.unit('25966').pk}").json()
    assert allowed["level"] is None and allowed["changes"] == []
    assert len(allowed["measures"]) == 14 * 4


def test_another_communes_unit_is_not_found(api_as, world, resolution_128):
    response = api_as("other_commune").get(f"/api/v1/levels/measures/allowed/{world.unit('25966').pk}")
    assert response.status_code == 404


def test_the_province_commander_adds_a_version(api_as, resolution_128):
    response = post(api_as("province_commander"), body(resolution_128))
    assert response.status_code == 201
    created = response.json()
    assert created["effective_from"] == "2021-11-15" and created["verify"] == ["meetings"]
    assert MeasureRules.objects.filter(pk=created["id"]).exists()


@pytest.mark.parametrize("persona", ["district_officer", "analyst", "commune_officer", "district_admin"])
def test_no_one_below_the_province_adds_a_version(api_as, resolution_128, persona):
    assert post(api_as(persona), body(resolution_128)).status_code == 403
    assert MeasureRules.objects.count() == 2


def test_a_faulty_version_is_refused_with_each_fault_named(api_as, resolution_128):
    payload = body(resolution_128)
    payload["measures"]["restaurants"]["4"]["limit"] = 150
    payload["measures"]["meetings"]["1"]["limit"] = 0
    response = post(api_as("province_commander"), payload)
    assert response.status_code == 422
    assert response.json()["fields"]["measures"] == [
        in_vietnamese(
            "%(where)s: a share of capacity is at most 100 %%, not %(limit)d %%.",
            where=("restaurants", "4"),
            limit=150,
        ),
        in_vietnamese("%(where)s: the limit is a whole number, at least 1.", where=("meetings", "1")),
    ]
