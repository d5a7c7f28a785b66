"""/api/v1/care/orders: the same services and scoping as the pages, for apps and other systems."""

from datetime import timedelta
from itertools import count

import pytest
from django.utils import timezone

from phongdich.core import clock
from phongdich.core.models import AuditEvent
from phongdich.people.models import Person
from phongdich.people.services import person_create

from ..choices import OrderKind, OrderStatus
from ..models import IsolationOrder
from .factories import an_order
from .orders_world import WELL, a_site, eligibility_rules, household_of, isolation_rules

_names = count(1)
JSON = {"content_type": "application/json"}


@pytest.fixture(autouse=True)
def rules(db):
    eligibility_rules()
    return isolation_rules()


@pytest.fixture
def thu(world):
    return world.person("Lý Thị Thu", "25966")


@pytest.fixture
def order(thu):
    return an_order(thu, OrderKind.F1_HOME, starts_on=clock.today() - timedelta(days=1))


def today() -> str:
    return clock.today().isoformat()


def test_an_officer_orders_an_f1_and_reads_the_plan_back(api_as, thu):
    client = api_as("commune_officer")
    response = client.post(
        "/api/v1/care/orders", {"person_id": thu.pk, "kind": "f1_home", "starts_on": today()}, **JSON
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["person_name"] == "Lý Thị Thu" and body["status"] == "active"
    assert body["planned_end"] == (clock.today() + timedelta(days=6)).isoformat()
    assert body["rules_document"] == "Công văn 762/BYT-DP (thử nghiệm)" and body["condition"] == "none"
    detail = client.get(f"/api/v1/care/orders/{body['id']}")
    assert detail.status_code == 200
    assert AuditEvent.objects.filter(
        object_id=str(body["id"]), object_type="care.isolationorder", action="read"
    ).exists()


def test_a_second_active_order_answers_422_naming_the_first(api_as, thu, order):
    response = api_as("commune_officer").post(
        "/api/v1/care/orders", {"person_id": thu.pk, "kind": "f1_home", "starts_on": today()}, **JSON
    )
    body = response.json()
    assert response.status_code == 422 and f"#{order.pk}" in body["fields"]["kind"][0]


def test_a_person_outside_the_jurisdiction_answers_like_one_who_does_not_exist(api_as, thu):
    client = api_as("other_commune")
    outside = client.post("/api/v1/care/orders", {"person_id": thu.pk, "kind": "f1_home", "starts_on": today()}, **JSON)
    missing = client.post("/api/v1/care/orders", {"person_id": 10**9, "kind": "f1_home", "starts_on": today()}, **JSON)
    assert outside.status_code == missing.status_code == 422
    assert outside.json() == missing.json()
    assert not IsolationOrder.objects.exists()


def test_an_f0_failing_the_criteria_answers_422_with_each_criterion(api_as, world):
    tam = world.person("Đỗ Văn Tâm", "25966")
    payload = {
        "person_id": tam.pk,
        "kind": "f0_home",
        "starts_on": today(),
        "measurements": {**WELL, "spo2": 93},
    }
    response = api_as("health_worker").post("/api/v1/care/orders", payload, **JSON)
    assert response.status_code == 422
    assert any("SpO₂ 93%" in message for message in response.json()["fields"]["__all__"])
    payload["eligibility_override"] = "Bác sĩ Trần Minh Tuấn đồng ý theo dõi tại nhà"
    created = api_as("health_worker").post("/api/v1/care/orders", payload, **JSON)
    assert created.status_code == 201 and created.json()["eligibility"]["override"].startswith("Bác sĩ")


def test_a_household_is_ordered_together_or_refused_whole(api_as, world, thu):
    officer = world.user("commune_officer")
    husband = person_create(actor=officer, full_name="Trương Văn Nam", birth_year=1985, unit=world.unit("25966-01"))
    household_of(thu, husband)
    site = a_site(places=1)
    client = api_as("commune_officer")
    payload = {"person_ids": [thu.pk, husband.pk], "kind": "f1_site", "starts_on": today(), "site_id": site.pk}
    refused = client.post("/api/v1/care/orders/household", payload, **JSON)
    assert refused.status_code == 422 and "site" in refused.json()["fields"]
    payload["kind"] = "f1_home"
    del payload["site_id"]
    created = client.post("/api/v1/care/orders/household", payload, **JSON)
    assert created.status_code == 201 and len({o["group_code"] for o in created.json()}) == 1


def test_a_household_with_someone_outside_the_jurisdiction_answers_422_on_the_ids(api_as, world, thu):
    loc = world.person("Phan Văn Lộc", "25966")
    response = api_as("community_team").post(
        "/api/v1/care/orders/household",
        {"person_ids": [thu.pk, loc.pk], "kind": "f1_home", "starts_on": today()},
        **JSON,
    )
    assert response.status_code == 422 and "person_ids" in response.json()["fields"]


def test_ending_assigning_visits_and_medicine_through_the_api(api_as, world, order):
    officer, worker = api_as("commune_officer"), api_as("health_worker")
    assigned = officer.post(
        f"/api/v1/care/orders/{order.pk}/assign", {"responsible_id": world.user("health_worker").pk}, **JSON
    )
    assert assigned.status_code == 200 and assigned.json()["responsible_name"] == "health_worker"
    now = timezone.localtime(clock.now()).isoformat()
    visit = api_as("community_team").post(
        f"/api/v1/care/orders/{order.pk}/visits", {"kind": "visit", "done_at": now, "note": "Ổn định"}, **JSON
    )
    assert visit.status_code == 201 and visit.json()["kind"] == "visit"
    medicine = worker.post(f"/api/v1/care/orders/{order.pk}/medicines", {"kind": "A", "delivered_at": now}, **JSON)
    assert medicine.status_code == 201 and medicine.json()["kind_code"] == "A"
    unknown = worker.post(f"/api/v1/care/orders/{order.pk}/medicines", {"kind": "Z", "delivered_at": now}, **JSON)
    assert unknown.status_code == 422 and "kind" in unknown.json()["fields"]
    ended = worker.post(
        f"/api/v1/care/orders/{order.pk}/end", {"status": "moved_away", "ended_on": today(), "reason": "Về quê"}, **JSON
    )
    assert ended.status_code == 200 and ended.json()["status"] == OrderStatus.MOVED_AWAY
    detail = officer.get(f"/api/v1/care/orders/{order.pk}").json()
    assert len(detail["contacts"]) == 1 and detail["medicines"][0]["kind_code"] == "A"


def test_the_community_team_cannot_end_an_order_and_another_commune_cannot_reach_it(api_as, order):
    body = {"status": "broken", "ended_on": today()}
    assert api_as("community_team").post(f"/api/v1/care/orders/{order.pk}/end", body, **JSON).status_code == 403
    assert api_as("other_commune").post(f"/api/v1/care/orders/{order.pk}/end", body, **JSON).status_code == 404
    assert api_as("other_commune").get(f"/api/v1/care/orders/{order.pk}").status_code == 404
    visit = {"kind": "call", "done_at": timezone.localtime(clock.now()).isoformat()}
    assert api_as("other_commune").post(f"/api/v1/care/orders/{order.pk}/visits", visit, **JSON).status_code == 404
    assert api_as("outsider").get("/api/v1/care/orders").status_code == 403


def test_the_list_is_scoped_filtered_and_named_in_the_callers_scope(api_as, world, order):
    hang_b = an_order(world.person("Nguyễn Thị Hằng", "25741"), OrderKind.F1_HOME)

    def ids(persona: str, query: str = "") -> set[int]:
        return {o["id"] for o in api_as(persona).get(f"/api/v1/care/orders{query}").json()["items"]}

    assert ids("commune_officer") == {order.pk}
    assert ids("other_commune") == {hang_b.pk}
    assert ids("province_commander") == {order.pk, hang_b.pk}
    assert ids("province_commander", "?kind=f0_home") == set()
    assert ids("district_admin") == {order.pk}  # his commune officer's role; the administrator sees no orders
    bad = api_as("commune_officer").get("/api/v1/care/orders?due=someday")
    assert bad.status_code == 422 and "due" in bad.json()["fields"]


def test_the_list_pages_by_cursor_and_costs_the_same_queries_however_many_orders(api_as, world, queries_do_not_grow):
    officer = world.user("commune_officer")

    def add_orders():
        for _ in range(4):
            person = person_create(
                actor=officer, full_name=f"Đặng Văn Khoa {next(_names)}", birth_year=1970, unit=world.unit("25966-02")
            )
            an_order(person, OrderKind.F1_HOME, responsible=world.user("health_worker"))

    add_orders()
    client = api_as("commune_officer")
    before, after = queries_do_not_grow(4, lambda: client.get("/api/v1/care/orders?limit=50"), add_orders)
    assert len(after.json()["items"]) == len(before.json()["items"]) + 4
    first = client.get("/api/v1/care/orders?limit=3").json()
    second = client.get(f"/api/v1/care/orders?limit=3&cursor={first['next_cursor']}").json()
    assert not {o["id"] for o in first["items"]} & {o["id"] for o in second["items"]}


def test_a_person_who_moved_away_is_named_as_a_masked_reference(api_as, world, order):
    Person.objects.filter(pk=order.person_id).update(unit=world.unit("25741-01"))
    IsolationOrder.objects.filter(pk=order.pk).update(facility=_station())  # her station still follows the order
    body = api_as("health_worker").get(f"/api/v1/care/orders/{order.pk}").json()
    assert body["person_name"] == f"người #{order.person_id}, ngoài địa bàn của bạn"


def _station():
    from phongdich.places.models import Facility

    return Facility.objects.get(name="Trạm Y tế Phường Lái Thiêu")


def test_the_medicine_packages_are_listed(api_as):
    codes = [kind["code"] for kind in api_as("community_team").get("/api/v1/care/medicine-kinds").json()]
    assert codes == ["A", "B", "C"]
