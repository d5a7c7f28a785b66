"""/api/v1/levels/zones: the list, figures and an area's detail for who sees areas; declaring, lifting and extending
for who may, with ids resolved through the caller's jurisdiction first (404 in the path, 422 in the body)."""

import json
from datetime import timedelta

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from phongdich.core.testing import unit

from ..services import zone_end
from .world import HIEP_THANH, KP1, LAI_THIEU, august, days_from_now, declared, officer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
BASE = "/api/v1/levels/zones"


def post(client, url: str, body: dict):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


def a_body(**changes) -> dict:
    start = days_from_now(0)
    return {
        "kind": "lockdown",
        "name": "Vùng đỏ Khu phố 1",
        "unit_id": unit(LAI_THIEU).pk,
        "unit_ids": [unit(KP1).pk],
        "starts_at": start.isoformat(),
        "planned_end_at": (start + timedelta(days=14)).isoformat(),
        "leave_test": "pcr",
    } | changes


def test_the_list_gives_each_persona_the_zones_of_their_jurisdiction(api_as, zone):
    hiep_thanh = declared(
        by="other_commune", name="Vùng đỏ Hiệp Thành", unit=unit(HIEP_THANH), units=[], addresses=["Số 1 Lê Lợi"]
    )
    for persona, expected in (
        ("province_commander", {zone.pk, hiep_thanh.pk}),
        ("analyst", {zone.pk, hiep_thanh.pk}),
        ("district_officer", {zone.pk}),
        ("commune_officer", {zone.pk}),
        ("other_commune", {hiep_thanh.pk}),
        ("health_worker", {zone.pk}),
    ):
        items = api_as(persona).get(BASE).json()["items"]
        assert {item["id"] for item in items} == expected, persona
    assert api_as("outsider").get(BASE).status_code == 403


def test_the_list_pages_and_filters_with_the_same_queries_however_many_zones(api_as, zone, queries_do_not_grow):
    client = api_as("district_officer")

    def more():
        for number in range(5):
            declared(name=f"Vùng đỏ {number}", units=[unit(KP1), unit(LAI_THIEU)])

    before, after = queries_do_not_grow(8, lambda: client.get(f"{BASE}?state=open&limit=3"), more)
    assert len(before.json()["items"]) == 1 and len(after.json()["items"]) == 3 and after.json()["next_cursor"]
    item = before.json()["items"][0]
    assert item["unit_ids"] == [unit(KP1).pk] and item["state"] == "open" and item["unit_name"] == "Phường Lái Thiêu"


def test_the_figures_count_early_endings_and_durations(api_as, zone):
    ended = declared(starts_at=august(1), planned_end_at=august(15))
    zone_end(actor=officer(), zone=ended, ended_at=august(11), end_reason="Hết ca mắc")
    figures = api_as("analyst").get(f"{BASE}/figures").json()
    assert figures == {
        "open": 1,
        "planned": 0,
        "overdue": 0,
        "ended": 1,
        "ended_early": 1,
        "median_days": 10.0,
        "mean_days": 10.0,
        "residents": 3,
    }
    assert api_as("analyst").get(f"{BASE}/figures?state=nonsense").status_code == 422


def test_the_detail_counts_the_residents_and_their_test_to_leave(api_as, zone):
    body = api_as("analyst").get(f"{BASE}/{zone.pk}").json()
    progress = body["leave_test_progress"]
    assert body["residents"] == 3 and (progress["waiting"], progress["not_sampled"]) == (1, 2)  # Hằng's pooled sample
    assert api_as("other_commune").get(f"{BASE}/{zone.pk}").status_code == 404
    assert api_as("other_commune").get(f"{BASE}/0").status_code == 404


def test_a_commune_officer_declares_a_zone_and_gets_it_back_counted(api_as, world):
    answer = post(api_as("commune_officer"), BASE, a_body())
    assert answer.status_code == 201, answer.content
    assert answer.json()["residents"] == 3 and answer.json()["unit_ids"] == [unit(KP1).pk]


def test_units_outside_the_callers_jurisdiction_are_refused_on_their_field_before_anything_else(api_as, world):
    client = api_as("commune_officer")
    answer = post(client, BASE, a_body(unit_id=unit(HIEP_THANH).pk, planned_end_at="2021-01-01T00:00:00+07:00"))
    assert answer.status_code == 422 and list(answer.json()["fields"]) == ["unit_id"]
    answer = post(client, BASE, a_body(unit_ids=[unit(KP1).pk, unit(f"{HIEP_THANH}-01").pk]))
    assert answer.status_code == 422 and list(answer.json()["fields"]) == ["unit_ids"]
    assert post(api_as("analyst"), BASE, a_body()).status_code == 403


def test_a_zone_ending_before_it_starts_is_refused_with_its_message(api_as, world):
    answer = post(
        api_as("district_officer"),
        BASE,
        a_body(starts_at="2021-08-10T08:00:00+07:00", planned_end_at="2021-08-03T08:00:00+07:00"),
    )
    assert answer.status_code == 422
    with translation.override("vi"):
        message = _("The planned end (%(end)s) must come after the start (%(start)s).")
    assert answer.json()["fields"] == {
        "planned_end_at": [message % {"end": "03/08/2021 08:00", "start": "10/08/2021 08:00"}]
    }


def test_lifting_early_through_the_api_needs_a_reason_and_is_refused_outside_the_commune(api_as, zone):
    now = days_from_now(0).isoformat()
    assert post(api_as("other_commune"), f"{BASE}/{zone.pk}/end", {"ended_at": now}).status_code == 404
    refused = post(api_as("commune_officer"), f"{BASE}/{zone.pk}/end", {"ended_at": now})
    assert refused.status_code == 422 and list(refused.json()["fields"]) == ["end_reason"]
    done = post(api_as("commune_officer"), f"{BASE}/{zone.pk}/end", {"ended_at": now, "end_reason": "Âm tính"})
    assert done.status_code == 200 and done.json()["state"] == "ended_early" and done.json()["ended_early"]


def test_extending_through_the_api(api_as, zone):
    later = (zone.planned_end_at + timedelta(days=7)).isoformat()
    answer = post(api_as("district_officer"), f"{BASE}/{zone.pk}/extend", {"planned_end_at": later, "reason": "Còn ca"})
    assert answer.status_code == 200 and answer.json()["planned_end_at"].startswith(later[:16])
    assert (
        post(api_as("analyst"), f"{BASE}/{zone.pk}/extend", {"planned_end_at": later, "reason": "x"}).status_code == 403
    )


def test_a_residential_group_is_refused_as_the_area_a_zone_lies_in(api_as, world):
    answer = post(
        api_as("commune_officer"),
        BASE,
        a_body(kind="red_point", unit_id=unit(KP1).pk, unit_ids=[], addresses=["Số 12 Lê Lợi"]),
    )
    assert answer.status_code == 422 and list(answer.json()["fields"]) == ["unit"]
