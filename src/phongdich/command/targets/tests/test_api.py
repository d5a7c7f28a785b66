"""/api/v1/command/targets: the list with progress, a target and its readings, within the caller's jurisdiction
(404 outside it, as for a missing target)."""

import pytest

from ..services import targets_backfill
from .world import DEC, LAI_THIEU, PROVINCE, THUAN_AN, coverage, directive, full_coverage_target, rising

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
BASE = "/api/v1/command/targets"


@pytest.fixture
def measured(dated):
    coverage(PROVINCE, DEC, rising(DEC, 10, 70, 1))
    target = full_coverage_target(point=directive())
    targets_backfill(target=target)
    return target


def test_the_list_gives_each_persona_the_targets_of_their_jurisdiction(api_as, measured):
    lai_thieu = full_coverage_target(unit_code=LAI_THIEU)
    for persona, expected in (
        ("province_commander", {measured.pk, lai_thieu.pk}),
        ("analyst", {measured.pk, lai_thieu.pk}),
        ("district_officer", {lai_thieu.pk}),
        ("commune_officer", {lai_thieu.pk}),
        ("other_commune", set()),
    ):
        assert {item["id"] for item in api_as(persona).get(BASE).json()["items"]} == expected, persona
    assert api_as("health_worker").get(BASE).status_code == 403


def test_a_target_reads_with_its_progress_and_directive(api_as, measured):
    body = api_as("province_commander").get(f"{BASE}/{measured.pk}").json()
    assert (body["status"], body["latest_value"], body["percent_of_target"], body["directive_number"]) == (
        "on_track",
        79.0,
        79,
        "11-CT/TU",
    )
    assert body["metric_label"] == "Người dân đã tiêm đủ liều cơ bản (%)" and body["higher_is_better"] is True


def test_the_readings_come_oldest_first(api_as, measured):
    readings = api_as("analyst").get(f"{BASE}/{measured.pk}/readings").json()
    assert [reading["value"] for reading in readings] == [float(n) for n in range(70, 80)]
    assert readings[0]["day"] == "2021-12-01"


def test_a_target_outside_the_jurisdiction_is_not_found(api_as, measured):
    client = api_as("district_officer")
    assert client.get(f"{BASE}/{measured.pk}").status_code == 404
    assert client.get(f"{BASE}/{measured.pk}/readings").status_code == 404
    assert client.get(f"{BASE}/999999").status_code == 404


def test_the_list_filters_and_refuses_a_bad_status(api_as, measured):
    full_coverage_target(unit_code=THUAN_AN)
    client = api_as("province_commander")
    assert len(client.get(f"{BASE}?status=on_track").json()["items"]) == 2
    assert client.get(f"{BASE}?status=soon").status_code == 422


def test_the_list_costs_the_same_queries_with_more_targets(api_as, measured, queries_do_not_grow):
    client = api_as("province_commander")

    def more():
        for code in (LAI_THIEU, THUAN_AN, PROVINCE):
            full_coverage_target(unit_code=code, point=measured.point)

    queries_do_not_grow(8, lambda: client.get(BASE), more)
