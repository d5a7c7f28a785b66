"""/api/v1/command/alerts: the inbox, an alert, acknowledging and resolving it, and the rules; ids in the path
resolved through the caller's jurisdiction first (404 outside it)."""

import json

import pytest

from phongdich.core.api import ErrorOut

from ...choices import AlertState
from ...models import Alert
from ..services import alerts_sweep
from .world import HIEP_THANH, LAI_THIEU, THUAN_AN, a_task, care_alert, hospital

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
BASE = "/api/v1/command/alerts"


def post(client, url: str, body: dict | None = None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def swept(rules):
    care_alert(LAI_THIEU, number=0)
    care_alert(HIEP_THANH, number=1)
    hospital(occupied=20)
    a_task(THUAN_AN)
    alerts_sweep()
    return {alert.subject.split(":")[0] + ":" + alert.unit.code: alert for alert in Alert.objects.all()}


def test_the_inbox_gives_each_persona_the_alerts_sent_to_their_roles(api_as, swept):
    for persona, expected in (
        ("commune_officer", {"home_care:25966"}),
        ("other_commune", {"home_care:25741"}),
        ("district_officer", {"beds:25966", "tasks:725"}),
        ("analyst", set()),
    ):
        body = api_as(persona).get(BASE).json()
        found = {f"{item['subject'].split(':')[0]}:{swept_code(swept, item['id'])}" for item in body["items"]}
        assert found == expected, persona
    assert api_as("outsider").get(BASE).status_code == 403


def swept_code(swept, pk: int) -> str:
    return next(code.split(":")[1] for code, alert in swept.items() if alert.pk == pk)


def test_the_list_takes_the_pages_filters_and_refuses_a_bad_one(api_as, swept):
    client = api_as("analyst")
    assert len(client.get(f"{BASE}?box=all").json()["items"]) == 4
    assert len(client.get(f"{BASE}?box=all&unit={swept['beds:25966'].unit_id}").json()["items"]) == 2
    response = client.get(f"{BASE}?state=sometimes")
    assert response.status_code == 422 and "state" in ErrorOut.model_validate(response.json()).fields


def test_the_list_pages_with_a_cursor_open_alerts_first(api_as, swept, world):
    from ..services import alert_acknowledge

    alert_acknowledge(actor=world.user("province_commander"), alert=swept["beds:25966"])
    client = api_as("commander_commune")
    first = client.get(f"{BASE}?limit=2").json()
    rest = client.get(f"{BASE}?limit=2&cursor={first['next_cursor']}").json()
    states = [item["state"] for item in first["items"] + rest["items"]]
    assert states == ["open", "open", "acknowledged"] and rest["next_cursor"] is None


def test_the_list_costs_the_same_queries_with_more_alerts(api_as, swept, queries_do_not_grow):
    client = api_as("province_commander")

    def more():
        for number in range(2, 6):
            hospital(occupied=20, name=f"Bệnh viện số {number}", commune=HIEP_THANH)
        alerts_sweep()

    queries_do_not_grow(12, lambda: client.get(BASE), more)


def test_an_alert_reads_in_the_jurisdiction_and_is_not_found_outside_it(api_as, swept):
    alert = swept["home_care:25966"]
    body = api_as("health_worker").get(f"{BASE}/{alert.pk}").json()
    assert (body["subject"], body["rule"], body["unit_name"]) == (alert.subject, "home_care_unack", "Phường Lái Thiêu")
    assert api_as("other_commune").get(f"{BASE}/{alert.pk}").status_code == 404
    assert api_as("other_commune").get(f"{BASE}/999999").status_code == 404


def test_acknowledging_and_resolving_through_the_api(api_as, swept):
    alert = swept["home_care:25966"]
    client = api_as("commune_officer")
    acknowledged = post(client, f"{BASE}/{alert.pk}/acknowledge").json()
    assert acknowledged["state"] == AlertState.ACKNOWLEDGED and acknowledged["acknowledged_by"] == "commune_officer"
    resolved = post(client, f"{BASE}/{alert.pk}/resolve", {"resolution": "Đã chuyển viện"}).json()
    assert (resolved["state"], resolved["resolution"]) == (AlertState.RESOLVED, "Đã chuyển viện")
    again = post(client, f"{BASE}/{alert.pk}/resolve", {"resolution": "Lần hai"})
    assert again.status_code == 422 and again.json()["fields"]["__all__"]
    assert Alert.objects.get(pk=alert.pk).resolution == "Đã chuyển viện"
    late = post(client, f"{BASE}/{alert.pk}/acknowledge")
    assert late.status_code == 422


def test_a_resolution_is_required(api_as, swept):
    alert = swept["home_care:25966"]
    response = post(api_as("commune_officer"), f"{BASE}/{alert.pk}/resolve", {"resolution": " "})
    assert response.status_code == 422 and "resolution" in response.json()["fields"]


@pytest.mark.parametrize(
    ("persona", "status"), [("other_commune", 404), ("analyst", 403), ("community_team", 403), ("outsider", 403)]
)
def test_who_may_not_change_the_alert_is_refused_and_nothing_changes(api_as, swept, persona, status):
    alert = swept["home_care:25966"]
    assert post(api_as(persona), f"{BASE}/{alert.pk}/acknowledge").status_code == status
    assert post(api_as(persona), f"{BASE}/{alert.pk}/resolve", {"resolution": "x"}).status_code == status
    alert.refresh_from_db()
    assert alert.state == AlertState.OPEN


def test_the_rules_list_counts_each_rules_live_alerts_in_the_jurisdiction(api_as, swept):
    rules = {rule["code"]: rule for rule in api_as("province_commander").get(f"{BASE}/rules").json()}
    assert rules["home_care_unack"]["live_alerts"] == 2 and rules["bed_occupancy"]["threshold"] == 85.0
    assert rules["home_care_unack"]["roles"] == ["commune_officer", "health_worker"]
    admin = {rule["code"]: rule for rule in api_as("system_admin").get(f"{BASE}/rules").json()}
    assert admin["home_care_unack"]["live_alerts"] == 0  # keeps the rules, sees no alert
    assert api_as("district_officer").get(f"{BASE}/rules").status_code == 403
