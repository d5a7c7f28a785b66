"""/api/v1/command/duty: shifts, the shift on duty, entries (listed and logged) and briefings, each persona seeing
its jurisdiction; ids in the body resolved through it first (422 on the field), the path's answering 404."""

import json
from datetime import timedelta

import pytest

from phongdich.core import clock
from phongdich.core.testing import unit
from phongdich.people.models import Person

from ...models import DutyEntry
from ..services import decision_add
from .world import HIEP_THANH, LAI_THIEU, held, logged, opened, tam_case, user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
BASE = "/api/v1/command/duty"


def post(client, url: str, body: dict):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


def an_entry(shift, **changes) -> dict:
    return {
        "shift_id": shift.pk,
        "at": (clock.now() - timedelta(minutes=15)).isoformat(),
        "source": "radio",
        "caller": "Chốt kiểm soát số 3",
        "category": "order",
        "content": "Xe tải chở hàng thiết yếu không có giấy luồng xanh.",
        "actions": "Hướng dẫn tài xế khai báo lại.",
    } | changes


def test_each_persona_lists_the_shifts_of_their_jurisdiction(api_as, shift):
    other = opened(by="other_commune", code=HIEP_THANH, lead="other_commune", officers=())
    for persona, expected in (
        ("province_commander", {shift.pk, other.pk}),
        ("district_officer", {shift.pk}),
        ("commune_officer", {shift.pk}),
        ("other_commune", {other.pk}),
    ):
        items = api_as(persona).get(f"{BASE}/shifts").json()["items"]
        assert {item["id"] for item in items} == expected, persona
    assert api_as("analyst").get(f"{BASE}/shifts").status_code == 403


def test_the_shift_list_costs_the_same_queries_however_many_shifts(api_as, shift, queries_do_not_grow):
    client = api_as("district_officer")

    def more():
        for number in range(1, 6):
            opened(starts=6 + 8 * number, lead="district_officer", officers=("commune_officer", "district_admin"))

    before, after = queries_do_not_grow(8, lambda: client.get(f"{BASE}/shifts"), more)
    assert len(after.json()["items"]) == 6


def test_the_shift_on_duty_in_the_callers_unit_or_a_unit_they_name(api_as, shift):
    now = api_as("commune_officer").get(f"{BASE}/shifts/current").json()
    assert now["unit_id"] == unit(LAI_THIEU).pk and now["shift"]["id"] == shift.pk
    assert now["shift"]["lead_id"] == user("commune_officer").pk
    none = api_as("other_commune").get(f"{BASE}/shifts/current").json()
    assert none == {"unit_id": unit(HIEP_THANH).pk, "shift": None}
    assert api_as("other_commune").get(f"{BASE}/shifts/current?unit={unit(LAI_THIEU).pk}").status_code == 404


def test_an_officer_logs_an_entry_through_the_api(api_as, shift):
    answer = post(api_as("commune_officer"), f"{BASE}/entries", an_entry(shift, case_id=tam_case().pk))
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["category"] == "order" and body["case_person"] == "Đỗ Văn Tâm"
    assert DutyEntry.objects.get().recorded_by == user("commune_officer")


def test_ids_in_the_body_outside_the_jurisdiction_answer_422_on_their_field(api_as, shift):
    answer = post(api_as("other_commune"), f"{BASE}/entries", an_entry(shift))
    assert answer.status_code == 422 and list(answer.json()["fields"]) == ["shift_id"]
    answer = post(api_as("commune_officer"), f"{BASE}/entries", an_entry(shift, case_id=999_999))
    assert answer.status_code == 422 and list(answer.json()["fields"]) == ["case_id"]
    assert not DutyEntry.objects.exists()


def test_a_bad_entry_answers_422_with_the_services_messages(api_as, shift):
    late = (shift.starts_at - timedelta(hours=2)).isoformat()
    answer = post(api_as("commune_officer"), f"{BASE}/entries", an_entry(shift, at=late, content=" "))
    fields = answer.json()["fields"]
    assert answer.status_code == 422 and set(fields) == {"at", "content"}
    assert fields["content"] == ["Ghi nội dung được báo."]


def test_the_entries_name_a_case_inside_the_jurisdiction_and_mask_it_outside(api_as, shift):
    logged(shift, case=tam_case())
    person = tam_case().person_id
    assert api_as("district_officer").get(f"{BASE}/entries").json()["items"][0]["case_person"] == "Đỗ Văn Tâm"
    Person.objects.filter(pk=person).update(unit=unit(f"{HIEP_THANH}-01"))
    masked = api_as("commune_officer").get(f"{BASE}/entries").json()["items"][0]["case_person"]
    assert f"#{person}" in masked and "Đỗ Văn Tâm" not in masked


def test_the_entries_filter_and_cost_the_same_queries_however_many(api_as, shift, queries_do_not_grow):
    logged(shift, case=tam_case())
    client = api_as("district_officer")

    def more():
        for minutes in range(5, 60, 10):
            logged(shift, minutes_ago=minutes, category="supplies", case=tam_case())

    before, after = queries_do_not_grow(8, lambda: client.get(f"{BASE}/entries"), more)
    assert len(after.json()["items"]) == 7
    assert len(client.get(f"{BASE}/entries?category=supplies").json()["items"]) == 6
    assert client.get(f"{BASE}/entries?category=nothing").status_code == 422


def test_the_briefings_and_a_briefing_with_its_decisions(api_as, world):
    briefing = held()
    decision_add(actor=user("district_officer"), briefing=briefing, text="Mở thêm 01 trạm y tế lưu động.")
    items = api_as("commune_officer").get(f"{BASE}/briefings").json()["items"]
    assert [item["id"] for item in items] == [briefing.pk]
    detail = api_as("commune_officer").get(f"{BASE}/briefings/{briefing.pk}").json()
    assert detail["status"] == "held" and [d["text"] for d in detail["decisions"]] == ["Mở thêm 01 trạm y tế lưu động."]
    assert sorted(detail["attendee_names"]) == ["commune_officer", "district_officer"]
    assert detail["body_names"] == ["UBND phường Lái Thiêu"]
    assert api_as("other_commune").get(f"{BASE}/briefings/{briefing.pk}").status_code == 404
    assert api_as("other_commune").get(f"{BASE}/briefings").json()["items"] == []


def test_the_entries_page_by_their_time_newest_first_across_cursors(api_as, shift):
    for minutes in (50, 10, 30, 40, 20):
        logged(shift, minutes_ago=minutes, content=f"Cuộc gọi {minutes} phút trước")
    client, seen, cursor = api_as("commune_officer"), [], None
    while True:
        page = client.get(f"{BASE}/entries?limit=2" + (f"&cursor={cursor}" if cursor else "")).json()
        seen += [item["content"] for item in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == [f"Cuộc gọi {minutes} phút trước" for minutes in (10, 20, 30, 40, 50)]
    assert client.get(f"{BASE}/entries?cursor=not-a-cursor").status_code == 422
