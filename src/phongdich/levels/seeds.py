"""The level rulesets as the documents wrote them. Values the documents leave uncertain are listed in `verify`
and shown with "(cần đối chiếu)" until the province checks them against the originals."""

from datetime import date

from .choices import Aggregation, CapacityRule

_2686_AGGREGATION = [
    {"level": 4, "children_at": 4, "share": 30},
    {"level": 4, "children_at": 3, "share": 50},
    {"level": 3, "children_at": 3, "share": 30},
    {"level": 3, "children_at": 2, "share": 50},
    {"level": 2, "children_at": 2, "share": 30},
]

LEVEL_RULES = [
    {
        "code": "2686",
        "name": "Quyết định 2686/QĐ-BCĐQG – vùng xanh, vàng, cam, đỏ",
        "effective_from": date(2021, 5, 31),
        "source_document": "Quyết định 2686/QĐ-BCĐQG ngày 31/5/2021",
        "document_date": date(2021, 5, 31),
        "case_bands": [1, 20, 50],
        "coverage_conditions": [],
        "matrix": {"high": [1, 2, 3, 4], "low": [1, 2, 3, 4]},
        "capacity_rule": CapacityRule.NONE,
        "capacity_minimums": {},
        "aggregation": Aggregation.CHILDREN,
        "aggregate_levels": ["district", "province"],
        "aggregation_rules": _2686_AGGREGATION,
        "verify": ["case_bands", "aggregation_rules"],
    },
    {
        "code": "4800",
        "name": "Quyết định 4800/QĐ-BYT – hướng dẫn tạm thời Nghị quyết 128/NQ-CP",
        "effective_from": date(2021, 10, 12),
        "source_document": "Quyết định 4800/QĐ-BYT ngày 12/10/2021",
        "document_date": date(2021, 10, 12),
        "case_bands": [20, 50, 150],
        "coverage_conditions": [
            {"indicator": "one_dose", "population": "18+", "percent": 70},
            {"indicator": "full", "population": "65+", "percent": 80},
        ],
        "matrix": {"high": [1, 2, 3, 4], "low": [2, 3, 4, 4]},
        "capacity_rule": CapacityRule.NO_LOWER,
        "capacity_minimums": {
            "commune": {"mobile_stations": 1, "care_teams_per_10k": 1},
            "district": {"beds_per_100k": 50},
            "province": {"icu_beds_per_100k": 4},
        },
        "aggregation": Aggregation.CHILDREN,
        "aggregate_levels": ["district", "province"],
        "aggregation_rules": _2686_AGGREGATION,
        "verify": [
            "case_bands",
            "coverage_conditions",
            "matrix",
            "capacity_rule",
            "capacity_minimums",
            "aggregation_rules",
        ],
    },
    {
        "code": "218",
        "name": "Quyết định 218/QĐ-BYT – hướng dẫn tạm thời Nghị quyết 128/NQ-CP (thay 4800)",
        "effective_from": date(2022, 1, 27),
        "source_document": "Quyết định 218/QĐ-BYT ngày 27/1/2022",
        "document_date": date(2022, 1, 27),
        "case_bands": [20, 50, 150],
        "coverage_conditions": [
            {"indicator": "full", "population": "all", "percent": 75},
            {"indicator": "full", "population": "65+", "percent": 90},
        ],
        "matrix": {"high": [1, 2, 3, 4], "low": [2, 3, 4, 4]},
        "capacity_rule": CapacityRule.NO_LOWER,
        "capacity_minimums": {
            "commune": {"care_teams_per_10k": 1},
            "district": {"free_beds_per_100k": 20},
            "province": {"icu_beds_per_100k": 4},
        },
        "aggregation": Aggregation.CHILDREN,
        "aggregate_levels": ["district", "province"],
        "aggregation_rules": _2686_AGGREGATION,
        "verify": [
            "case_bands",
            "coverage_conditions",
            "matrix",
            "capacity_rule",
            "capacity_minimums",
            "aggregation_rules",
        ],
    },
]

GREEN_TARGET = {
    "level": 1,
    "share": 100,
    "deadline": date(2021, 9, 20),
    "source_document": "Chỉ thị của Ban Thường vụ Tỉnh ủy Bình Dương sau ngày 15/9/2021, mục 2: "
    "đến ngày 20/9/2021 cơ bản xanh hóa toàn tỉnh",
    "note": "“Cơ bản” không được định lượng trong chỉ thị (cần đối chiếu)",
}


def seed_level_rules(apps, schema_editor=None) -> None:
    rules = apps.get_model("levels", "LevelRules")
    for values in LEVEL_RULES:
        rules.objects.update_or_create(code=values["code"], defaults=values)


def seed_measures(apps, schema_editor=None) -> None:
    from .measure_seeds import MEASURE_RULES

    rules = apps.get_model("levels", "MeasureRules")
    for values in MEASURE_RULES:
        rules.objects.update_or_create(effective_from=values["effective_from"], defaults=values)
