"""Reading the measures: a version as rows, what changes between two levels, and what is allowed in a unit at the
level published for it (or for the nearest unit above it)."""

import pytest
from django.utils import translation

from phongdich.core import clock
from phongdich.levels.measures.selectors import allowed_here, changes_between, measures_table

from .world import publish


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_a_version_differing_by_level_reads_as_a_row_per_activity_with_a_cell_per_level(resolution_128):
    rows = measures_table(resolution_128)
    assert [row.activity for row in rows][:3] == ["factories", "construction", "goods_transport"]
    meetings = next(row for row in rows if row.activity == "meetings")
    assert [cell.level for cell in meetings.cells] == [1, 2, 3, 4]
    assert [cell.limit_text for cell in meetings.cells] == [
        "at most 100 people",
        "at most 50 people",
        "at most 20 people",
        "",
    ]
    assert all(cell.verify for cell in meetings.cells)


def test_a_mark_to_verify_on_one_level_marks_that_cell_only(resolution_128):
    markets = next(row for row in measures_table(resolution_128) if row.activity == "markets")
    assert [cell.verify for cell in markets.cells] == [False, False, False, True]
    assert markets.cells[3].limit_text == "at most 50 % of capacity"


def test_the_pre_128_rules_read_as_one_cell_for_every_level(pre_128):
    rows = measures_table(pre_128)
    assert all(len(row.cells) == 1 and row.cells[0].level is None for row in rows)
    gatherings = next(row for row in rows if row.activity == "gatherings")
    assert gatherings.cells[0].level_label == "Every level"
    assert gatherings.cells[0].limit_text == "at most 10 people"


def test_going_up_from_level_2_to_3_changes_what_differs_and_nothing_else(resolution_128):
    changes = {change.activity: change for change in changes_between(resolution_128, 2, 3)}
    assert set(changes) == {"tourism", "religion", "public_transport", "meetings", "gatherings"}
    tourism = changes["tourism"]
    assert (tourism.before.status, tourism.after.status, tourism.after.limit) == ("open", "limited", 50)
    assert (changes["meetings"].before.limit, changes["meetings"].after.limit) == (50, 20)
    # Travel's note changes (testing from level-3 areas), its status does not: not a change of the rule.
    assert "travel" not in changes


def test_going_down_lists_the_same_changes_the_other_way(resolution_128):
    up = changes_between(resolution_128, 3, 4)
    down = changes_between(resolution_128, 4, 3)
    assert [change.activity for change in up] == [change.activity for change in down]
    assert all(u.before == d.after and u.after == d.before for u, d in zip(up, down, strict=True))


def test_nothing_changes_between_levels_under_the_pre_128_rules(pre_128):
    assert changes_between(pre_128, 1, 4) == []


def test_without_a_published_level_a_unit_is_told_so_and_shown_every_level(world, resolution_128):
    allowed = allowed_here(world.unit("25966"))
    assert allowed.level is None and allowed.result is None and allowed.changes == []
    assert allowed.rules == resolution_128
    assert len(allowed.rows[0].cells) == 4


def test_a_commune_with_its_own_level_gets_that_level_its_measures_and_the_changes_up_and_down(world, resolution_128):
    lai_thieu = world.unit("25966")
    publish(lai_thieu, 2, days_ago=10)
    publish(lai_thieu, 3, days_ago=3)
    allowed = allowed_here(lai_thieu)
    assert allowed.level == 3 and not allowed.inherited
    assert allowed.since == allowed.result.effective_at
    restaurants = next(row for row in allowed.rows if row.activity == "restaurants")
    assert [cell.level for cell in restaurants.cells] == [3]
    assert [(other.level, other.up) for other in allowed.changes] == [(4, True), (2, False), (1, False)]
    to_4 = {change.activity for change in allowed.changes[0].changes}
    assert {"restaurants", "markets", "meetings", "travel"} <= to_4


def test_the_level_runs_from_the_first_of_an_unbroken_run_of_weeks_at_it(world, resolution_128):
    lai_thieu = world.unit("25966")
    publish(lai_thieu, 1, days_ago=30)
    first = publish(lai_thieu, 2, days_ago=17)
    publish(lai_thieu, 2, days_ago=10)
    publish(lai_thieu, 2, days_ago=3)
    assert allowed_here(lai_thieu).since == first.effective_at


def test_a_commune_without_its_own_level_gets_its_districts(world, resolution_128):
    district = publish(world.unit("725"), 4, days_ago=2)
    allowed = allowed_here(world.unit("25966"))
    assert allowed.level == 4 and allowed.inherited and allowed.result == district


def test_a_raise_under_notice_is_announced_but_not_yet_in_effect(world, resolution_128):
    lai_thieu = world.unit("25966")
    publish(lai_thieu, 2, days_ago=5)
    raise_ = publish(lai_thieu, 3, days_ago=-1)
    allowed = allowed_here(lai_thieu)
    assert allowed.level == 2 and allowed.upcoming == raise_


def test_the_measures_are_those_in_force_on_the_day_asked(world, pre_128):
    lai_thieu = world.unit("25966")
    publish(lai_thieu, 3, days_ago=3)
    before_resolution_128 = clock.now().replace(year=2021, month=9, day=1)
    allowed = allowed_here(lai_thieu, before_resolution_128)
    assert allowed.rules == pre_128 and allowed.level is None
