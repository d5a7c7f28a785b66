"""A lockdown area's residents tested through the labs' own testing rounds: the round covers the zone's groups (or
its whole unit), targets the residents registered there and carries the zone's test to leave in its notes."""

import pytest
from django.core.exceptions import ValidationError

from phongdich.core.scoping import OutOfScope
from phongdich.core.testing import unit
from phongdich.labs.selectors import round_groups

from ..services import zone_end, zone_testing_area, zone_testing_round
from .world import KP1, KP2, LAI_THIEU, SQUARE, august, days_from_now, declared, officer, resident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def plan(zone, by="district_officer"):
    today = days_from_now(0).date()
    return zone_testing_round(actor=officer(by), zone=zone, starts_on=today, ends_on=today)


def test_a_round_of_a_red_zone_of_one_group_covers_that_group_and_targets_its_residents(world, zone):
    testing_round = plan(zone)
    assert testing_round.unit == unit(LAI_THIEU) and list(testing_round.groups.all()) == [unit(KP1)]
    assert testing_round.target_population == 3  # Hằng, Tâm and Thu
    assert zone.name in testing_round.name and "RT-PCR test of every resident" in testing_round.notes
    assert zone.leave_conditions in testing_round.notes


def test_a_round_of_a_whole_ward_covers_the_ward(world):
    zone = declared(units=[unit(LAI_THIEU)])
    testing_round = plan(zone)
    assert testing_round.unit == unit(LAI_THIEU) and not testing_round.groups.exists()
    assert set(round_groups(testing_round)) == {unit(KP1), unit(KP2)}


def test_a_round_of_a_red_point_covers_the_groups_its_residents_live_in(world):
    resident("Võ Thị Hoa", KP2, "Số 12, Nguyễn Trãi")
    zone = declared(by="commune_officer", kind="red_point", units=[], addresses=["Số 12, Nguyễn Trãi"])
    assert zone_testing_area(zone) == (unit(LAI_THIEU), [unit(KP2)])


def test_nobody_to_test_in_a_boundary_alone(world):
    zone = declared(units=[], polygon=SQUARE)
    with pytest.raises(ValidationError) as refused:
        plan(zone)
    assert refused.value.messages == ["Nobody to test: the area holds no unit and no registered resident."]


def test_an_ended_lockdown_gets_no_round(world):
    zone = declared(starts_at=august(1), planned_end_at=august(15))
    zone_end(actor=officer(), zone=zone, ended_at=august(15))
    with pytest.raises(ValidationError):
        plan(zone)


def test_only_those_who_plan_testing_there_may_plan_the_round(world, zone):
    with pytest.raises(OutOfScope):
        plan(zone, by="commune_officer")  # a commune samples; the district plans rounds
