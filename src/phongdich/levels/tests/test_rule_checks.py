"""Level criteria that cannot be applied are refused with the reason."""

from phongdich.levels.rule_checks import rules_errors
from phongdich.levels.seeds import LEVEL_RULES


def values(**changes):
    return {**next(v for v in LEVEL_RULES if v["code"] == "4800"), **changes}


def test_the_seeded_rulesets_are_valid():
    assert [rules_errors(version) for version in LEVEL_RULES] == [{}, {}, {}]


def test_overlapping_case_bands_are_refused():
    errors = rules_errors(values(case_bands=[20, 150, 50]))
    assert "case bands overlap" in errors["case_bands"]
    assert "band 4 starts at 50" in errors["case_bands"]


def test_a_matrix_with_a_gap_is_refused():
    errors = rules_errors(values(matrix={"high": [1, 2, 3, 4], "low": [2, 3, None, 4]}))
    assert errors["matrix"] == "The matrix has a gap: no level for case band 3 with low coverage."


def test_a_matrix_missing_a_row_is_refused():
    assert "case band 1 with high coverage" in rules_errors(values(matrix={"low": [2, 3, 4, 4]}))["matrix"]


def test_a_coverage_share_above_100_is_refused():
    bad = [{"indicator": "full", "population": "65+", "percent": 180}]
    assert "Coverage condition 1" in rules_errors(values(coverage_conditions=bad))["coverage_conditions"]


def test_an_unknown_capacity_measure_is_refused():
    assert "capacity_minimums" in rules_errors(values(capacity_minimums={"commune": {"helicopters": 1}}))
