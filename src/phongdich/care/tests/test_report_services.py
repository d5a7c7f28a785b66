"""Self-reports through the services: plausible readings, idempotent retries, warning alerts, the personal link,
what is done about an alert, escalation and the missed-report sweep."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from phongdich.core import clock
from phongdich.core.models import AuditEvent
from phongdich.core.scoping import OutOfScope

from ..choices import ActionKind, AlertKind, AlertStatus, OrderKind, OrderStatus, ReportSource, Severity
from ..models import Alert, AlertAction, IsolationOrder, SelfReport
from ..services.reports import (
    SWEEP_ACTOR,
    alert_acknowledge,
    alert_action_record,
    alert_close,
    alerts_escalate,
    link_actor,
    link_issue,
    link_orders,
    link_revoke,
    link_works,
    missed_reports_sweep,
    report_submit,
)
from .reporting import NORMAL, at_home, minutes_ago, resident, station, warning_rules  # noqa: F401

pytestmark = pytest.mark.usefixtures("warning_rules")


@pytest.fixture
def lan(world):
    return resident(world, "Trần Thị Lan", serial=111, phone="0903111222")


@pytest.fixture
def order(lan):
    return at_home(lan)


def submit(order, client_id="lan-1", actor="self-report:1", **fields):
    values = {"measured_at": minutes_ago(10), **NORMAL, **fields}
    return report_submit(actor=actor, order=order, client_id=client_id, **values)


def errors_of(call) -> dict[str, list[str]]:
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict


# -- Readings -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value, says",
    [
        ("spo2", 49, "SpO₂"),
        ("spo2", 101, "SpO₂"),
        ("breathing_rate", 4, "nhịp thở"),
        ("breathing_rate", 81, "nhịp thở"),
        ("pulse", 19, "mạch"),
        ("pulse", 251, "mạch"),
        ("temperature", "33.9", "nhiệt độ"),
        ("temperature", "43.1", "nhiệt độ"),
        ("systolic", 45, "tâm thu"),
        ("diastolic", 170, "tâm trương"),
    ],
)
def test_an_implausible_reading_is_refused_on_its_own_field_and_nothing_is_stored(order, field, value, says):
    errors = errors_of(lambda: submit(order, **{field: value}))
    assert list(errors) == [field]
    assert says in errors[field][0].lower() or says in errors[field][0]
    assert not SelfReport.objects.filter(order=order).exists()


def test_every_bad_field_is_told_at_once(order):
    errors = errors_of(lambda: submit(order, spo2=30, pulse=300, symptoms=["hắt hơi"], note="x" * 301))
    assert set(errors) == {"spo2", "pulse", "symptoms", "note"}


def test_a_temperature_in_fahrenheit_is_explained_with_its_celsius_value(order):
    errors = errors_of(lambda: submit(order, temperature="98.6"))
    assert "98,6" in errors["temperature"][0] and "37,0 °C" in errors["temperature"][0]
    assert "độ F" in errors["temperature"][0]


def test_a_diastolic_pressure_above_the_systolic_is_refused(order):
    errors = errors_of(lambda: submit(order, systolic=80, diastolic=90))
    assert list(errors) == ["diastolic"]


def test_a_fractional_pulse_and_a_word_are_not_numbers(order):
    errors = errors_of(lambda: submit(order, pulse="80.5", spo2="chín tám", temperature="ba bảy"))
    assert set(errors) == {"pulse", "spo2", "temperature"}


def test_a_measurement_in_the_future_or_before_the_isolation_is_refused(order):
    assert list(errors_of(lambda: submit(order, measured_at=clock.now() + timedelta(minutes=20)))) == ["measured_at"]
    before = clock.now() - timedelta(days=5)
    assert "trước khi bắt đầu" in errors_of(lambda: submit(order, measured_at=before))["measured_at"][0]


def test_a_phone_a_few_minutes_ahead_is_accepted(order):
    report, created = submit(order, measured_at=clock.now() + timedelta(minutes=3))
    assert created and report.pk


def test_a_normal_report_is_stored_with_the_orders_last_report_and_no_alert(order, lan):
    measured = minutes_ago(15)
    report, created = submit(order, measured_at=measured, symptoms=["cough", "fever"], note="Ho nhẹ")
    assert created and report.person == lan and report.unit_id == lan.unit_id
    assert report.temperature == Decimal("37.2") and report.symptoms == ["fever", "cough"]  # the checklist's order
    assert report.warning_signs == [] and report.severity == Severity.MILD
    order.refresh_from_db()
    assert order.last_report_at == measured and order.severity == Severity.MILD
    assert not Alert.objects.filter(order=order).exists()


def test_a_report_is_health_data_audited_under_the_links_named_actor(order):
    report, _ = submit(order, actor="self-report:7")
    row = AuditEvent.objects.get(object_type="care.selfreport", object_id=str(report.pk))
    assert row.actor_label == "self-report:7" and row.person_id == order.person_id
    assert row.unit_path == order.unit.path and row.after["spo2"] == 98


# -- Retries --------------------------------------------------------------------------------------------------------


def test_a_retry_with_the_same_id_returns_the_stored_report_and_stores_nothing(order):
    measured = minutes_ago(5)
    first, created = submit(order, measured_at=measured, temperature="37.20")
    again, created_again = submit(order, measured_at=measured, temperature="37.2")
    assert created and not created_again and again.pk == first.pk
    assert SelfReport.objects.filter(order=order).count() == 1
    assert AuditEvent.objects.filter(object_type="care.selfreport", object_id=str(first.pk)).count() == 1


def test_the_same_id_with_different_content_is_refused(order):
    measured = minutes_ago(5)
    submit(order, measured_at=measured)
    errors = errors_of(lambda: submit(order, measured_at=measured, spo2=95))
    assert list(errors) == ["client_id"]
    assert SelfReport.objects.filter(order=order).count() == 1


def test_a_retry_after_release_still_answers_with_the_stored_report(order):
    measured = minutes_ago(5)
    first, _ = submit(order, measured_at=measured)
    IsolationOrder.objects.filter(pk=order.pk).update(status=OrderStatus.RELEASED, ended_on=clock.today())
    order.refresh_from_db()
    again, created = submit(order, measured_at=measured)
    assert again.pk == first.pk and not created


def test_a_report_after_release_is_refused_with_the_day_it_ended(order):
    IsolationOrder.objects.filter(pk=order.pk).update(status=OrderStatus.RELEASED, ended_on=clock.today())
    order.refresh_from_db()
    errors = errors_of(lambda: submit(order))
    assert list(errors) == ["order"] and clock.today().strftime("%d/%m/%Y") in errors["order"][0]
    assert not SelfReport.objects.filter(order=order).exists()


def test_an_order_released_while_the_report_was_checked_takes_nothing(order):
    stale = IsolationOrder.objects.get(pk=order.pk)  # as the request read it, still active
    IsolationOrder.objects.filter(pk=order.pk).update(status=OrderStatus.RELEASED, ended_on=clock.today())
    errors = errors_of(lambda: submit(stale, spo2=93))
    assert list(errors) == ["order"]
    assert not SelfReport.objects.exists() and not Alert.objects.filter(order=order).exists()


# -- Warning signs and alerts --------------------------------------------------------------------------------------


def test_a_warning_report_raises_one_alert_for_the_station_with_its_severity_and_deadlines(order, warning_rules):  # noqa: F811
    before = clock.now()
    report, _ = submit(order, spo2=93, breathing_rate=22, symptoms=["short_of_breath"])
    alert = Alert.objects.get(order=order)
    assert alert.kind == AlertKind.WARNING_SIGN and alert.report == report and alert.status == AlertStatus.OPEN
    assert alert.severity == Severity.SEVERE == report.severity
    assert alert.facility == station() and alert.unit_id == order.unit_id and alert.person_id == order.person_id
    assert [sign["code"] for sign in alert.signs] == ["spo2_low", "breathing_fast", "symptom"]
    assert alert.acknowledge_by - alert.raised_at == timedelta(minutes=warning_rules.acknowledge_minutes)
    assert alert.escalate_at - alert.raised_at == timedelta(minutes=warning_rules.escalate_minutes)
    assert alert.raised_at >= before
    order.refresh_from_db()
    assert order.severity == Severity.SEVERE
    row = AuditEvent.objects.get(object_type="care.selfreport", object_id=str(report.pk))
    assert row.detail["alert"] == alert.pk


def test_a_childs_report_is_judged_by_her_age(world):
    child = resident(world, "Lê Ngọc Hân", born=clock.today() - timedelta(days=3 * 365))
    order = at_home(child)
    submit(order, client_id="han-1", breathing_rate=35)
    assert not Alert.objects.filter(order=order).exists()
    submit(order, client_id="han-2", breathing_rate=42)
    assert Alert.objects.get(order=order).severity == Severity.MODERATE


def test_an_older_reading_sent_late_keeps_the_newer_last_report(order):
    submit(order, client_id="a", measured_at=minutes_ago(10), spo2=95)
    submit(order, client_id="b", measured_at=minutes_ago(300))
    order.refresh_from_db()
    assert order.last_report_at > minutes_ago(11) and order.severity == Severity.MODERATE


def test_staff_enter_a_reading_for_an_order_in_their_scope_only(order, world):
    report, _ = submit(order, actor=world.user("health_worker"), source=ReportSource.STAFF)
    assert report.recorded_by == world.user("health_worker") and report.source == ReportSource.STAFF
    for outside in ("other_commune", "outsider", "lab_technician"):
        with pytest.raises(OutOfScope):
            submit(order, client_id=f"x-{outside}", actor=world.user(outside))


def test_scope_is_checked_before_anything_else_so_a_refusal_says_only_not_found(order, world):
    outsider = world.user("other_commune")
    with pytest.raises(OutOfScope):
        submit(order, actor=outsider, spo2=20, measured_at=clock.now() + timedelta(days=2))
    submit(order, client_id="warn", spo2=93)
    alert = Alert.objects.get(order=order)
    with pytest.raises(OutOfScope):
        alert_close(actor=outsider, alert=alert, note="")
    with pytest.raises(OutOfScope):
        alert_action_record(actor=outsider, alert=alert, kind="pray", done_at=clock.now() + timedelta(days=1))


def test_a_community_team_of_another_group_cannot_enter_a_reading(world):
    order = at_home(resident(world, "Võ Thị Mai", group="25966-02"))
    with pytest.raises(OutOfScope):
        submit(order, actor=world.user("community_team"))
    report, _ = submit(order, client_id="mai-1", actor=world.user("commune_officer"))
    assert report.pk


# -- The personal link --------------------------------------------------------------------------------------------


def test_one_link_serves_a_household_and_a_new_one_revokes_the_old(world):
    from phongdich.people.models import Household

    home = Household.objects.create(code="LT-KP1-0042", unit=world.unit("25966-01"), address="12 Nguyễn Trãi")
    mother = at_home(resident(world, "Phạm Thị Thu", household=home))
    son = at_home(resident(world, "Phạm Minh Khôi", household=home), kind=OrderKind.F1_HOME)
    officer = world.user("commune_officer")
    first = link_issue(actor=officer, orders=[mother, son])
    assert len(first.token) == 43 and link_works(first)
    assert {o.pk for o in link_orders(first)} == {mother.pk, son.pk}
    second = link_issue(actor=officer, orders=[mother, son])
    first.refresh_from_db()
    assert first.revoked_at is not None and link_orders(first) == [] and not link_works(first)
    assert IsolationOrder.objects.filter(link=second).count() == 2
    assert AuditEvent.objects.filter(object_type="care.reportlink", object_id=str(second.pk)).get().after[
        "revoked_links"
    ] == [first.pk]


def test_a_link_is_for_one_household_and_active_orders_only(world, order):
    officer = world.user("commune_officer")
    other = at_home(resident(world, "Đinh Văn Hùng"))
    with pytest.raises(ValidationError):
        link_issue(actor=officer, orders=[order, other])
    IsolationOrder.objects.filter(pk=other.pk).update(status=OrderStatus.RELEASED)
    with pytest.raises(ValidationError):
        link_issue(actor=officer, orders=[IsolationOrder.objects.get(pk=other.pk)])


def test_a_released_persons_link_stops_working_for_her(world, order):
    link = link_issue(actor=world.user("health_worker"), orders=[order])
    IsolationOrder.objects.filter(pk=order.pk).update(status=OrderStatus.RELEASED)
    assert link_orders(link) == [] and not link_works(link)


def test_a_link_is_issued_and_revoked_only_within_the_actors_scope(world, order):
    for name in ("community_team", "other_commune", "outsider"):  # a team sees the link, but does not issue it
        with pytest.raises(OutOfScope):
            link_issue(actor=world.user(name), orders=[order])
    link = link_issue(actor=world.user("health_worker"), orders=[order])
    with pytest.raises(OutOfScope):
        link_revoke(actor=world.user("other_commune"), link=link)
    link_revoke(actor=world.user("commune_officer"), link=link)
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert link_actor(link) == f"self-report:{link.pk}"


# -- Acting on an alert -------------------------------------------------------------------------------------------


@pytest.fixture
def alert(order):
    submit(order, spo2=94)
    return Alert.objects.get(order=order)


def test_the_station_acknowledges_records_actions_and_closes_an_alert(alert, world):
    worker = world.user("health_worker")
    alert_acknowledge(actor=worker, alert=alert)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.acknowledged_by == worker
    alert_action_record(actor=worker, alert=alert, kind=ActionKind.CALLED, note="SpO₂ đo lại 95 %")
    alert_action_record(actor=worker, alert=alert, kind=ActionKind.MEDICINE)
    alert_close(actor=worker, alert=alert, note="Ổn định, theo dõi tại nhà")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED and alert.closed_by == worker and alert.close_note.startswith("Ổn")
    assert list(alert.actions.values_list("kind", flat=True)) == [ActionKind.CALLED, ActionKind.MEDICINE]
    assert AuditEvent.objects.filter(object_type="care.alertaction").count() == 2
    with pytest.raises(ValidationError):
        alert_action_record(actor=worker, alert=alert, kind=ActionKind.ADVICE)


def test_recording_an_action_on_an_open_alert_acknowledges_it(alert, world):
    team = world.user("community_team")
    alert_action_record(actor=team, alert=alert, kind=ActionKind.AMBULANCE, note="Gọi 115 lúc 21:10")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.acknowledged_by == team


def test_bad_actions_are_refused_field_by_field(alert, world):
    worker = world.user("health_worker")
    errors = errors_of(
        lambda: alert_action_record(
            actor=worker, alert=alert, kind="pray", note="", done_at=clock.now() + timedelta(hours=1)
        )
    )
    assert set(errors) == {"kind", "done_at"}
    assert "note" in errors_of(lambda: alert_action_record(actor=worker, alert=alert, kind=ActionKind.OTHER))
    assert "note" in errors_of(lambda: alert_close(actor=worker, alert=alert, note="  "))
    assert not AlertAction.objects.exists()


@pytest.mark.parametrize("name", ["other_commune", "outsider", "lab_technician", "analyst"])
def test_an_alert_outside_ones_scope_cannot_be_touched(alert, world, name):
    user = world.user(name)
    with pytest.raises(OutOfScope):
        alert_acknowledge(actor=user, alert=alert)
    with pytest.raises(OutOfScope):
        alert_action_record(actor=user, alert=alert, kind=ActionKind.ADVICE)
    with pytest.raises(OutOfScope):
        alert_close(actor=user, alert=alert, note="Đóng")


def test_a_team_of_another_residential_group_cannot_act_on_the_alert(world):
    order = at_home(resident(world, "Võ Thị Mai", group="25966-02"))
    submit(order, client_id="mai-1", spo2=92)
    alert = Alert.objects.get(order=order)
    with pytest.raises(OutOfScope):
        alert_acknowledge(actor=world.user("community_team"), alert=alert)
    alert_acknowledge(actor=world.user("district_admin"), alert=alert)  # commune officer of Lái Thiêu too


# -- Escalation ---------------------------------------------------------------------------------------------------


def test_an_alert_nobody_acknowledged_escalates_to_the_district_after_the_rules_minutes(alert, warning_rules):  # noqa: F811
    minutes = warning_rules.escalate_minutes
    assert alerts_escalate(alert.raised_at + timedelta(minutes=minutes - 1)) == 0
    assert alerts_escalate(alert.raised_at + timedelta(minutes=minutes)) == 1
    alert.refresh_from_db()
    assert alert.escalated_at == alert.raised_at + timedelta(minutes=minutes)
    assert alerts_escalate(alert.raised_at + timedelta(minutes=minutes + 10)) == 0  # once
    row = AuditEvent.objects.get(actor_label=SWEEP_ACTOR, object_type="care.alert")
    assert row.detail["escalated"] == 1


def test_an_acknowledged_alert_does_not_escalate(alert, world):
    alert_acknowledge(actor=world.user("community_team"), alert=alert)
    assert alerts_escalate(alert.escalate_at + timedelta(minutes=1)) == 0


# -- Missed reports -----------------------------------------------------------------------------------------------


def recorded_hours_ago(order, hours: int) -> None:
    IsolationOrder.objects.filter(pk=order.pk).update(created_at=clock.now() - timedelta(hours=hours))


def test_the_missed_report_sweep_raises_once_per_gap(order, warning_rules):  # noqa: F811
    recorded_hours_ago(order, 30)
    assert missed_reports_sweep() == 1
    assert missed_reports_sweep() == 0  # the same gap
    alert = Alert.objects.get(order=order, kind=AlertKind.MISSED_REPORTS)
    assert alert.signs == [{"code": "missed_reports", "hours": 12}] and alert.facility == station()
    assert alert.severity == Severity.MILD
    submit(order, measured_at=clock.now())  # heard from again: the alert closes itself
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED and alert.close_note
    later = clock.now() + timedelta(hours=warning_rules.missed_report_hours, minutes=5)
    assert missed_reports_sweep(later - timedelta(hours=1)) == 0
    assert missed_reports_sweep(later) == 1  # a new gap
    assert Alert.objects.filter(order=order, kind=AlertKind.MISSED_REPORTS).count() == 2
    assert AuditEvent.objects.filter(actor_label=SWEEP_ACTOR).count() == 2


def test_the_sweep_takes_f0_treated_at_home_only_and_never_a_released_order(world):
    at_home_f0 = at_home(resident(world, "Đinh Thị Lan"))
    f1 = at_home(resident(world, "Bùi Văn Nam"), kind=OrderKind.F1_HOME)
    released = at_home(resident(world, "Hồ Thị Hoa"))
    site = at_home(resident(world, "Mai Văn Tú"), kind=OrderKind.F0_SITE)
    fresh = at_home(resident(world, "Cao Thị Yến"))
    for order in (at_home_f0, f1, released, site):
        recorded_hours_ago(order, 20)
    IsolationOrder.objects.filter(pk=released.pk).update(status=OrderStatus.RELEASED)
    assert missed_reports_sweep() == 1
    assert Alert.objects.get(kind=AlertKind.MISSED_REPORTS).order == at_home_f0
    assert not Alert.objects.filter(order__in=[f1, released, site, fresh]).exists()


def test_missed_report_alerts_do_not_escalate_to_the_district(order):
    recorded_hours_ago(order, 30)
    missed_reports_sweep()
    assert alerts_escalate(clock.now() + timedelta(hours=2)) == 0


def test_the_sweep_command_for_cron_escalates_and_raises_missed_report_alerts(order, warning_rules):  # noqa: F811
    from io import StringIO

    from django.core.management import call_command

    recorded_hours_ago(order, 30)
    out = StringIO()
    call_command("care", "sweep", stdout=out)
    assert out.getvalue().strip() == "0 alerts escalated, 1 missed-report alerts raised, 0 transfers escalated"
    assert Alert.objects.filter(order=order, kind=AlertKind.MISSED_REPORTS).count() == 1


def test_a_new_link_goes_by_sms_once_to_each_phone_in_the_household(world):
    from phongdich.care.models import Message
    from phongdich.people.models import Household

    home = Household.objects.create(code="LT-KP1-0077", unit=world.unit("25966-01"), address="3 Đường Lê Lợi")
    mother = at_home(resident(world, "Võ Thị Mai", household=home, phone="0903111222"))
    son = at_home(resident(world, "Võ Minh Khôi", household=home, phone="0903111222"), kind=OrderKind.F1_HOME)
    link = link_issue(actor=world.user("commune_officer"), orders=[mother, son])
    text = Message.objects.get(template="link").text  # one number, one text
    assert f"/r/{link.token}/" in text and "115" in text and "2 lần mỗi ngày" in text
