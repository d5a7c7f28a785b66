"""The alert centre's pages: the inbox with its counts and filters, acknowledging from it, an alert's page with the
records behind it and resolving it, and the rules with their form; who may open and post each."""

from decimal import Decimal

import pytest

from phongdich.core.testing import unit

from ...choices import AlertState
from ...models import Alert
from ..services import alerts_sweep
from .world import HIEP_THANH, LAI_THIEU, THUAN_AN, a_task, care_alert, hospital, rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def swept(rules):
    care_alert(LAI_THIEU, number=0)
    care_alert(HIEP_THANH, number=1)
    hospital(occupied=20)
    a_task(THUAN_AN)
    alerts_sweep()
    return {alert.subject.split(":")[0] + ":" + alert.unit.code: alert for alert in Alert.objects.all()}


def test_the_inbox_lists_the_users_alerts_and_what_waits(client_as, swept):
    response = client_as("commune_officer").get("/command/alerts/")
    assert response.status_code == 200
    assert [alert.pk for alert in response.context["alerts"]] == [swept["home_care:25966"].pk]
    assert response.context["counts"]["open"] == 1
    html = response.content.decode()
    assert swept["home_care:25966"].summary in html and swept["home_care:25741"].summary not in html
    assert f'action="/command/alerts/{swept["home_care:25966"].pk}/acknowledge/"' in html


def test_the_inbox_filters_by_state_rule_and_unit(client_as, swept, world):
    client = client_as("commander_commune")
    beds = swept["beds:25966"]
    by_rule = client.get(f"/command/alerts/?rule={rule('bed_occupancy').pk}").context["alerts"]
    assert [alert.pk for alert in by_rule] == [beds.pk]
    by_unit = client.get(f"/command/alerts/?unit={unit(LAI_THIEU).pk}").context["alerts"]
    assert {alert.pk for alert in by_unit} == {beds.pk, swept["home_care:25966"].pk}
    Alert.objects.filter(pk=beds.pk).update(state=AlertState.RESOLVED)
    assert beds.pk not in [alert.pk for alert in client.get("/command/alerts/").context["alerts"]]
    resolved = client.get("/command/alerts/?state=resolved").context["alerts"]
    assert [alert.pk for alert in resolved] == [beds.pk]


def test_everything_in_the_jurisdiction_shows_what_no_rule_sends_to_the_user(client_as, swept):
    client = client_as("analyst")
    assert client.get("/command/alerts/").context["alerts"] == []
    assert len(client.get("/command/alerts/?box=all").context["alerts"]) == 4


def test_the_inbox_costs_the_same_queries_with_more_alerts(client_as, swept, queries_do_not_grow):
    client = client_as("commander_commune")

    def more():
        for number in range(2, 6):
            hospital(occupied=20, name=f"Bệnh viện số {number}", commune=HIEP_THANH)
            a_task("718", title=f"Nhiệm vụ {number}")
        alerts_sweep()

    before, after = queries_do_not_grow(20, lambda: client.get("/command/alerts/"), more)
    assert len(after.context["alerts"]) > len(before.context["alerts"])


def test_acknowledging_from_the_inbox_comes_back_to_it(client_as, swept, world):
    alert = swept["home_care:25966"]
    response = client_as("health_worker").post(
        f"/command/alerts/{alert.pk}/acknowledge/", {"next": "/command/alerts/?state=live"}
    )
    assert response.status_code == 302 and response.url == "/command/alerts/?state=live"
    alert.refresh_from_db()
    assert alert.state == AlertState.ACKNOWLEDGED and alert.acknowledged_by == world.user("health_worker")


def test_an_address_elsewhere_is_not_followed_after_acknowledging(client_as, swept):
    alert = swept["home_care:25966"]
    response = client_as("commune_officer").post(
        f"/command/alerts/{alert.pk}/acknowledge/", {"next": "https://example.com/"}
    )
    assert response.url == f"/command/alerts/{alert.pk}/"


def test_the_alert_page_links_to_the_records_behind_it_and_resolves_it(client_as, swept, world):
    alert = swept["home_care:25966"]
    client = client_as("commune_officer")
    html = client.get(f"/command/alerts/{alert.pk}/").content.decode()
    assert alert.link.replace("&", "&amp;") in html
    assert f'action="/command/alerts/{alert.pk}/resolve/"' in html
    response = client.post(f"/command/alerts/{alert.pk}/resolve/", {"resolution": "Đã gọi, bệnh nhân ổn định"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.state, alert.resolution) == (AlertState.RESOLVED, "Đã gọi, bệnh nhân ổn định")
    page = client.get(f"/command/alerts/{alert.pk}/")
    assert 'action="/command/alerts/' not in page.content.decode() and page.context["history"]


def test_resolving_without_saying_what_was_done_changes_nothing(client_as, swept):
    alert = swept["home_care:25966"]
    client_as("commune_officer").post(f"/command/alerts/{alert.pk}/resolve/", {"resolution": ""})
    alert.refresh_from_db()
    assert alert.state == AlertState.OPEN


def test_an_overdue_tasks_alert_lists_the_tasks_behind_it(client_as, swept):
    alert = swept["tasks:725"]
    response = client_as("district_officer").get(f"/command/alerts/{alert.pk}/")
    assert [task.title for task in response.context["tasks"]] == ["Thành lập trạm y tế lưu động tại các phường"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("commune_officer", 200),
        ("health_worker", 200),
        ("analyst", 200),
        ("district_officer", 200),
        ("other_commune", 404),
        ("community_team", 403),
        ("outsider", 403),
        ("system_admin", 403),
    ],
)
def test_an_alerts_page_opens_within_the_users_jurisdiction(client_as, swept, persona, status):
    alert = swept["home_care:25966"]
    assert client_as(persona).get(f"/command/alerts/{alert.pk}/").status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("commune_officer", 302), ("other_commune", 404), ("analyst", 403), ("community_team", 403), ("outsider", 403)],
)
def test_only_who_may_change_the_alert_acknowledges_it(client_as, swept, persona, status):
    alert = swept["home_care:25966"]
    assert client_as(persona).post(f"/command/alerts/{alert.pk}/acknowledge/").status_code == status
    assert client_as(persona).get(f"/command/alerts/{alert.pk}/acknowledge/").status_code in (405, status)


def test_the_rules_page_lists_the_rules_and_the_province_changes_one(client_as, rules):
    client = client_as("province_commander")
    html = client.get("/command/alerts/rules/").content.decode()
    beds = rule("bed_occupancy")
    assert beds.name in html and f"/command/alerts/rules/{beds.pk}/" in html
    response = client.post(
        f"/command/alerts/rules/{beds.pk}/",
        {"threshold": "90", "active": "on", "roles": ["province_commander", "district_officer"]},
    )
    assert response.status_code == 302
    beds.refresh_from_db()
    assert (beds.threshold, beds.roles) == (Decimal(90), ["province_commander", "district_officer"])


def test_a_bad_threshold_comes_back_on_the_form(client_as, rules):
    beds = rule("bed_occupancy")
    response = client_as("province_commander").post(
        f"/command/alerts/rules/{beds.pk}/", {"threshold": "150", "roles": ["district_officer"]}
    )
    assert response.status_code == 200 and response.context["form"].errors["threshold"]
    beds.refresh_from_db()
    assert beds.threshold == Decimal(85)


@pytest.mark.parametrize(
    ("persona", "list_status", "edit_status"),
    [
        ("province_commander", 200, 200),
        ("system_admin", 200, 200),
        ("district_admin", 200, 403),  # an administrator of a district: the rules are the province's
        ("district_officer", 403, 403),
        ("analyst", 403, 403),
    ],
)
def test_the_rules_are_read_by_who_keeps_them_and_changed_by_the_province(
    client_as, rules, persona, list_status, edit_status
):
    client = client_as(persona)
    assert client.get("/command/alerts/rules/").status_code == list_status
    assert client.get(f"/command/alerts/rules/{rule('positivity').pk}/").status_code == edit_status


def test_cares_alert_pages_lead_to_the_alert_inbox_for_who_sees_it(client_as, swept):
    from phongdich.care.models import Alert as CareAlert

    warning = CareAlert.objects.filter(unit__parent=unit(LAI_THIEU)).first()
    for url in ("/care/alerts/", f"/care/alerts/{warning.pk}/"):
        assert 'href="/command/alerts/"' in client_as("commune_officer").get(url).content.decode()
        assert 'href="/command/alerts/"' not in client_as("community_team").get(url).content.decode()
