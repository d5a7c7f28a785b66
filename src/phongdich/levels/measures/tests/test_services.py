"""A new version of the measures: the province adds it; every fault is refused with a message naming the activity
and the level."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from phongdich.core.models import AuditEvent
from phongdich.levels.measures.services import measure_rules_add
from phongdich.levels.models import MeasureRules

from .world import grid_of


@pytest.fixture(autouse=True)
def _english():
    """The messages as written (their Vietnamese is the catalogue's business)."""
    with translation.override("en"):
        yield


DOCUMENT = "Quyết định của UBND tỉnh Bình Dương về biện pháp theo cấp độ dịch (11/2021)"


def add(actor, measures, **overrides):
    values = {
        "effective_from": date(2021, 11, 15),
        "source_document": DOCUMENT,
        "document_date": date(2021, 11, 12),
        "name": "Bình Dương điều chỉnh 11/2021",
        "measures": measures,
    }
    return measure_rules_add(actor=actor, **{**values, **overrides})


def refusal(actor, measures, **overrides) -> dict:
    with pytest.raises(ValidationError) as refused:
        add(actor, measures, **overrides)
    return refused.value.message_dict


def test_the_province_commander_adds_a_version_with_the_provinces_own_numbers(world, resolution_128):
    commander = world.user("province_commander")
    measures = grid_of(resolution_128)
    measures["gatherings"]["3"] = {"status": "limited", "limit": 15, "limit_kind": "people", "note": "  Ngoài trời. "}
    version = add(commander, measures, verify=["religion", "meetings.4"])
    version.refresh_from_db()
    assert version.measures["gatherings"]["3"] == {
        "status": "limited",
        "limit": 15,
        "limit_kind": "people",
        "note": "Ngoài trời.",
    }
    assert version.by_level and version.verify == ["religion", "meetings.4"]
    assert version.name == "Bình Dương điều chỉnh 11/2021"
    assert MeasureRules.objects.get(pk=resolution_128.pk).measures == resolution_128.measures  # never edited
    event = AuditEvent.objects.get(object_type="levels.measurerules", object_id=str(version.pk))
    assert event.actor == commander and event.after["source_document"] == DOCUMENT


def test_a_version_the_same_at_every_level_is_stored_as_not_differing_by_level(world, pre_128):
    version = add(
        world.user("system_admin"), grid_of(pre_128), effective_from=date(2020, 4, 1), document_date=date(2020, 3, 31)
    )
    assert not version.by_level


def test_a_limit_kind_without_a_limit_is_dropped(world, resolution_128):
    measures = grid_of(resolution_128)
    measures["factories"]["1"] = {"status": "open", "limit": None, "limit_kind": "people", "note": ""}
    version = add(world.user("province_commander"), measures)
    assert version.measures["factories"]["1"]["limit_kind"] == ""


def test_a_district_officer_cannot_add_a_version(world, resolution_128):
    with pytest.raises(PermissionDenied):
        add(world.user("district_officer"), grid_of(resolution_128))


def test_the_analyst_and_a_districts_administrator_cannot_add_a_version(world, resolution_128):
    for persona in ("analyst", "district_admin"):
        with pytest.raises(PermissionDenied):
            add(world.user(persona), grid_of(resolution_128))
    assert MeasureRules.objects.count() == 2


def test_an_activity_left_out_is_refused_by_name(world, resolution_128):
    measures = grid_of(resolution_128)
    del measures["religion"]
    errors = refusal(world.user("province_commander"), measures)
    assert errors["measures"] == ["Religious gatherings: give its measures at each of the four levels."]


def test_a_level_without_a_status_is_refused_naming_the_activity_and_level(world, resolution_128):
    measures = grid_of(resolution_128)
    del measures["markets"]["4"]
    measures["schools"]["2"]["status"] = ""
    errors = refusal(world.user("province_commander"), measures)["measures"]
    assert errors == [
        "Traditional markets, level 4: choose whether it is open, open with a limit, closed, or left to the province.",
        "Schools, level 2: choose whether it is open, open with a limit, closed, or left to the province.",
    ]


def test_an_unknown_status_activity_or_level_is_refused(world, resolution_128):
    measures = grid_of(resolution_128)
    measures["cinemas"] = measures["malls"]
    measures["malls"]["5"] = {"status": "open"}
    measures["malls"]["1"]["status"] = "half_open"
    errors = refusal(world.user("province_commander"), measures)["measures"]
    assert "“cinemas” is not an activity of the annex." in errors
    assert "Shopping malls, supermarkets and wholesale markets: “5” is not a level (1 to 4)." in errors
    assert "Shopping malls, supermarkets and wholesale markets, level 1: “half_open” is not a status." in errors


def test_open_with_a_limit_needs_its_limit(world, resolution_128):
    measures = grid_of(resolution_128)
    measures["meetings"]["2"]["limit"] = None
    errors = refusal(world.user("province_commander"), measures)["measures"]
    assert errors == ["Meetings indoors, level 2: open with a limit needs the limit."]


@pytest.mark.parametrize("limit", [0, -5, 2.5, "20", True])
def test_a_limit_is_a_whole_number_of_at_least_one(world, resolution_128, limit):
    measures = grid_of(resolution_128)
    measures["gatherings"]["4"]["limit"] = limit
    errors = refusal(world.user("province_commander"), measures)["measures"]
    assert errors == [
        "Gatherings outside offices, schools and hospitals, level 4: the limit is a whole number, at least 1."
    ]


def test_a_share_of_capacity_is_at_most_a_hundred_percent(world, resolution_128):
    measures = grid_of(resolution_128)
    measures["restaurants"]["4"]["limit"] = 120
    errors = refusal(world.user("province_commander"), measures)["measures"]
    assert errors == ["Restaurants and cafés, level 4: a share of capacity is at most 100 %, not 120 %."]
    measures["restaurants"]["4"]["limit"] = 100
    assert add(world.user("province_commander"), measures).measures["restaurants"]["4"]["limit"] == 100


def test_a_limit_says_what_it_counts(world, resolution_128):
    measures = grid_of(resolution_128)
    measures["tourism"]["3"]["limit_kind"] = ""
    errors = refusal(world.user("province_commander"), measures)["measures"]
    assert errors == [
        "Hotels and tourist sites, level 3: say whether the limit is a number of people or a share of capacity."
    ]


def test_a_limit_goes_only_with_open_with_a_limit(world, resolution_128):
    measures = grid_of(resolution_128)
    measures["nightlife"]["2"] = {"status": "closed", "limit": 10, "limit_kind": "people", "note": ""}
    errors = refusal(world.user("province_commander"), measures)["measures"]
    assert errors == [
        "Bars, karaoke, massage, gaming and beauty services, level 2: a limit goes only with “open with a limit”, "
        "not with “Closed”."
    ]


def test_a_note_is_at_most_300_characters(world, resolution_128):
    measures = grid_of(resolution_128)
    measures["travel"]["4"]["note"] = "x" * 301
    errors = refusal(world.user("province_commander"), measures)["measures"]
    assert errors == ["Travel to and from the area, level 4: the note is at most 300 characters."]


def test_a_version_needs_a_name_a_document_and_a_free_date(world, resolution_128):
    errors = refusal(
        world.user("province_commander"),
        grid_of(resolution_128),
        name=" ",
        source_document="",
        effective_from=resolution_128.effective_from,
        document_date=date(2021, 10, 1),
    )
    assert errors["name"] == ["Give the version a name."]
    assert errors["source_document"] == ["Cite the document these rules come from."]
    assert errors["effective_from"] == ["A version already takes effect on this date."]


def test_a_mark_to_verify_names_an_activity_or_one_of_its_levels(world, resolution_128):
    errors = refusal(world.user("province_commander"), grid_of(resolution_128), verify=["meetings.5", "cinemas"])
    assert errors["verify"] == [
        "“meetings.5” names no activity or level of the annex.",
        "“cinemas” names no activity or level of the annex.",
    ]


def test_measures_that_are_not_a_table_are_refused(world):
    errors = refusal(world.user("province_commander"), [])
    assert errors["measures"] == ["Give the measures of every activity at each of the four levels."]
