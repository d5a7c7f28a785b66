"""/api/v1/command/directives: lists (their query counts), details, the overdue list, reporting progress."""

from datetime import timedelta

from phongdich.core import clock
from phongdich.core.testing import unit

from ..services import task_assign
from .files import pdf
from .world import DEADLINE, fresh, user

BASE = "/api/v1/command/directives"


def more_tasks(directives, n: int = 5) -> None:
    for number in range(n):
        task_assign(
            actor=user("province_commander"),
            unit=unit("74"),
            title=f"Nhiệm vụ bổ sung số {number}",
            lead=directives["thuan_an"],
            coordinating=[directives["health"], directives["police"]],
            deadline=DEADLINE,
            directive=directives["directive"],
            point=directives["point"],
        )


def test_the_task_list_costs_the_same_queries_with_more_tasks(directives, api_as, queries_do_not_grow):
    client = api_as("district_officer")
    before, after = queries_do_not_grow(8, lambda: client.get(f"{BASE}/tasks"), lambda: more_tasks(directives))
    assert len(after.json()["items"]) == len(before.json()["items"]) + 5 == 6


def test_a_task_lists_its_bodies_point_and_overdue_state(directives, api_as):
    clock.use(DEADLINE + timedelta(days=1))
    item = api_as("district_officer").get(f"{BASE}/tasks").json()["items"][0]
    assert item["id"] == directives["ward_task"].pk and item["point"] == "3.a" and item["overdue"] is True
    assert item["lead"]["name"] == "Ủy ban nhân dân thành phố Thuận An"
    assert [body["name"] for body in item["coordinating"]] == ["Sở Y tế"]


def test_the_task_list_takes_the_page_s_filters(directives, api_as):
    client = api_as("province_commander")
    ids = [item["id"] for item in client.get(f"{BASE}/tasks?body={directives['thuan_an'].pk}").json()["items"]]
    assert ids == [directives["ward_task"].pk]
    assert client.get(f"{BASE}/tasks?status=nonsense").status_code == 422


def test_the_task_list_pages_by_cursor(directives, api_as):
    more_tasks(directives, 3)
    client = api_as("province_commander")
    first = client.get(f"{BASE}/tasks?limit=2").json()
    second = client.get(f"{BASE}/tasks?limit=2&cursor={first['next_cursor']}").json()
    assert len(first["items"]) == len(second["items"]) == 2
    assert not {item["id"] for item in first["items"]} & {item["id"] for item in second["items"]}


def test_the_overdue_list_follows_the_clock(directives, api_as):
    client = api_as("province_commander")
    clock.use(DEADLINE)
    assert client.get(f"{BASE}/tasks/overdue").json()["items"] == []
    clock.use(DEADLINE + timedelta(days=1))
    assert len(client.get(f"{BASE}/tasks/overdue").json()["items"]) == 2


def test_the_directive_list_and_detail_show_what_the_caller_sees(directives, api_as, django_assert_max_num_queries):
    client = api_as("district_officer")
    assert [item["number"] for item in client.get(BASE).json()["items"]] == ["17-CT/TU"]
    detail = client.get(f"{BASE}/{directives['directive'].pk}").json()
    point = next(point for point in detail["points"] if point["number"] == "3.a")
    assert point["task_ids"] == [directives["ward_task"].pk]  # not Sở Y tế's task
    assert api_as("commune_officer").get(f"{BASE}/{directives['directive'].pk}").status_code == 404


def test_a_task_s_detail_holds_its_progress_and_inspections(directives, api_as):
    client = api_as("district_officer")
    created = client.post(
        f"{BASE}/tasks/{directives['ward_task'].pk}/progress",
        {
            "body_id": directives["thuan_an"].pk,
            "percent": 60,
            "note": "6/10 phường",
            "status": "in_progress",
            "files": [pdf("tien-do.pdf")],
        },
    )
    assert created.status_code == 201
    assert created.json()["attachments"][0]["name"] == "tien-do.pdf"
    detail = client.get(f"{BASE}/tasks/{directives['ward_task'].pk}").json()
    assert detail["percent"] == 60 and detail["progress"][0]["note"] == "6/10 phường"
    assert detail["progress"][0]["attachments"][0]["url"].startswith("/command/directives/attachments/")


def test_a_report_for_a_body_that_is_not_the_task_s_answers_422(directives, api_as):
    response = api_as("province_commander").post(
        f"{BASE}/tasks/{directives['ward_task'].pk}/progress",
        {"body_id": directives["police"].pk, "percent": 60, "note": "Sai cơ quan"},
    )
    assert response.status_code == 422 and "body_id" in response.json()["fields"]


def test_a_report_done_below_100_percent_answers_422_and_changes_nothing(directives, api_as):
    response = api_as("district_officer").post(
        f"{BASE}/tasks/{directives['ward_task'].pk}/progress",
        {"body_id": directives["thuan_an"].pk, "percent": 90, "note": "Gần xong", "status": "done"},
    )
    assert response.status_code == 422 and list(response.json()["fields"]) == ["percent"]
    assert fresh(directives["ward_task"]).percent == 0


def test_a_task_outside_what_the_caller_sees_answers_404(directives, api_as):
    client = api_as("district_officer")
    assert client.get(f"{BASE}/tasks/{directives['health_task'].pk}").status_code == 404
    response = client.post(
        f"{BASE}/tasks/{directives['health_task'].pk}/progress",
        {"body_id": directives["health"].pk, "percent": 10, "note": "x"},
    )
    assert response.status_code == 404


def test_the_task_list_filters_overdue_and_due_soon_tasks(directives, api_as):
    client = api_as("province_commander")
    clock.use(DEADLINE - timedelta(days=1))
    assert client.get(f"{BASE}/tasks?overdue=true").json()["items"] == []
    assert len(client.get(f"{BASE}/tasks?stage=due_soon").json()["items"]) == 2
    clock.use(DEADLINE + timedelta(days=1))
    assert len(client.get(f"{BASE}/tasks?overdue=true").json()["items"]) == 2
