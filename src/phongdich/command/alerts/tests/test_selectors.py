"""A user's inbox: the alerts of their jurisdiction whose rule sends them to one of their roles, where that role is
held; and the counts of what waits there."""

import pytest

from phongdich.core.testing import unit

from ...choices import AlertState
from ...models import Alert
from ..selectors import inbox, open_alert_counts
from ..services import alert_acknowledge, alert_rule_change, alerts_sweep
from .world import HIEP_THANH, LAI_THIEU, THUAN_AN, a_task, care_alert, hospital, rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def swept(rules):
    """Home care unacknowledged in Lái Thiêu and in Hiệp Thành, a full hospital in Lái Thiêu, a task of Thuận An
    past its deadline."""
    care_alert(LAI_THIEU, number=0)
    care_alert(HIEP_THANH, number=1)
    hospital(occupied=20)
    a_task(THUAN_AN)
    alerts_sweep()
    return {alert.subject.split(":")[0] + ":" + alert.unit.code: alert for alert in Alert.objects.all()}


def subjects(user) -> set[str]:
    return {f"{alert.subject.split(':')[0]}:{alert.unit.code}" for alert in inbox(user)}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("province_commander", {"beds:25966", "tasks:725"}),  # home care is the communes' and stations'
        ("district_officer", {"beds:25966", "tasks:725"}),
        ("commune_officer", {"home_care:25966"}),  # Thuận An's task is the district's unit, above the commune
        ("health_worker", {"home_care:25966", "beds:25966"}),  # the ward of the station
        ("other_commune", {"home_care:25741"}),
        ("analyst", set()),  # sees the alerts, no rule sends them to analysts
        ("community_team", set()),
        ("outsider", set()),
        # Two roles: the commune officer's role brings Lái Thiêu's home care, not Hiệp Thành's, although the province
        # commander's role sees the whole province.
        ("commander_commune", {"home_care:25966", "beds:25966", "tasks:725"}),
    ],
)
def test_the_inbox_holds_the_alerts_sent_to_the_users_roles_where_they_hold_them(swept, world, persona, expected):
    assert subjects(world.user(persona)) == expected


def test_a_role_added_to_a_rule_brings_its_alerts_into_that_roles_inbox(swept, world):
    alert_rule_change(
        actor=world.user("province_commander"),
        rule=rule("home_care_unack"),
        threshold="0",
        active=True,
        roles=["commune_officer", "health_worker", "district_officer"],
    )
    assert subjects(world.user("district_officer")) == {"home_care:25966", "beds:25966", "tasks:725"}


def test_the_inbox_puts_the_open_before_the_acknowledged_and_the_critical_first(swept, world):
    commander = world.user("commander_commune")
    alert_acknowledge(actor=commander, alert=swept["beds:25966"])
    order = [f"{alert.subject.split(':')[0]}:{alert.unit.code}" for alert in inbox(commander)]
    assert order == ["home_care:25966", "tasks:725", "beds:25966"]  # home care is critical, tasks a warning


def test_the_counts_say_what_waits_in_the_inbox_under_a_unit(swept, world):
    commander = world.user("commander_commune")
    alert_acknowledge(actor=commander, alert=swept["beds:25966"])
    assert open_alert_counts(commander) == {"open": 2, "acknowledged": 1, "critical": 1, "cleared": 0}
    assert open_alert_counts(commander, unit(LAI_THIEU)) == {"open": 1, "acknowledged": 1, "critical": 1, "cleared": 0}
    assert open_alert_counts(world.user("other_commune"), unit(LAI_THIEU))["open"] == 0


def test_a_resolved_alert_leaves_the_counts(swept, world):
    from ..services import alert_resolve

    officer = world.user("commune_officer")
    alert_resolve(actor=officer, alert=swept["home_care:25966"], resolution="Đã xử lý")
    assert open_alert_counts(officer)["open"] == 0
    assert [alert.state for alert in inbox(officer)] == [AlertState.RESOLVED]
