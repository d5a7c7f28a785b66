"""The level of a unit from its weekly figures, computed without the database."""

import pytest

from phongdich.levels import engine
from phongdich.levels.choices import CapacityRule, Outcome
from phongdich.levels.models import LevelRules
from phongdich.levels.seeds import LEVEL_RULES

PROVINCE = engine.Unit(1, "legacy:74/", 0, "province", "Tỉnh Bình Dương")
DISTRICT = engine.Unit(2, "legacy:74/725/", 1, "district", "Thành phố Thuận An")
LAI_THIEU = engine.Unit(3, "legacy:74/725/25966/", 2, "commune", "Phường Lái Thiêu")
AN_THANH = engine.Unit(4, "legacy:74/725/25969/", 2, "commune", "Phường An Thạnh")
KHU_PHO_1 = engine.Unit(5, "legacy:74/725/25966/25966-01/", 3, "group", "Khu phố 1")
UNITS = [PROVINCE, DISTRICT, LAI_THIEU, AN_THANH, KHU_PHO_1]
HIGH_COVERAGE = {"adults": 100, "adults_one_dose": 80, "elders": 10, "elders_full": 9}


def rules(code="4800", **changes) -> LevelRules:
    values = {**next(v for v in LEVEL_RULES if v["code"] == code), **changes}
    return LevelRules(**values)


def run(rules, rows, populations=None, entries=None, previous=None):
    figures = engine.subtree_sums(rows, UNITS)
    populations = populations or {unit.id: 10_000 for unit in UNITS}
    results = engine.assess_units(
        rules=rules,
        units=UNITS,
        figures=figures,
        populations=populations,
        entries=entries or {},
        previous=previous or {},
    )
    return {result.unit.name: result for result in results}


def test_a_ward_with_few_cases_and_high_coverage_is_green():
    results = run(rules(), [(LAI_THIEU.path, {"community_cases": 1, **HIGH_COVERAGE})])
    lai_thieu = results["Phường Lái Thiêu"]
    assert (lai_thieu.case_band, lai_thieu.coverage_class, lai_thieu.level) == (1, "high", 1)
    assert lai_thieu.inputs["community_per_100k"] == 10.0


@pytest.mark.parametrize(("community_cases", "band"), [(1, 1), (2, 2), (4, 2), (5, 3), (14, 3), (15, 4), (90, 4)])
def test_the_case_band_starts_at_each_cut_off(community_cases, band):
    results = run(rules(), [(LAI_THIEU.path, {"community_cases": community_cases, **HIGH_COVERAGE})])
    assert results["Phường Lái Thiêu"].case_band == band


def test_low_coverage_moves_a_band_one_level_up_in_the_4800_matrix():
    low = {"adults": 100, "adults_one_dose": 69, "elders": 10, "elders_full": 9}
    results = run(rules(), [(LAI_THIEU.path, {"community_cases": 6, **low})])
    lai_thieu = results["Phường Lái Thiêu"]
    assert (lai_thieu.case_band, lai_thieu.coverage_class, lai_thieu.level) == (3, "low", 4)
    coverage = next(step for step in lai_thieu.steps if step["step"] == "coverage")
    assert [check["met"] for check in coverage["checks"]] == [False, True]


def test_cases_in_a_residential_group_count_for_its_commune_district_and_province():
    results = run(rules(), [(KHU_PHO_1.path, {"community_cases": 3})])
    assert [
        results[name].inputs["community_cases"]
        for name in ("Khu phố 1", "Phường Lái Thiêu", "Thành phố Thuận An", "Tỉnh Bình Dương")
    ] == [3, 3, 3, 3]
    assert results["Phường An Thạnh"].inputs["community_cases"] == 0


def test_a_unit_without_population_gets_an_explicit_no_population_result():
    populations = {unit.id: 10_000 for unit in UNITS if unit is not AN_THANH}
    results = run(rules(), [(AN_THANH.path, {"community_cases": 5})], populations=populations)
    an_thanh = results["Phường An Thạnh"]
    assert (an_thanh.outcome, an_thanh.level, an_thanh.case_band) == (Outcome.NO_POPULATION, None, None)


def test_a_district_is_red_when_half_its_communes_are_very_high():
    rows = [(LAI_THIEU.path, {"community_cases": 20, **HIGH_COVERAGE}), (AN_THANH.path, HIGH_COVERAGE)]
    results = run(rules(), rows)
    district = results["Thành phố Thuận An"]
    assert district.level == 4
    aggregation = next(step for step in district.steps if step["step"] == "aggregation")
    assert aggregation["rule"] == {"level": 4, "children_at": 4, "share": 30, "actual": 50.0}


def test_a_district_assessed_on_its_own_data_ignores_its_communes_levels():
    rows = [(LAI_THIEU.path, {"community_cases": 20, **HIGH_COVERAGE}), (AN_THANH.path, HIGH_COVERAGE)]
    results = run(rules(aggregation="own_data"), rows, populations={unit.id: 100_000 for unit in UNITS})
    assert results["Phường Lái Thiêu"].level == 2
    assert results["Thành phố Thuận An"].case_band == 2


def test_a_commune_without_a_mobile_station_may_not_be_lowered_under_4800():
    rows = [(LAI_THIEU.path, {"community_cases": 1, **HIGH_COVERAGE})]
    results = run(rules(), rows, entries={LAI_THIEU.id: {"mobile_stations": 0, "care_teams": 3}}, previous={3: 3})
    lai_thieu = results["Phường Lái Thiêu"]
    assert (lai_thieu.matrix_level, lai_thieu.capacity_ok, lai_thieu.level) == (1, False, 3)
    assert lai_thieu.capacity_source == "entered"


def test_the_raise_option_raises_a_unit_short_of_capacity_one_level():
    rows = [(LAI_THIEU.path, {"community_cases": 1, "care_teams": 2, **HIGH_COVERAGE})]
    results = run(rules(capacity_rule=CapacityRule.RAISE), rows)
    assert (results["Phường Lái Thiêu"].capacity_source, results["Phường Lái Thiêu"].level) == ("tower", 2)


def test_a_residential_group_is_judged_by_its_communes_capacity():
    rows = [(LAI_THIEU.path, {"mobile_stations": 1, "care_teams": 1}), (KHU_PHO_1.path, HIGH_COVERAGE)]
    results = run(rules(), rows)
    assert results["Khu phố 1"].capacity_ok is True
