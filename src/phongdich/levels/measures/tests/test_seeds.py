"""The seeded versions: loaded by the migration, fit for the validator, and saying what the documents say."""

from datetime import date

from phongdich.levels.choices import Activity
from phongdich.levels.measure_seeds import MEASURE_RULES
from phongdich.levels.measures.selectors import measures_in_force
from phongdich.levels.measures.services import LEVELS, measures_errors, measures_tidied, verify_errors
from phongdich.levels.models import MeasureRules

from .world import PRE_128, RESOLUTION_128


def test_the_migration_loads_the_pre_128_rules_and_then_resolution_128(db):
    assert list(MeasureRules.objects.order_by("effective_from").values_list("effective_from", flat=True)) == [
        PRE_128,
        RESOLUTION_128,
    ]


def test_every_seeded_version_passes_the_validator_and_is_stored_as_the_service_would_store_it():
    for version in MEASURE_RULES:
        assert measures_errors(version["measures"]) == [], version["name"]
        assert verify_errors(version["verify"]) == [], version["name"]
        assert measures_tidied(version["measures"]) == version["measures"], version["name"]


def test_resolution_128_gives_every_activity_a_status_at_every_level(resolution_128):
    assert set(resolution_128.measures) == set(Activity.values)
    for by_level in resolution_128.measures.values():
        assert sorted(by_level) == list(LEVELS)
    assert resolution_128.by_level


def test_the_pre_128_rules_are_seed_003s_numbers_the_same_at_every_level(pre_128):
    assert not pre_128.by_level
    for activity, limit in [("meetings", 20), ("gatherings", 10), ("markets", 20), ("malls", 20)]:
        for level in LEVELS:
            entry = pre_128.measures[activity][level]
            assert (entry["status"], entry["limit"], entry["limit_kind"]) == ("limited", limit, "people")
    assert "01 lối vào, 01 lối ra" in pre_128.measures["markets"]["1"]["note"]


def test_an_activity_the_2020_directive_does_not_touch_is_open_with_a_note_saying_so(pre_128):
    for activity in ("factories", "construction", "schools"):
        entry = pre_128.measures[activity]["1"]
        assert entry["status"] == "open" and "không quy định riêng" in entry["note"]


def test_resolution_128_says_what_domain_md_says_of_each_level(resolution_128):
    def statuses(activity):
        return [resolution_128.measures[activity][level]["status"] for level in LEVELS]

    for activity in ("factories", "construction", "goods_transport", "malls"):
        assert statuses(activity) == ["open"] * 4
    assert statuses("restaurants") == ["open", "open", "open", "limited"]
    assert statuses("markets") == ["open", "open", "open", "limited"]
    assert statuses("nightlife") == ["province", "closed", "closed", "closed"]
    assert statuses("tourism") == ["open", "open", "limited", "province"]
    assert statuses("schools") == ["open", "province", "province", "province"]
    assert statuses("travel") == ["open", "open", "open", "province"]


def test_every_number_domain_md_does_not_state_is_marked_to_verify(resolution_128):
    verify = set(resolution_128.verify)
    for activity, by_level in resolution_128.measures.items():
        for level, entry in by_level.items():
            if entry["limit"] is not None:
                assert activity in verify or f"{activity}.{level}" in verify, f"{activity}.{level}"
    assert {"religion", "public_transport", "meetings", "gatherings"} <= verify


def test_the_version_in_force_before_resolution_128_is_the_2020_directive(pre_128, resolution_128):
    assert measures_in_force(date(2021, 9, 30)) == pre_128
    assert measures_in_force(date(2021, 10, 11)) == resolution_128
    assert measures_in_force(date(2019, 12, 1)) == pre_128  # the oldest version covers earlier days
