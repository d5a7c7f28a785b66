"""A person's work on an alert (acknowledge, resolve) and a rule's change: who may, what is refused and why, and
the audit trail each leaves."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from phongdich.core.models import AuditEvent
from phongdich.core.scoping import OutOfScope
from phongdich.core.testing import unit

from ...choices import AlertState
from ...models import Alert
from ..services import alert_acknowledge, alert_resolve, alert_rule_change, alerts_sweep
from .world import HIEP_THANH, LAI_THIEU, care_alert, hospital, rule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def home_care(rules) -> Alert:
    """The alert of Lái Thiêu's unacknowledged home-care warning."""
    care_alert(LAI_THIEU)
    alerts_sweep()
    return Alert.objects.get(rule__code="home_care_unack")


def test_acknowledging_records_who_and_when_with_its_audit_row_in_the_commune(home_care, world):
    officer = world.user("commune_officer")
    alert = alert_acknowledge(actor=officer, alert=home_care)
    assert (alert.state, alert.acknowledged_by) == (AlertState.ACKNOWLEDGED, officer)
    row = AuditEvent.objects.get(object_type="command.alert", object_id=str(alert.pk))
    assert row.actor == officer and row.unit_path == unit(LAI_THIEU).path
    assert row.after["state"] == AlertState.ACKNOWLEDGED and row.before["state"] == AlertState.OPEN


def test_acknowledging_twice_changes_nothing(home_care, world):
    first = alert_acknowledge(actor=world.user("commune_officer"), alert=home_care)
    again = alert_acknowledge(actor=world.user("health_worker"), alert=home_care)
    assert again.acknowledged_by == first.acknowledged_by and again.acknowledged_at == first.acknowledged_at
    assert AuditEvent.objects.filter(object_type="command.alert", object_id=str(home_care.pk)).count() == 1


def test_a_resolved_alert_cannot_be_acknowledged(home_care, world):
    alert_resolve(actor=world.user("commune_officer"), alert=home_care, resolution="Đã xử lý")
    with pytest.raises(ValidationError, match="already resolved"):
        alert_acknowledge(actor=world.user("health_worker"), alert=home_care)


def test_resolving_says_what_was_done_and_acknowledges_an_open_alert(home_care, world):
    worker = world.user("health_worker")
    alert = alert_resolve(actor=worker, alert=home_care, resolution="  Đã đến nhà, chuyển tầng 2  ")
    assert (alert.state, alert.resolution, alert.resolved_by, alert.acknowledged_by) == (
        AlertState.RESOLVED,
        "Đã đến nhà, chuyển tầng 2",
        worker,
        worker,
    )


def test_resolving_twice_is_refused_and_changes_nothing(home_care, world):
    alert_resolve(actor=world.user("commune_officer"), alert=home_care, resolution="Đã xử lý")
    with pytest.raises(ValidationError, match="already resolved"):
        alert_resolve(actor=world.user("health_worker"), alert=home_care, resolution="Lần hai")
    home_care.refresh_from_db()
    assert home_care.resolution == "Đã xử lý" and home_care.resolved_by == world.user("commune_officer")


@pytest.mark.parametrize("resolution", ["", "   ", "x" * 301])
def test_a_resolution_empty_or_too_long_is_refused(home_care, world, resolution):
    with pytest.raises(ValidationError) as error:
        alert_resolve(actor=world.user("commune_officer"), alert=home_care, resolution=resolution)
    assert "resolution" in error.value.message_dict
    home_care.refresh_from_db()
    assert home_care.state == AlertState.OPEN


@pytest.mark.parametrize("persona", ["other_commune", "analyst", "community_team", "outsider"])
def test_who_may_not_change_the_alert_finds_no_such_alert(home_care, world, persona):
    for act in (
        lambda: alert_acknowledge(actor=world.user(persona), alert=home_care),
        lambda: alert_resolve(actor=world.user(persona), alert=home_care, resolution="Đã xử lý"),
    ):
        with pytest.raises(OutOfScope):
            act()
    home_care.refresh_from_db()
    assert home_care.state == AlertState.OPEN


def test_a_facilitys_alert_is_changed_by_the_command_above_it_not_by_another_district(rules, world):
    hospital(occupied=20, commune=HIEP_THANH)
    alerts_sweep()
    beds = Alert.objects.get(rule__code="bed_occupancy")
    with pytest.raises(OutOfScope):
        alert_acknowledge(actor=world.user("district_officer"), alert=beds)  # Thuận An; the hospital is in Thủ Dầu Một
    assert alert_acknowledge(actor=world.user("province_commander"), alert=beds).state == AlertState.ACKNOWLEDGED


def test_the_province_changes_a_rule_with_its_audit_row(rules, world):
    commander = world.user("province_commander")
    changed = alert_rule_change(
        actor=commander,
        rule=rule("bed_occupancy"),
        threshold="90,5",
        active=True,
        roles=["health_worker", "province_commander"],
    )
    assert (changed.threshold, changed.roles, changed.changed_by) == (
        Decimal("90.5"),
        ["province_commander", "health_worker"],
        commander,
    )
    row = AuditEvent.objects.get(object_type="command.alertrule", object_id=str(changed.pk))
    assert row.before == {"threshold": "85.00", "roles": ["province_commander", "district_officer", "health_worker"]}
    assert row.unit_path == unit("74").path


def test_a_district_administrator_may_not_change_a_rule_of_the_province(rules, world):
    with pytest.raises(PermissionDenied):
        alert_rule_change(
            actor=world.user("district_admin"), rule=rule("bed_occupancy"), threshold="50", active=True, roles=[]
        )
    assert rule("bed_occupancy").threshold == Decimal(85)


@pytest.mark.parametrize(
    ("code", "threshold", "roles", "field", "message"),
    [
        ("bed_occupancy", "nhiều", ["district_officer"], "threshold", "as a number"),
        ("bed_occupancy", "-1", ["district_officer"], "threshold", "0 or more"),
        ("bed_occupancy", "101", ["district_officer"], "threshold", "at most 100"),
        ("level_rising", "1.5", ["district_officer"], "threshold", "1, 2 or 3"),
        ("bed_occupancy", "85", [], "roles", "at least one role"),
        ("bed_occupancy", "85", ["community_team"], "roles", "cannot see alerts: community_team"),
        ("bed_occupancy", "85", ["mayor"], "roles", "cannot see alerts: mayor"),
    ],
)
def test_a_bad_threshold_or_role_is_refused_with_its_reason_and_changes_nothing(
    rules, world, code, threshold, roles, field, message
):
    before = rule(code)
    with pytest.raises(ValidationError) as error:
        alert_rule_change(
            actor=world.user("province_commander"), rule=before, threshold=threshold, active=False, roles=roles
        )
    assert message in " ".join(error.value.message_dict[field])
    after = rule(code)
    assert (after.threshold, after.roles, after.active) == (before.threshold, before.roles, True)


def test_an_unknown_unit_level_is_refused(rules, world):
    with pytest.raises(ValidationError) as error:
        alert_rule_change(
            actor=world.user("province_commander"),
            rule=rule("positivity"),
            threshold="5",
            active=True,
            roles=["district_officer"],
            unit_levels=["hamlet"],
        )
    assert "unit_levels" in error.value.message_dict
