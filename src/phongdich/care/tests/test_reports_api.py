"""/api/v1/care/reports (a household's link or a staff token) and /api/v1/care/alerts (staff): idempotent by client
id, 422 with field errors, 410 for a link that no longer works, scoped lookups and query counts on the list."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from phongdich.core import clock
from phongdich.core.models import AuditEvent

from ..choices import ActionKind, AlertStatus, OrderKind, OrderStatus, ReportSource
from ..models import Alert, IsolationOrder, SelfReport
from ..services.reports import link_issue, link_revoke
from .reporting import NORMAL, at_home, minutes_ago, resident, warning_rules  # noqa: F401

pytestmark = pytest.mark.usefixtures("warning_rules")
REPORTS = "/api/v1/care/reports"


@pytest.fixture
def order(world):
    return at_home(resident(world, "Trần Thị Lan", serial=6111, phone="0903111222"))


@pytest.fixture
def link(order, world):
    return link_issue(actor=world.user("health_worker"), orders=[order])


def by_link(link) -> Client:
    return Client(headers={"Authorization": f"Link {link.token}"})


def body(order, client_id="app-1", **fields) -> dict:
    return {"client_id": client_id, "order_id": order.pk, "measured_at": minutes_ago(5).isoformat(), **NORMAL, **fields}


def post(client, data):
    return client.post(REPORTS, json.dumps(data), content_type="application/json")


def test_an_app_sends_a_report_by_link_and_a_retry_answers_200_with_the_same_report(link, order):
    data = body(order, spo2=95)
    first, again = post(by_link(link), data), post(by_link(link), data)
    assert first.status_code == 201 and again.status_code == 200 and again.json()["id"] == first.json()["id"]
    answer = first.json()
    assert answer["source"] == ReportSource.APP and answer["severity"] == "moderate" and answer["alert_id"]
    assert answer["warning_signs"] == [{"code": "spo2_low", "text": "SpO₂ 95 % (từ 96 % trở xuống)"}]
    assert SelfReport.objects.count() == 1 and Alert.objects.count() == 1
    row = AuditEvent.objects.get(object_type="care.selfreport", object_id=str(answer["id"]))
    assert row.actor_label == f"self-report:{link.pk}"


def test_a_naive_time_is_read_in_vietnams_time_zone(link, order):
    local = timezone.localtime(clock.now() - timedelta(minutes=30)).replace(tzinfo=None, microsecond=0)
    answer = post(by_link(link), body(order, measured_at=local.isoformat())).json()
    assert SelfReport.objects.get(pk=answer["id"]).measured_at == timezone.make_aware(local)


def test_the_same_id_with_other_readings_answers_422_on_client_id(link, order):
    data = body(order)
    post(by_link(link), data)
    refused = post(by_link(link), data | {"pulse": 130})
    assert refused.status_code == 422 and list(refused.json()["fields"]) == ["client_id"]


def test_implausible_readings_answer_422_field_by_field_in_vietnamese(link, order):
    refused = post(by_link(link), body(order, spo2=40, temperature="98.6", symptoms=["hat_hoi"]))
    fields = refused.json()["fields"]
    assert refused.status_code == 422 and set(fields) == {"spo2", "temperature", "symptoms"}
    assert "độ F" in fields["temperature"][0] and not SelfReport.objects.exists()


def test_an_unreadable_body_answers_422(link, order):
    refused = post(by_link(link), body(order, pulse="nhanh"))
    assert refused.status_code == 422 and "pulse" in refused.json()["fields"]
    too_long = post(by_link(link), body(order, note="x" * 301, client_id="y" * 65))
    assert too_long.status_code == 422 and {"note", "client_id"} <= set(too_long.json()["fields"])


def test_a_person_of_another_household_cannot_be_reported_through_the_link(link, order, world):
    stranger = at_home(resident(world, "Đinh Thị Hồng"))
    refused = post(by_link(link), body(stranger))
    assert refused.status_code == 422 and list(refused.json()["fields"]) == ["order_id"]
    by_person = post(by_link(link), body(order) | {"order_id": None, "person_id": order.person_id})
    assert by_person.status_code == 201


def test_a_revoked_or_ended_link_answers_410_and_stores_nothing(link, order, world):
    IsolationOrder.objects.filter(pk=order.pk).update(status=OrderStatus.RELEASED, ended_on=clock.today())
    ended = post(by_link(link), body(order))
    assert ended.status_code == 410 and ended.json()["code"] == "link_ended"
    IsolationOrder.objects.filter(pk=order.pk).update(status=OrderStatus.ACTIVE)
    link_revoke(actor=world.user("commune_officer"), link=link)
    assert post(by_link(link), body(order)).status_code == 410
    assert not SelfReport.objects.exists()


def test_an_unknown_link_token_is_unauthenticated(order):
    forged = Client(headers={"Authorization": "Link " + "A" * 43})
    assert post(forged, body(order)).status_code == 401
    assert post(Client(), body(order)).status_code == 401


@pytest.mark.parametrize(
    "name, expected",
    [
        ("health_worker", 201),
        ("community_team", 201),
        ("district_admin", 201),
        ("other_commune", 422),
        ("analyst_commune", 422),
        ("outsider", 403),
    ],
)
def test_staff_send_readings_for_orders_in_their_scope(api_as, order, name, expected):
    answer = post(api_as(name), body(order, client_id=f"staff-{name}"))
    assert answer.status_code == expected
    if expected == 422:
        assert answer.json()["fields"] == {"order_id": ["Không tìm thấy trong địa bàn của bạn."]}
    if expected == 201:
        assert answer.json()["source"] == ReportSource.STAFF


def test_staff_name_the_person_when_she_has_one_active_order(api_as, order, world):
    data = body(order) | {"order_id": None, "person_id": order.person_id}
    assert post(api_as("health_worker"), data).status_code == 201
    at_home(order.person, kind=OrderKind.SELF_MONITORING)
    refused = post(api_as("health_worker"), data | {"client_id": "app-2"})
    assert refused.status_code == 422 and list(refused.json()["fields"]) == ["person_id"]


# -- Alerts ---------------------------------------------------------------------------------------------------------


def alert_for(order, client_id="warn-1", **readings) -> Alert:
    from ..services.reports import report_submit

    report, _ = report_submit(
        actor="self-report:1",
        order=order,
        client_id=client_id,
        measured_at=minutes_ago(10),
        **{**NORMAL, "spo2": 92, **readings},
    )
    return Alert.objects.get(report=report)


def test_the_alert_list_is_scoped_and_names_people_as_pages_do(api_as, order, world):
    ours = alert_for(order)
    theirs = alert_for(at_home(resident(world, "Võ Thị Mai", group="25966-02")), client_id="mai")
    team = api_as("community_team").get("/api/v1/care/alerts").json()
    assert [item["id"] for item in team["items"]] == [ours.pk]
    assert team["items"][0]["person_name"] == "Trần Thị Lan" and team["items"][0]["signs"][0]["code"] == "spo2_low"
    officer = api_as("commune_officer").get("/api/v1/care/alerts").json()
    assert {item["id"] for item in officer["items"]} == {ours.pk, theirs.pk}
    assert api_as("other_commune").get("/api/v1/care/alerts").json()["items"] == []
    assert api_as("outsider").get("/api/v1/care/alerts").status_code == 403


def test_the_alert_list_costs_the_same_queries_for_more_alerts(api_as, order, world, queries_do_not_grow):
    client = api_as("health_worker")
    alert_for(order)

    def more():
        for i in range(5):
            alert_for(at_home(resident(world, f"Lâm Thị Thảo {i}")), client_id=f"more-{i}")

    before, after = queries_do_not_grow(6, lambda: client.get("/api/v1/care/alerts?limit=3"), more)
    assert len(before.json()["items"]) == 1 and len(after.json()["items"]) == 3 and after.json()["next_cursor"]


def test_an_alert_is_read_acknowledged_acted_on_and_closed_through_the_api(api_as, order):
    alert = alert_for(order)
    client = api_as("health_worker")
    detail = client.get(f"/api/v1/care/alerts/{alert.pk}").json()
    assert detail["status"] == AlertStatus.OPEN and detail["actions"] == []
    assert AuditEvent.objects.filter(action="read", object_type="care.alert", object_id=str(alert.pk)).exists()
    assert client.post(f"/api/v1/care/alerts/{alert.pk}/acknowledge").json()["status"] == AlertStatus.ACKNOWLEDGED
    action = client.post(
        f"/api/v1/care/alerts/{alert.pk}/actions",
        json.dumps({"kind": ActionKind.TRANSFER, "note": "Chuyển Bệnh viện dã chiến số 3"}),
        content_type="application/json",
    )
    assert action.status_code == 201 and action.json()["kind"] == ActionKind.TRANSFER
    refused = client.post(
        f"/api/v1/care/alerts/{alert.pk}/close", json.dumps({"note": " "}), content_type="application/json"
    )
    assert refused.status_code == 422 and list(refused.json()["fields"]) == ["note"]
    closed = client.post(
        f"/api/v1/care/alerts/{alert.pk}/close", json.dumps({"note": "Đã chuyển viện"}), content_type="application/json"
    )
    assert closed.json()["status"] == AlertStatus.CLOSED and closed.json()["close_note"] == "Đã chuyển viện"


@pytest.mark.parametrize("name", ["other_commune", "analyst_commune"])
def test_an_alert_outside_the_callers_scope_is_not_found_for_every_verb(api_as, order, name):
    alert = alert_for(order)
    client = api_as(name)
    assert client.get(f"/api/v1/care/alerts/{alert.pk}").status_code == 404
    assert client.post(f"/api/v1/care/alerts/{alert.pk}/acknowledge").status_code == 404
    action = json.dumps({"kind": ActionKind.CALLED})
    assert (
        client.post(f"/api/v1/care/alerts/{alert.pk}/actions", action, content_type="application/json").status_code
        == 404
    )
    close = json.dumps({"note": "x"})
    assert (
        client.post(f"/api/v1/care/alerts/{alert.pk}/close", close, content_type="application/json").status_code == 404
    )
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.OPEN


def test_an_outsider_gets_403_on_every_alert_endpoint(api_as, order):
    alert = alert_for(order)
    client = api_as("outsider")
    assert client.get(f"/api/v1/care/alerts/{alert.pk}").status_code == 403
    assert client.post(f"/api/v1/care/alerts/{alert.pk}/acknowledge").status_code == 403


def test_too_many_reports_through_one_link_answer_429_until_the_window_passes(link, order, settings):
    settings.PHONGDICH_SELFREPORT_LIMIT_PER_LINK = 2
    answers = [post(by_link(link), body(order, client_id=f"app-{i}")).status_code for i in range(3)]
    assert answers == [201, 201, 429]
    assert SelfReport.objects.count() == 2
    SelfReport.objects.update(received_at=timezone.now() - timedelta(minutes=11))
    assert post(by_link(link), body(order, client_id="app-9")).status_code == 201
