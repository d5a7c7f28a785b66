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
from .world import FIRST_DAY, a_day_of_work, days_of_the_week, earlier_today, moment

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


def test_a_later_refresh_of_the_day_carries_the_stocks_forward_and_agrees_with_a_rebuild(week, monkeypatch):
    """The day's first refresh reads the stocks from the raw rows; one after new records (a case, a home patient,
    a home patient who moves away, a dose 25 days back and the second dose that completes the series today) carries
    them from the rows of the day before the first day they touch, without counting the residents again, and gives
    what a rebuild gives but for the new resident."""
    from phongdich.care.choices import OrderKind
    from phongdich.care.models import IsolationOrder
    from phongdich.care.services.order_changes import order_end
    from phongdich.care.services.orders import order_create
    from phongdich.vaccination.models import Dose, VaccineProduct  # noqa: F811
    from phongdich.vaccination.services import dose_record

    from .. import figures

    last = week[-1]
    clock.use(last)
    figures_rebuild(since=last - timedelta(days=40), until=last)
    figures_refresh()
    commander = _commander()
    person = person_create(
        actor=commander, full_name="Võ Thị Ngọc Lan", birth_year=1990, sex="female", unit=unit("25966-02")
    )
    case_confirm(actor=commander, person=person, confirmed_at=earlier_today(0.3), confirmation_test="antigen",
                 detection_setting=DetectionSetting.COMMUNITY)  # fmt: skip
    order_create(
        actor=_officer(), person=person, kind=OrderKind.F0_HOME, starts_on=last,
        measurements={"state": "mild", "breathing_rate": 18, "spo2": 98, "chronic_stable": True},
    )  # fmt: skip
    leaving = IsolationOrder.objects.filter(kind=OrderKind.F0_HOME, status="active").exclude(person=person).first()
    order_end(actor=commander, order=leaving, status="moved_away", ended_on=last, reason="Chuyển về quê")
    product = VaccineProduct.objects.get(code="EU/1/20/1528")
    dose_record(actor=commander, person=person, product=product, given_on=last - timedelta(days=25), lot="FF2382")
    dose_record(actor=commander, person=person, product=product, given_on=last, lot="FF2382")
    assert Dose.objects.filter(person=person, completes_series=True, given_on=last).exists()

    monkeypatch.setattr(figures, "_residents", _not_called)
    carried = figures_refresh()
    assert carried.days[0] == last - timedelta(days=25) and carried.days[-1] == last  # the first dose's day on
    incremental = snapshot(carried.days)
    monkeypatch.undo()
    figures_rebuild(since=last - timedelta(days=40), until=last)
    rebuilt = snapshot(carried.days)
    residents = {key: (rebuilt[key].pop("residents"), incremental[key].pop("residents")) for key in rebuilt}
    assert rebuilt == incremental
    # Lan is counted among the residents by the next day's first refresh, as the registry stood then.
    changed = {unit_id for (unit_id, _day), (now, carried) in residents.items() if now != carried}
    lai_thieu_02 = unit("25966-02")
    paths = AdminUnit.objects.filter(pk__in=changed).values_list("path", flat=True)
    assert {lai_thieu_02.pk, unit("74").pk} <= changed
    assert all(lai_thieu_02.path.startswith(path) for path in paths)


def _not_called(**_kwargs):
    raise AssertionError("a later refresh of the day counts no residents")


def _commander():
    from phongdich.accounts.models import User

    return User.objects.get(username="province_commander")


def _officer():
    from phongdich.accounts.models import User

    return User.objects.get(username="district_officer")


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
