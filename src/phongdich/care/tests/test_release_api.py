"""/api/v1/care/release: the due list, an order's readiness and the release, scoped like the pages."""

from datetime import timedelta

import pytest

from phongdich.core.testing import unit

from ..choices import OrderStatus, ReleaseTest
from .release_world import antigen_test, home_treatment_due, resident, today

pytestmark = pytest.mark.django_db
API = "/api/v1/care/release"


@pytest.fixture
def orders(world):
    mai_anh = resident(world, "Trần Thị Mai Anh", "25966-01")
    tuan = resident(world, "Phạm Văn Tuấn", "25966-02")
    hanh = resident(world, "Võ Thị Hạnh", "25741-01")
    return {
        "ready": home_treatment_due(mai_anh),
        "lacking": home_treatment_due(tuan, days_late=1),
        "elsewhere": home_treatment_due(hanh, release_test=ReleaseTest.NONE),
        "tested": antigen_test(world, mai_anh, today() - timedelta(days=1)),  # the day before: does not count
    }


def test_the_due_list_says_what_each_order_lacks_within_the_callers_area(api_as, orders):
    body = api_as("commune_officer").get(f"{API}/due").json()
    items = {item["person_name"]: item for item in body["items"]}
    assert set(items) == {"Trần Thị Mai Anh", "Phạm Văn Tuấn"} and body["next_cursor"] is None
    lacking = items["Phạm Văn Tuấn"]
    assert lacking["ready"] is False and lacking["due"] is True
    assert lacking["release_test"] == "antigen" and lacking["test_from"] == (today() - timedelta(days=1)).isoformat()
    assert lacking["missed_test_days"] == [(today() - timedelta(days=1)).isoformat()]
    assert lacking["missing"] == [
        "Chưa có kết quả xét nghiệm kháng nguyên nhanh âm tính do nhân viên y tế thực hiện từ ngày "
        f"{today() - timedelta(days=1):%d/%m/%Y}."
    ]


def test_the_due_list_pages_with_a_cursor_and_filters_by_unit_and_state(api_as, orders):
    client = api_as("province_commander")
    first = client.get(f"{API}/due", {"limit": 1}).json()
    second = client.get(f"{API}/due", {"limit": 1, "cursor": first["next_cursor"]}).json()
    assert first["items"][0]["order_id"] != second["items"][0]["order_id"]
    in_hiep_thanh = client.get(f"{API}/due", {"unit": unit("25741").pk}).json()["items"]
    assert [item["person_name"] for item in in_hiep_thanh] == ["Võ Thị Hạnh"]
    overdue = client.get(f"{API}/due", {"state": "overdue"}).json()["items"]
    assert [item["person_name"] for item in overdue] == ["Phạm Văn Tuấn"]
    assert client.get(f"{API}/due", {"state": "soon"}).status_code == 422


@pytest.mark.parametrize("persona", ["outsider", "analyst", "lab_technician"])
def test_roles_without_care_are_refused(api_as, orders, persona):
    client = api_as(persona)
    assert client.get(f"{API}/due").status_code == 403
    assert client.post(f"{API}/orders/{orders['elsewhere'].pk}", {}, content_type="application/json").status_code == 403


def test_an_orders_readiness_is_read_within_the_callers_area_only(api_as, orders):
    order = orders["ready"]
    body = api_as("health_worker").get(f"{API}/orders/{order.pk}").json()
    assert body["ready"] is False and body["person_name"] == "Trần Thị Mai Anh"
    assert api_as("other_commune").get(f"{API}/orders/{order.pk}").status_code == 404


def test_a_release_without_its_test_answers_422_with_what_is_missing(api_as, orders):
    order = orders["lacking"]
    response = api_as("commune_officer").post(f"{API}/orders/{order.pk}", {}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["fields"]["__all__"][0].startswith("Chưa có kết quả xét nghiệm kháng nguyên nhanh âm tính")
    order.refresh_from_db()
    assert order.status == OrderStatus.ACTIVE


def test_the_release_answers_the_certificate_and_its_check_address(api_as, orders):
    order = orders["elsewhere"]
    response = api_as("other_commune").post(f"{API}/orders/{order.pk}", {}, content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    order.refresh_from_db()
    assert body["status"] == "released" and body["certificate_code"] == order.certificate_code
    assert body["check_url"].endswith(f"/kiem-tra/{order.certificate_code}/")
    assert body["certificate_pdf"].endswith(f"/care/release/{order.pk}/certificate.pdf")


@pytest.mark.parametrize(("persona", "status"), [("commune_officer", 404), ("community_team", 403)])
def test_a_release_outside_the_callers_area_or_role_is_refused_before_anything_else(api_as, orders, persona, status):
    order = orders["elsewhere"]
    payload = {"released_on": (today() + timedelta(days=9)).isoformat()}  # invalid too: scope is checked first
    response = api_as(persona).post(f"{API}/orders/{order.pk}", payload, content_type="application/json")
    assert response.status_code == status
    order.refresh_from_db()
    assert order.status == OrderStatus.ACTIVE


def test_a_release_day_in_the_future_is_a_field_error(api_as, orders):
    order = orders["elsewhere"]
    payload = {"released_on": (today() + timedelta(days=1)).isoformat()}
    response = api_as("other_commune").post(f"{API}/orders/{order.pk}", payload, content_type="application/json")
    assert response.status_code == 422 and "released_on" in response.json()["fields"]


def test_the_due_list_costs_the_same_queries_for_a_few_or_many_orders(api_as, world, orders, queries_do_not_grow):
    client = api_as("commune_officer")

    def more():
        for n in range(5):
            home_treatment_due(resident(world, f"Nguyễn Văn Lâm {n}", "25966-02"), days_late=n % 2)

    queries_do_not_grow(8, lambda: client.get(f"{API}/due"), more)
