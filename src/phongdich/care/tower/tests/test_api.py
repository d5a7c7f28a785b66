"""/api/v1/care/tower: the board, suggestions, admissions (409 no_free_bed when none is free, a retry with the
same key gives back the same admission), transfers and answers; every id resolved through the caller's scope."""

import json

import pytest

from ...tests.reporting import resident
from ..models import Admission
from .world import ward_of

pytestmark = pytest.mark.django_db
API = "/api/v1/care/tower"


def post(client, path: str, data: dict):
    return client.post(f"{API}{path}", json.dumps(data), content_type="application/json")


def test_the_board_gives_beds_by_kind_for_each_facility_and_in_total(tower, api_as):
    board = api_as("province_commander").get(f"{API}/board").json()
    becamex = next(row for row in board["facilities"] if row["name"] == "Bệnh viện Quốc tế Becamex")
    assert becamex["tier"] == 3 and becamex["beds"]["icu"] == {"beds": 2, "occupied": 0, "held": 0, "free": 2}
    assert board["total"]["beds"]["regular"]["beds"] == 20 + 50 + 2
    assert api_as("outsider").get(f"{API}/board").status_code == 403


def test_suggestions_are_the_nearest_facilities_of_the_tier_with_a_free_bed(tower, api_as, world):
    found = (
        api_as("province_commander")
        .get(f"{API}/suggestions", {"tier": 2, "bed_kind": "oxygen", "unit_id": world.unit("25966-01").pk})
        .json()
    )
    assert [item["name"] for item in found] == ["Bệnh viện dã chiến Phú Chánh"] and found[0]["distance_km"] > 10


def test_an_admission_to_a_full_bed_kind_answers_409_no_free_bed(tower, api_as, world):
    client = api_as("province_commander")
    people = [resident(world, f"Bệnh nhân {index}", serial=6700 + index) for index in range(3)]
    answers = [
        post(client, "/admissions", {"person_id": person.pk, "facility_id": tower.becamex.pk, "bed_kind": "icu"})
        for person in people
    ]
    assert [answer.status_code for answer in answers] == [201, 201, 409]
    assert answers[2].json()["code"] == "no_free_bed" and "Becamex" in answers[2].json()["message"]
    assert ward_of(tower.becamex, "icu").occupied == 2


def test_a_retried_admission_with_the_same_key_is_not_duplicated(tower, api_as, world):
    client = api_as("province_commander")
    person = resident(world, "Lê Thị Hoa", serial=6500)
    body = {"person_id": person.pk, "facility_id": tower.site.pk, "bed_kind": "regular", "client_key": "may-1-0001"}
    first, again = post(client, "/admissions", body), post(client, "/admissions", body)
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert Admission.objects.filter(person=person).count() == 1


def test_ids_outside_the_callers_scope_answer_like_missing_ones(tower, api_as, world):
    person = resident(world, "Lê Thị Hoa", serial=6500)
    staff_token = api_as("other_commune")
    refused = post(
        staff_token, "/admissions", {"person_id": person.pk, "facility_id": tower.becamex.pk, "bed_kind": "icu"}
    )
    assert refused.status_code in (403, 422)
    missing = post(
        api_as("province_commander"),
        "/admissions",
        {"person_id": 10**9, "facility_id": tower.becamex.pk, "bed_kind": "icu"},
    )
    assert missing.status_code == 422 and list(missing.json()["fields"]) == ["person_id"]


def test_a_transfer_asked_of_a_hospital_is_accepted_by_its_staff_through_the_api(tower, api_as, world, client):
    from django.test import Client

    from phongdich.accounts.services import api_token_create

    person = resident(world, "Lê Thị Hoa", serial=6500)
    created = post(
        api_as("health_worker"),
        "/transfers",
        {"person_id": person.pk, "reason": "SpO₂ 92 %", "vitals": {"spo2": 92, "breathing_rate": 27}},
    )
    assert created.status_code == 201 and created.json()["tier"] == 3
    transfer = created.json()
    assert [offer["facility_name"] for offer in transfer["offers"]] == ["Bệnh viện Quốc tế Becamex"]
    _token, plain = api_token_create(actor=tower.becamex_staff, user=tower.becamex_staff, name="test")
    staff = Client(headers={"Authorization": f"Bearer {plain}"})
    answer = post(staff, f"/transfers/{transfer['id']}/offers/{tower.becamex.pk}", {"accept": True})
    assert answer.status_code == 200 and answer.json()["status"] == "accepted"
    admitted = post(
        staff,
        "/admissions",
        {"person_id": person.pk, "facility_id": tower.becamex.pk, "bed_kind": "icu", "transfer_id": transfer["id"]},
    )
    assert admitted.status_code == 201 and ward_of(tower.becamex, "icu").occupied == 1


def test_the_admission_list_is_scoped_to_the_callers_facilities(tower, api_as, world):
    admission_body = {"facility_id": tower.becamex.pk, "bed_kind": "regular"}
    for index in range(2):
        person = resident(world, f"Bệnh nhân {index}", serial=6800 + index)
        post(api_as("province_commander"), "/admissions", {"person_id": person.pk, **admission_body})
    listed = api_as("province_commander").get(f"{API}/admissions").json()["items"]
    assert len(listed) == 2 and listed[0]["person_name"].startswith("Bệnh nhân")
    assert api_as("other_commune").get(f"{API}/admissions").json()["items"] == []


def test_the_admission_list_costs_the_same_queries_with_more_admissions(tower, api_as, world, queries_do_not_grow):
    client = api_as("province_commander")
    serials = iter(range(7000, 7100))

    def more():
        for _ in range(3):
            person = resident(world, "Bệnh nhân Trần Văn Nam", serial=next(serials))
            post(
                client, "/admissions", {"person_id": person.pk, "facility_id": tower.becamex.pk, "bed_kind": "regular"}
            )

    more()
    before, after = queries_do_not_grow(8, lambda: client.get(f"{API}/admissions"), more)
    assert len(after.json()["items"]) == len(before.json()["items"]) + 3


def test_a_ward_set_below_its_patients_through_the_api_is_refused_with_the_numbers(tower, api_as, world):
    client = api_as("district_officer")
    post(
        api_as("province_commander"),
        "/admissions",
        {
            "person_id": resident(world, "Lê Thị Hoa", serial=6500).pk,
            "facility_id": tower.site.pk,
            "bed_kind": "regular",
        },
    )
    refused = post(client, f"/facilities/{tower.site.pk}/beds", {"bed_kind": "regular", "beds": 0})
    assert refused.status_code == 422 and "1" in refused.json()["fields"]["beds"][0]
    done = post(client, f"/facilities/{tower.site.pk}/beds", {"bed_kind": "regular", "beds": 30, "reason": "Mở thêm"})
    assert done.status_code == 200 and done.json()["free"] == 29
    assert (
        post(
            api_as("other_commune"), f"/facilities/{tower.site.pk}/beds", {"bed_kind": "regular", "beds": 30}
        ).status_code
        == 403
    )
