"""Level criteria that cannot be applied are refused with the reason."""

from phongdich.levels.rule_checks import rules_errors
from phongdich.levels.seeds import LEVEL_RULES


def values(**changes):
    return {**next(v for v in LEVEL_RULES if v["code"] == "4800"), **changes}


def test_the_seeded_rulesets_are_valid():
    assert [rules_errors(version) for version in LEVEL_RULES] == [{}, {}, {}]


def test_overlapping_case_bands_are_refused():
    errors = rules_errors(values(case_bands=[20, 150, 50]))
    assert "Các nhóm số ca bị chồng lấn" in errors["case_bands"]
    assert "nhóm 4 bắt đầu từ 50" in errors["case_bands"]


def test_a_matrix_with_a_gap_is_refused():
    errors = rules_errors(values(matrix={"high": [1, 2, 3, 4], "low": [2, 3, None, 4]}))
    assert errors["matrix"] == "Ma trận còn thiếu: chưa có cấp độ cho nhóm ca 3 với độ bao phủ thấp."


def test_a_matrix_missing_a_row_is_refused():
    assert "nhóm ca 1 với độ bao phủ cao" in rules_errors(values(matrix={"low": [2, 3, 4, 4]}))["matrix"]


def test_a_coverage_share_above_100_is_refused():
    bad = [{"indicator": "full", "population": "65+", "percent": 180}]
    assert "Điều kiện bao phủ 1" in rules_errors(values(coverage_conditions=bad))["coverage_conditions"]


def test_an_unknown_capacity_measure_is_refused():
    assert "capacity_minimums" in rules_errors(values(capacity_minimums={"commune": {"helicopters": 1}}))
