"""Setting a target (what is refused and why, scope first), its status from its readings (met, missed, at risk by
the trend of the last two weeks, on track), and the daily measure and the backfill that store its readings."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from phongdich.core.models import AuditEvent
from phongdich.core.scoping import OutOfScope
from phongdich.core.testing import runs_queued, unit

from ...choices import TargetStatus
from ...metrics import metric_value
from ...models import Target, TargetReading
from ..services import (
    MEASURE_ACTOR,
    projection,
    target_backfill_later,
    target_set,
    target_status,
    targets_backfill,
    targets_measure,
)
from .world import (
    DEC,
    HIEP_THANH,
    LAI_THIEU,
    PROVINCE,
    THUAN_AN,
    TODAY,
    coverage,
    directive,
    full_coverage_target,
    rising,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def a_target(world, persona: str = "province_commander", **changes) -> Target:
    values = {
        "unit": unit(PROVINCE),
        "name": "100% dân số được tiêm đủ 2 mũi",
        "metric": "coverage_full_pct",
        "target_value": "100",
        "starts_on": DEC,
        "deadline": date(2021, 12, 31),
    } | changes
    return target_set(actor=world.user(persona), **values)


def test_a_target_is_set_with_its_directive_point_audited_and_its_days_measured_in_the_background(dated):
    point = directive()
    with runs_queued() as runs:
        target = a_target(dated, point=point, target_value="99,5")
    assert (target.metric, target.target_value, target.point, target.status) == (
        "coverage_full_pct",
        Decimal("99.5"),
        point,
        TargetStatus.ON_TRACK,
    )
    assert runs == [("phongdich.command.targets.services.target_backfill_later", [target.pk])]
    row = AuditEvent.objects.get(object_type="command.target", object_id=str(target.pk))
    assert row.action == "create" and row.unit_path == unit(PROVINCE).path


def test_a_target_on_an_unknown_metric_is_refused_and_nothing_is_saved(dated):
    with pytest.raises(ValidationError) as error:
        a_target(dated, metric="happiness_pct")
    assert error.value.message_dict["metric"] == [
        "No metric happiness_pct: choose one of the metrics the platform computes."
    ]
    assert not Target.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"deadline": DEC - timedelta(days=1)}, "deadline", "before the day tracking starts"),
        ({"target_value": "120"}, "target_value", "at most 100"),
        ({"target_value": "-5"}, "target_value", "0 or more"),
        ({"target_value": "một trăm"}, "target_value", "as a number"),
        ({"name": "  "}, "name", "Name the target"),
    ],
)
def test_a_bad_target_is_refused_with_its_reason(dated, changes, field, message):
    with pytest.raises(ValidationError) as error:
        a_target(dated, **changes)
    assert message in " ".join(error.value.message_dict[field])
    assert not Target.objects.exists()


def test_a_count_metric_takes_a_value_over_100(dated):
    target = a_target(dated, metric="community_cases_7d", target_value="150", name="Dưới 150 ca cộng đồng mỗi tuần")
    assert target.target_value == Decimal(150)


def test_a_unit_outside_the_jurisdiction_is_not_found_before_anything_else_is_checked(dated):
    with pytest.raises(OutOfScope):
        a_target(dated, "district_officer", unit=unit(HIEP_THANH), metric="happiness_pct")
    with pytest.raises(OutOfScope):
        a_target(dated, "commune_officer", unit=unit(LAI_THIEU))  # a commune's duty officers set no targets
    assert a_target(dated, "district_officer", unit=unit(LAI_THIEU)).unit == unit(LAI_THIEU)


def test_a_directive_point_outside_the_jurisdiction_is_not_found(dated):
    provinces = directive(PROVINCE)  # the district officer does not see the province's directives
    with pytest.raises(OutOfScope):
        a_target(dated, "district_officer", unit=unit(THUAN_AN), point=provinces)


def test_a_point_of_a_directive_for_another_area_sets_no_target_there(dated):
    communes = directive(LAI_THIEU, number="05/CT-UBND")
    with pytest.raises(ValidationError) as error:
        a_target(dated, "district_officer", unit=unit(THUAN_AN), point=communes)
    assert "point" in error.value.message_dict


def days(values: list[float], start: date = DEC) -> list[tuple[date, Decimal]]:
    return [(start + timedelta(days=n), Decimal(str(value))) for n, value in enumerate(values)]


def status(readings, today: date, value: str = "100", higher: bool = True, deadline: date = date(2021, 12, 31)):
    return target_status(
        target_value=Decimal(value), deadline=deadline, higher_is_better=higher, readings=readings, today=today
    )


def test_a_target_reached_is_met_and_one_unmet_after_its_deadline_is_missed():
    assert status(days([90, 95, 100]), DEC + timedelta(days=2)) == TargetStatus.MET
    assert status(days([90, 95, 99]), date(2022, 1, 1)) == TargetStatus.MISSED
    assert status(days([90, 95, 100]), date(2022, 1, 1)) == TargetStatus.MET


def test_a_trend_that_reaches_the_value_by_the_deadline_is_on_track_and_one_that_does_not_is_at_risk():
    # From 70 % on 1/12, one point a day: 100 % by 31/12. Half a point a day: 85 %.
    assert status(days([70 + n for n in range(10)]), DEC + timedelta(days=9)) == TargetStatus.ON_TRACK
    assert status(days([70 + n / 2 for n in range(10)]), DEC + timedelta(days=9)) == TargetStatus.AT_RISK


def test_the_trend_is_drawn_through_the_last_two_weeks_only():
    # Fast at first, then flat for two weeks: the early rise no longer counts.
    readings = days([50 + 3 * n for n in range(10)] + [77] * 14, start=date(2021, 11, 20))
    assert status(readings, date(2021, 12, 13)) == TargetStatus.AT_RISK


def test_a_metric_where_less_is_better_is_met_at_or_below_the_value():
    assert status(days([200, 160, 150]), DEC + timedelta(days=2), value="150", higher=False) == TargetStatus.MET
    falling = days([300 - 10 * n for n in range(5)])
    assert status(falling, DEC + timedelta(days=4), value="150", higher=False) == TargetStatus.ON_TRACK


def test_one_reading_is_on_track_while_days_are_left():
    assert status(days([10]), DEC) == TargetStatus.ON_TRACK
    assert status([], DEC) == TargetStatus.ON_TRACK


def test_the_projection_is_the_least_squares_line_at_the_day():
    assert projection(days([10, 12, 14]), DEC + timedelta(days=10)) == Decimal("30.00")
    assert projection(days([10]), DEC) is None


def test_the_daily_measure_stores_a_reading_sets_the_status_and_is_idempotent(dated):
    coverage(PROVINCE, DEC, rising(DEC, 10, 70, 0.5))  # 70 % on 1/12, half a point a day: 85 % by 31/12
    target = full_coverage_target()
    targets_backfill(target=target)
    report = targets_measure(day=TODAY)
    again = targets_measure(day=TODAY)
    target.refresh_from_db()
    assert TargetReading.objects.filter(target=target, day=TODAY).count() == 1
    assert target.latest_value == metric_value("coverage_full_pct", unit(PROVINCE), TODAY) == Decimal("74.50")
    assert target.status == TargetStatus.AT_RISK
    assert report.measured == again.measured == 1 and again.changed == {}


def test_a_day_measured_again_with_new_figures_updates_its_reading(dated):
    coverage(PROVINCE, DEC, rising(DEC, 10, 70, 0.5))
    target = full_coverage_target()
    targets_measure(day=TODAY)
    coverage(PROVINCE, TODAY, [100])
    targets_measure(day=TODAY)
    target.refresh_from_db()
    assert [float(reading.value) for reading in target.readings.filter(day=TODAY)] == [100.0]
    assert target.status == TargetStatus.MET


def test_a_status_change_is_audited_as_one_row_naming_the_targets(dated):
    coverage(PROVINCE, DEC, rising(DEC, 10, 70, 0.5))
    target = full_coverage_target()
    targets_backfill(target=target)
    row = AuditEvent.objects.get(actor_label=MEASURE_ACTOR, object_type="command.target")
    assert row.detail["changed"] == {str(target.pk): ["on_track", "at_risk"]}


def test_a_target_past_its_deadline_is_measured_at_its_deadline_and_settled(dated):
    coverage(PROVINCE, date(2021, 11, 1), rising(date(2021, 11, 1), 40, 60, 1))  # 89 % on 30/11
    target = full_coverage_target(starts_on=date(2021, 11, 1), deadline=date(2021, 11, 30))
    targets_measure(day=TODAY)
    target.refresh_from_db()
    assert list(target.readings.values_list("day", "value")) == [(date(2021, 11, 30), Decimal("89.00"))]
    assert target.status == TargetStatus.MISSED
    coverage(PROVINCE, date(2021, 11, 30), [100])
    targets_measure(day=TODAY)  # settled: not measured again
    assert target.readings.get().value == Decimal("89.00")


def test_a_target_not_started_or_not_computable_is_not_measured(dated):
    later = full_coverage_target(starts_on=TODAY + timedelta(days=5), deadline=date(2021, 12, 31))
    nothing = full_coverage_target(unit_code=THUAN_AN)  # Thuận An has no figures: no residents, no share
    report = targets_measure(day=TODAY)
    assert (report.measured, report.not_computable) == (0, 1)
    assert not TargetReading.objects.filter(target__in=[later, nothing]).exists()


def test_the_backfill_reads_every_day_from_the_start_to_today(dated):
    coverage(PROVINCE, DEC, rising(DEC, 10, 70, 1))  # 1/12–10/12, 70 to 79 %
    target = full_coverage_target()
    assert targets_backfill(target=target) == 10
    target.refresh_from_db()
    assert [float(value) for value in target.readings.values_list("value", flat=True)] == list(range(70, 80))
    assert target.status == TargetStatus.ON_TRACK and target.latest_value == Decimal(79)
    assert targets_backfill(target=target) == 10 and target.readings.count() == 10  # again: the same rows


def test_the_background_backfill_finds_its_target_or_nothing(dated):
    coverage(PROVINCE, DEC, [80])
    target = full_coverage_target()
    target_backfill_later(target.pk)
    assert target.readings.count() == 1
    target_backfill_later(999_999)  # a target deleted meanwhile: nothing to do


def test_the_measure_costs_a_few_queries_per_target(dated, django_assert_max_num_queries):
    coverage(PROVINCE, DEC, rising(DEC, 10, 70, 1))
    for _ in range(3):
        full_coverage_target()
    with django_assert_max_num_queries(15):
        targets_measure(day=TODAY)
