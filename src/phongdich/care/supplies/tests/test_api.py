"""/api/v1/care/supplies/…: stock with days of cover, the low-stock alerts, and a movement recorded once however
often it is sent; scoped like the pages (another area's facility answers 404, a role without supplies 403)."""

import json

import pytest

from phongdich.care.supplies.models import StockLevel, StockMovement
from phongdich.places.choices import FacilityKind
from phongdich.places.models import Facility

from .conftest import issue, receive


def post(client, body: dict):
    return client.post("/api/v1/care/supplies/movements", json.dumps(body), content_type="application/json")


def test_the_stock_answers_on_hand_use_and_cover_for_the_callers_district(api_as, stocked):
    rows = api_as("district_officer").get("/api/v1/care/supplies/stock").json()
    oxygen = next(row for row in rows if row["item_code"] == "O2-BINH40")
    assert oxygen == {
        "facility_id": stocked["field_hospital"].pk,
        "facility_name": "Bệnh viện dã chiến số 2",
        "item_code": "O2-BINH40",
        "item_name": "Bình oxy 40 lít",
        "category": "oxygen",
        "unit_of_measure": "bình",
        "on_hand": 30,
        "daily_use": 10.0,
        "cover_days": 3.0,
        "low": False,
    }
    assert stocked["site"].pk not in {row["facility_id"] for row in rows}


def test_the_stock_of_a_facility_outside_the_callers_area_answers_404(api_as, stocked):
    response = api_as("district_officer").get("/api/v1/care/supplies/stock", {"facility": stocked["site"].pk})
    assert response.status_code == 404


def test_the_stock_costs_the_same_queries_however_many_facilities(api_as, world, stocked, queries_do_not_grow):
    client = api_as("province_commander")

    def add_facilities():
        for n in range(5):
            facility = Facility.objects.create(
                name=f"Bệnh viện dã chiến số {n + 3}", kind=FacilityKind.FIELD_HOSPITAL, unit=world.unit("25741")
            )
            receive(facility, "O2-LONG", 20000)
            issue(facility, "O2-LONG", 3000)

    before, after = queries_do_not_grow(8, lambda: client.get("/api/v1/care/supplies/stock"), add_facilities)
    assert len(after.json()) == len(before.json()) + 5


def test_the_low_stock_alerts_name_the_field_hospital_low_on_oxygen(api_as, stocked):
    issue(stocked["field_hospital"], "O2-BINH40", 1)
    rows = api_as("province_commander").get("/api/v1/care/supplies/low-stock").json()
    assert [(row["facility_name"], row["item_code"], row["low"]) for row in rows] == [
        ("Bệnh viện dã chiến số 2", "O2-BINH40", True)
    ]
    assert rows[0]["cover_days"] == 2.9


def test_a_movement_sent_twice_with_its_key_is_recorded_once(api_as, stocked):
    client = api_as("health_worker")
    body = {
        "facility_id": stocked["station"].pk,
        "item": "KT-YTE",
        "kind": "issue",
        "quantity": 25,
        "idempotency_key": "yte-laithieu-0815-1",
    }
    first = post(client, body)
    again = post(client, body)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"] and first.json()["effect"] == -25
    assert StockLevel.objects.get(facility=stocked["station"], item__code="KT-YTE").quantity == 475


def test_a_movement_beyond_the_stock_answers_422_in_vietnamese_and_writes_nothing(api_as, stocked):
    body = {"facility_id": stocked["field_hospital"].pk, "item": "O2-BINH40", "kind": "issue", "quantity": 31}
    response = post(api_as("district_officer"), body)
    assert response.status_code == 422
    assert response.json()["fields"]["quantity"] == ["Tồn kho Bình oxy 40 lít: còn 30, không thể xuất 31"]
    assert StockMovement.objects.filter(facility=stocked["field_hospital"]).count() == 8


def test_a_transfer_through_the_api_writes_both_legs(api_as, stocked):
    hospital, station = stocked["field_hospital"], stocked["station"]
    body = {"facility_id": hospital.pk, "item": "O2-BINH40", "kind": "transfer_out", "quantity": 5}
    response = post(api_as("district_officer"), body | {"counterpart_id": station.pk})
    assert response.status_code == 201, response.content
    assert StockLevel.objects.get(facility=station, item__code="O2-BINH40").quantity == 5


@pytest.mark.parametrize("persona", ["district_officer", "health_worker"])
def test_a_movement_at_a_facility_outside_the_callers_area_answers_404(api_as, stocked, persona):
    body = {"facility_id": stocked["site"].pk, "item": "THUOC-A", "kind": "receipt", "quantity": 10}
    assert post(api_as(persona), body).status_code == 404
    assert not StockMovement.objects.filter(facility=stocked["site"], item__code="THUOC-A").exists()


def test_a_transfer_to_a_facility_the_caller_cannot_see_answers_422_on_that_field(api_as, stocked):
    body = {"facility_id": stocked["field_hospital"].pk, "item": "O2-BINH40", "kind": "transfer_out", "quantity": 5}
    response = post(api_as("district_officer"), body | {"counterpart_id": stocked["site"].pk})
    assert response.status_code == 422 and "counterpart_id" in response.json()["fields"]


@pytest.mark.parametrize("persona", ["commune_officer", "outsider", "system_admin"])
def test_roles_without_supplies_are_refused(api_as, stocked, persona):
    client = api_as(persona)
    assert client.get("/api/v1/care/supplies/stock").status_code == 403
    assert client.get("/api/v1/care/supplies/low-stock").status_code == 403
    body = {"facility_id": stocked["station"].pk, "item": "THUOC-A", "kind": "receipt", "quantity": 10}
    assert post(client, body).status_code == 403


def test_the_analyst_reads_the_stock_but_records_nothing(api_as, stocked):
    client = api_as("analyst")
    assert client.get("/api/v1/care/supplies/stock").status_code == 200
    body = {"facility_id": stocked["station"].pk, "item": "THUOC-A", "kind": "receipt", "quantity": 10}
    assert post(client, body).status_code == 403
