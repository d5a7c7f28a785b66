"""The daily figures: counted day by day as the week is entered, they agree with a rebuild from the raw rows, with
the figures of a report's window, and a province's row is the sum of its districts'."""

from datetime import timedelta

import pytest

from phongdich.care.tower.tests.world import build_tower
from phongdich.core import clock
from phongdich.core.testing import unit
from phongdich.people.services import person_create
from phongdich.places.models import AdminUnit
from phongdich.surveillance.choices import DetectionSetting
from phongdich.surveillance.services.cases import case_confirm

from ..figures import figures_for_window, figures_rebuild, figures_refresh, midnight
from ..models import DailyFigures
from ..selectors import children_figures, figures_cumulative, figures_on, figures_series
from .world import FIRST_DAY, a_day_of_work, days_of_the_week, moment

pytestmark = pytest.mark.django_db


def snapshot(days) -> dict:
    rows = DailyFigures.objects.filter(day__in=days).values("unit_id", "day", *DailyFigures.COUNTS)
    return {(row.pop("unit_id"), row.pop("day")): row for row in rows}


def refreshed_day_by_day(days) -> None:
    for day in days:
        clock.use(day)
        figures_refresh()


def test_the_figures_refreshed_day_by_day_agree_with_a_rebuild_from_the_raw_rows(week):
    refreshed_day_by_day(week)
    incremental = snapshot(week)
    figures_rebuild(since=week[0], until=week[-1])
    assert snapshot(week) == incremental
    assert len(incremental) > 20


def test_a_days_cases_are_split_by_where_they_were_found(week):
    figures_rebuild(since=week[0], until=week[-1])
    province = figures_on(unit("74"), week[1])
    assert (province["cases_community"], province["cases_isolated"], province["cases_imported"]) == (2, 1, 1)
    assert (province["tests"], province["positives"]) == (3, 1)
    assert province["doses"] == 2


def test_a_province_row_is_the_sum_of_its_districts_rows(week):
    figures_rebuild(since=week[0], until=week[-1])
    for day in week:
        districts = children_figures(unit("74"), day)
        province = figures_on(unit("74"), day)
        for column in DailyFigures.COUNTS:
            assert province[column] == sum(row[column] for _district, row in districts), (day, column)


def test_a_home_patient_counts_from_the_first_day_to_the_day_before_the_order_ended(week):
    figures_rebuild(since=week[0], until=week[-1])
    lai_thieu = unit("25966")
    at_home = [figures_on(lai_thieu, day)["f0_home"] for day in week]
    # One new home patient a day; the first day's leaves on the third day.
    assert at_home == [1, 2, 2, 3, 4]


def test_beds_and_patients_are_counted_by_the_tier_of_the_facility(week):
    figures_rebuild(since=week[0], until=week[-1])
    last = figures_on(unit("74"), week[-1])
    assert last["f0_tier2"] == 5
    assert last["beds_tier2"] == 53 and last["beds_tier3"] == 32 and last["beds_tier1"] == 2


def test_deaths_recoveries_and_coverage_follow_the_records(week):
    figures_rebuild(since=week[0], until=week[-1])
    province = unit("74")
    assert figures_on(province, week[2])["deaths"] == 1
    assert figures_on(province, week[2])["recovered"] == 1
    one_dose = [figures_on(province, day)["one_dose"] for day in week]
    assert one_dose == sorted(one_dose) and one_dose[-1] - one_dose[0] == 2 * (len(week) - 1)
    assert figures_cumulative(province, week[-1])["deaths"] == 1


def test_the_figures_of_a_whole_day_window_are_the_days_row(week):
    figures_rebuild(since=week[0], until=week[-1])
    for code in ("74", "25966"):
        day = week[3]
        window = figures_for_window(unit(code), midnight(day), midnight(day + timedelta(days=1)))
        assert window == figures_on(unit(code), day)


def test_a_case_entered_late_marks_its_day_for_the_next_refresh(world):
    days = days_of_the_week()
    clock.use(days[0] - timedelta(days=1))
    a_day_of_work(days[0], 0, build_tower())
    refreshed_day_by_day(days[:4])
    before = figures_on(unit("74"), days[0])["cases_community"]
    commander = world.user("province_commander")
    person = person_create(
        actor=commander, full_name="Võ Thị Lan", birth_year=1975, sex="female", unit=unit("25966-01")
    )
    case_confirm(
        actor=commander,
        person=person,
        confirmed_at=moment(days[0], 15),
        confirmation_test="rt_pcr",
        detection_setting=DetectionSetting.COMMUNITY,
    )
    report = figures_refresh()
    assert days[0] in report.days
    assert figures_on(unit("74"), days[0])["cases_community"] == before + 1
    clock.use(None)


def test_a_units_series_has_every_day_and_reads_one_query(week, django_assert_num_queries):
    figures_rebuild(since=week[0], until=week[-1])
    province = unit("74")
    with django_assert_num_queries(1):
        series = figures_series(province, FIRST_DAY - timedelta(days=2), week[-1])
    assert [day for day, _row in series][:3] == [
        FIRST_DAY - timedelta(days=2),
        FIRST_DAY - timedelta(days=1),
        FIRST_DAY,
    ]
    assert series[0][1]["cases_community"] == 0


def test_every_unit_with_figures_has_a_row_for_the_day(week):
    figures_rebuild(since=week[0], until=week[-1])
    units_with_rows = set(DailyFigures.objects.filter(day=week[-1]).values_list("unit_id", flat=True))
    assert AdminUnit.objects.get(code="74").pk in units_with_rows
    assert unit("25966-01").pk in units_with_rows
