"""The sweep: each kind of rule raises one alert per subject past its threshold, updates it while it is not
resolved, marks it when its condition clears and raises a new one once a person has resolved it; idempotent, and
a few queries per rule whatever the number of units."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from phongdich.care.choices import AlertKind, AlertStatus
from phongdich.core import clock
from phongdich.core.models import AuditEvent
from phongdich.core.testing import unit

from ...choices import AlertState, TargetStatus, TaskStatus
from ...metrics import metric_value
from ...models import Alert, AlertRule
from ..services import SWEEP_ACTOR, alert_resolve, alert_rule_change, alert_rules_default, alerts_sweep
from .world import (
    BECAMEX,
    HIEP_THANH,
    LAI_THIEU,
    THU_DAU_MOT,
    THUAN_AN,
    a_target,
    a_task,
    care_alert,
    figures,
    hospital,
    oxygen_used,
    published,
    rule,
)

pytestmark = pytest.mark.django_db


def live(code: str) -> list[Alert]:
    return list(Alert.objects.filter(rule__code=code).exclude(state=AlertState.RESOLVED).order_by("subject"))


def test_the_default_rules_are_created_once_and_an_existing_rule_keeps_what_was_set(rules):
    assert set(AlertRule.objects.values_list("code", flat=True)) == {
        "home_care_unack",
        "missed_reports",
        "bed_occupancy",
        "oxygen_cover",
        "overdue_tasks",
        "positivity",
        "level_rising",
        "target_at_risk",
    }
    beds = rule("bed_occupancy")
    assert (beds.threshold, beds.roles) == (Decimal(85), ["province_commander", "district_officer", "health_worker"])
    alert_rule_change(
        actor=rules.user("province_commander"), rule=beds, threshold="90", active=True, roles=["district_officer"]
    )
    assert alert_rules_default() == []
    assert rule("bed_occupancy").threshold == Decimal(90)


def test_an_unacknowledged_home_care_warning_raises_one_alert_for_its_commune(rules):
    care_alert(LAI_THIEU, number=0)
    care_alert(LAI_THIEU, number=1)
    care_alert(LAI_THIEU, number=2, overdue=False)  # still within its time
    care_alert(LAI_THIEU, number=3, status=AlertStatus.ACKNOWLEDGED)
    report = alerts_sweep()
    [alert] = live("home_care_unack")
    assert (alert.subject, alert.unit, alert.value, alert.state) == (
        f"home_care:{unit(LAI_THIEU).pk}",
        unit(LAI_THIEU),
        Decimal(2),
        AlertState.OPEN,
    )
    assert alert.link.startswith("/care/alerts/?") and f"unit={unit(LAI_THIEU).pk}" in alert.link
    assert "Lái Thiêu" in alert.summary
    assert report.rules["home_care_unack"].raised == 1


def test_a_second_sweep_updates_the_alert_rather_than_raising_another(rules):
    care_alert(LAI_THIEU, number=0)
    first = alerts_sweep()
    care_alert(LAI_THIEU, number=1)
    later = clock.now() + timedelta(minutes=5)
    second = alerts_sweep(now=later)
    [alert] = live("home_care_unack")
    assert alert.value == 2 and alert.seen_at == later and alert.raised_at == first.at
    assert (second.raised, second.rules["home_care_unack"].updated) == (0, 1)
    alerts_sweep(now=later)
    assert Alert.objects.count() == 1


def test_an_alert_whose_condition_cleared_is_marked_and_stays_until_a_person_resolves_it(rules):
    warning = care_alert(LAI_THIEU)
    alerts_sweep()
    warning.status = AlertStatus.ACKNOWLEDGED
    warning.save(update_fields=["status"])
    report = alerts_sweep()
    [alert] = live("home_care_unack")
    assert alert.cleared_at == report.at and alert.state == AlertState.OPEN
    assert report.cleared == 1
    assert alerts_sweep().cleared == 0  # marked once


def test_a_condition_back_before_the_alert_is_resolved_unmarks_it(rules):
    warning = care_alert(LAI_THIEU)
    alerts_sweep()
    type(warning).objects.filter(pk=warning.pk).update(status=AlertStatus.ACKNOWLEDGED)
    alerts_sweep()
    care_alert(LAI_THIEU, number=1)
    alerts_sweep()
    [alert] = live("home_care_unack")
    assert alert.cleared_at is None and alert.value == 1


def test_once_resolved_a_condition_still_holding_raises_a_new_alert(rules):
    care_alert(LAI_THIEU)
    alerts_sweep()
    [first] = live("home_care_unack")
    alert_resolve(actor=rules.user("commune_officer"), alert=first, resolution="Đã gọi điện, bệnh nhân ổn định")
    alerts_sweep()
    [second] = live("home_care_unack")
    assert second.pk != first.pk and second.subject == first.subject
    assert Alert.objects.filter(subject=first.subject).count() == 2


def test_missed_reports_over_the_threshold_raise_an_alert_per_commune(rules):
    for number in range(6):
        care_alert(LAI_THIEU, kind=AlertKind.MISSED_REPORTS, number=number)
    for number in range(5):
        care_alert(HIEP_THANH, kind=AlertKind.MISSED_REPORTS, number=number)  # five: not over the threshold of 5
    care_alert(HIEP_THANH, kind=AlertKind.MISSED_REPORTS, number=6, status=AlertStatus.CLOSED)
    alerts_sweep()
    [alert] = live("missed_reports")
    assert (alert.unit, alert.value, alert.threshold) == (unit(LAI_THIEU), Decimal(6), Decimal(5))


def test_a_rule_set_to_districts_adds_its_communes_up(rules):
    care_alert(LAI_THIEU, number=0)
    care_alert("25963", number=1)  # Tân Phước Khánh, another ward of Thuận An
    care_alert(HIEP_THANH, number=2)  # Thủ Dầu Một
    alert_rule_change(
        actor=rules.user("province_commander"),
        rule=rule("home_care_unack"),
        threshold="1",
        active=True,
        roles=["district_officer"],
        unit_levels=["district"],
    )
    alerts_sweep()
    [alert] = live("home_care_unack")
    assert (alert.unit, alert.value) == (unit(THUAN_AN), Decimal(2))


def test_a_facility_with_its_beds_taken_over_85_percent_raises_an_alert_naming_the_facility(rules):
    becamex = hospital(occupied=18)  # 90 %
    hospital(occupied=17, name="Bệnh viện dã chiến Phú Chánh", commune=HIEP_THANH)  # 85 %: not over
    alerts_sweep()
    [alert] = live("bed_occupancy")
    assert (alert.facility, alert.unit, alert.value) == (becamex, unit(LAI_THIEU), Decimal(90))
    assert alert.subject == f"beds:{becamex.pk}" and alert.link == f"/care/tower/facilities/{becamex.pk}/"
    assert BECAMEX in alert.summary


def test_oxygen_lasting_under_three_days_at_the_current_use_raises_an_alert(rules):
    short = oxygen_used(per_day=8, received=60)  # 4 cylinders left, 8 a day: half a day
    oxygen_used(per_day=10, received=100, name="Bệnh viện dã chiến số 3")  # 30 left: 3 days, not under
    alerts_sweep()
    [alert] = live("oxygen_cover")
    assert (alert.facility, alert.value, alert.threshold) == (short, Decimal("0.50"), Decimal(3))
    assert alert.link == f"/care/supplies/facility/{short.pk}/"


def test_open_tasks_past_their_deadline_raise_an_alert_for_their_unit(rules):
    a_task(THUAN_AN, days_late=2)
    a_task(THUAN_AN, days_late=1, title="Rà soát người về từ vùng dịch")
    a_task(THUAN_AN, days_late=3, status=TaskStatus.DONE, title="Lập chốt kiểm soát")
    a_task(THU_DAU_MOT, days_late=-2, title="Báo cáo tiến độ tiêm chủng")  # not due yet
    alerts_sweep()
    [alert] = live("overdue_tasks")
    assert (alert.unit, alert.value, alert.subject) == (unit(THUAN_AN), Decimal(2), f"tasks:{unit(THUAN_AN).pk}")


def test_a_district_testing_positive_over_5_percent_over_7_days_raises_an_alert(rules):
    figures(THUAN_AN, tests=100, positives=8)
    figures(THU_DAU_MOT, tests=100, positives=5)  # 5 %: not over
    figures(LAI_THIEU, tests=10, positives=8)  # a commune: the rule watches districts
    alerts_sweep()
    [alert] = live("positivity")
    assert (alert.unit, alert.value) == (unit(THUAN_AN), Decimal(8))
    assert alert.value == metric_value("positivity_7d_pct", unit(THUAN_AN), clock.today())  # the metric's own figure


def test_a_unit_whose_level_rose_between_the_last_two_published_assessments_raises_an_alert(rules):
    published(date(2021, 8, 30), {LAI_THIEU: 2, HIEP_THANH: 3, THUAN_AN: 2})
    latest = published(date(2021, 9, 6), {LAI_THIEU: 4, HIEP_THANH: 2, THUAN_AN: 2})
    alerts_sweep()
    [alert] = live("level_rising")
    assert (alert.unit, alert.value) == (unit(LAI_THIEU), Decimal(2))
    assert alert.link == f"/levels/results/{latest.results.get(unit=unit(LAI_THIEU)).pk}/"


def test_a_target_at_risk_or_missed_raises_an_alert_until_it_is_met(rules):
    target = a_target(TargetStatus.AT_RISK)
    a_target(TargetStatus.ON_TRACK)
    alerts_sweep()
    [alert] = live("target_at_risk")
    assert (alert.subject, alert.value, alert.threshold) == (f"target:{target.pk}", Decimal("62.5"), Decimal(100))
    assert alert.link == f"/command/targets/{target.pk}/" and "62,5" in alert.summary
    target.status = TargetStatus.MET
    target.save(update_fields=["status"])
    alerts_sweep()
    assert live("target_at_risk")[0].cleared_at is not None


def test_an_inactive_rule_raises_nothing(rules):
    alert_rule_change(
        actor=rules.user("province_commander"),
        rule=rule("bed_occupancy"),
        threshold="85",
        active=False,
        roles=["province_commander"],
    )
    hospital(occupied=20)
    report = alerts_sweep()
    assert live("bed_occupancy") == [] and "bed_occupancy" not in report.rules


def test_a_sweep_that_raises_or_clears_writes_one_audit_row_naming_the_counts(rules):
    hospital(occupied=20)
    care_alert(LAI_THIEU)
    alerts_sweep()
    row = AuditEvent.objects.get(actor_label=SWEEP_ACTOR, object_type="command.alert")
    assert row.detail["raised"] == 2 and row.unit_path == unit("74").path
    alerts_sweep()  # nothing new: no second row
    assert AuditEvent.objects.filter(actor_label=SWEEP_ACTOR, object_type="command.alert").count() == 1


def test_the_sweep_costs_the_same_queries_however_many_units_and_facilities_it_finds(
    rules, django_assert_max_num_queries
):
    def world_grows(start: int) -> None:
        for number in range(start, start + 3):
            care_alert(LAI_THIEU if number % 2 else HIEP_THANH, number=number)
            care_alert(HIEP_THANH, kind=AlertKind.MISSED_REPORTS, number=number)
            hospital(occupied=20, name=f"Bệnh viện số {number}")
            a_task(THUAN_AN if number % 2 else THU_DAU_MOT, title=f"Nhiệm vụ {number}")

    alert_rule_change(
        actor=rules.user("province_commander"),
        rule=rule("missed_reports"),
        threshold="1",
        active=True,
        roles=["commune_officer"],
    )
    world_grows(0)
    a_target()
    alerts_sweep()
    with django_assert_max_num_queries(60) as few:
        alerts_sweep()
    world_grows(3)
    a_target(latest="40")
    with django_assert_max_num_queries(60):
        alerts_sweep()  # raises the new subjects' alerts: an insert per rule
    with django_assert_max_num_queries(60) as more:
        alerts_sweep()
    assert len(more) == len(few)
    assert Alert.objects.count() > 6
