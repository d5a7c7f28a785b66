"""The isolation rules the platform starts with: one version per row of the Ministry's rules (domain.md §5), each
citing its document, planning each kind of order as the document did on the dates it was in force."""

from datetime import date

import pytest

from phongdich.care.models import IsolationRules
from phongdich.core.rules import in_force


def plan(days, monitor_days, test_days, test):
    return {"days": days, "monitor_days": monitor_days, "test_days": test_days, "test": test}


# (a day, kind, condition, the plan an order starting that day gets)
PLANS = [
    # 2020: F1 at a concentrated site for 14 days.
    (date(2020, 8, 1), "f1_site", "none", plan(14, 14, [1, 14], "rt_pcr")),
    (date(2020, 8, 1), "f1_site", "vaccinated", plan(14, 14, [1, 14], "rt_pcr")),
    # 5/2021: 21 days concentrated.
    (date(2021, 6, 10), "f1_site", "none", plan(21, 14, [1, 7, 14, 21], "rt_pcr")),
    (date(2021, 6, 10), "arrival", "none", plan(21, 14, [1, 7, 14, 21], "rt_pcr")),
    # 5599/BYT-MT, 14/7/2021: 14 days concentrated + 14 days at home; home quarantine 14 days, tests days 1, 7, 14.
    (date(2021, 7, 14), "f1_site", "none", plan(14, 14, [1, 7, 14], "rt_pcr")),
    (date(2021, 8, 1), "f1_home", "none", plan(14, 14, [1, 7, 14], "rt_pcr")),
    # 3416/QĐ-BYT, the same day: F0 at a concentrated site discharged on day 10 after two negative tests.
    (date(2021, 8, 1), "f0_site", "none", plan(10, 14, [9, 10], "rt_pcr")),
    # 4038/QĐ-BYT, 8/2021: F0 at home released after 10 days with a negative antigen test by a health worker.
    (date(2021, 8, 31), "f0_home", "none", plan(10, 7, [10], "antigen")),
    (date(2021, 8, 31), "f0_home", "vaccinated", plan(10, 7, [10], "antigen")),
    (date(2021, 12, 15), "f1_home", "vaccinated", plan(14, 14, [1, 7, 14], "rt_pcr")),
    # 10696/BYT-MT, 16/12/2021: F1 vaccinated or recovered: 7 days at home + 7 days' self-monitoring, tests 1, 7.
    (date(2021, 12, 16), "f1_home", "vaccinated", plan(7, 7, [1, 7], "rt_pcr")),
    (date(2022, 1, 10), "f1_home", "recovered", plan(7, 7, [1, 7], "rt_pcr")),
    (date(2022, 1, 10), "f1_home", "none", plan(14, 0, [1, 7, 14], "rt_pcr")),
    (date(2022, 1, 10), "f0_home", "none", plan(10, 7, [10], "antigen")),
    # Early 2022: discharge after one negative test, then 7 days' self-monitoring.
    (date(2022, 2, 1), "f0_site", "none", plan(10, 7, [10], "any")),
    (date(2022, 2, 1), "f1_home", "vaccinated", plan(7, 7, [1, 7], "rt_pcr")),
    # 762/BYT-DP, 21/2/2022: F1 ≥2 doses or recovered: 5 days, test day 5, +5; unvaccinated: 7 days, test day 7, +3.
    (date(2022, 2, 21), "f1_home", "vaccinated", plan(5, 5, [5], "any")),
    (date(2022, 3, 1), "f1_home", "recovered", plan(5, 5, [5], "any")),
    (date(2022, 3, 1), "f1_home", "none", plan(7, 3, [7], "any")),
    (date(2022, 3, 1), "f0_home", "none", plan(7, 3, [7], "antigen")),
    # 1909/BYT-DP, 15/4/2022: F1 no longer quarantined; F0 at home as under 762.
    (date(2022, 5, 1), "f0_home", "none", plan(7, 3, [7], "antigen")),
]


@pytest.mark.parametrize(("on", "kind", "condition", "expected"), PLANS, ids=[f"{p[0]} {p[1]} {p[2]}" for p in PLANS])
def test_an_order_starting_on_a_day_gets_the_plan_of_the_document_in_force(db, on, kind, condition, expected):
    assert in_force(IsolationRules, on).durations[kind][condition] == expected


# (a day, the document in force, recovered within (months), kinds not ordered then)
DOCUMENTS = [
    (date(2020, 8, 1), "878/QĐ-BYT", 6, {"f0_home", "f0_site", "f1_home"}),
    (date(2021, 6, 10), "(5/2021)", 6, {"f0_home", "f0_site", "f1_home"}),
    (date(2021, 8, 1), "5599/BYT-MT", 6, {"f0_home"}),
    (date(2021, 8, 31), "4038/QĐ-BYT", 6, set()),
    (date(2022, 1, 10), "10696/BYT-MT", 6, set()),
    (date(2022, 2, 1), "250/QĐ-BYT", 6, set()),
    (date(2022, 3, 1), "762/BYT-DP", 3, set()),
    (date(2022, 5, 1), "1909/BYT-DP", 3, {"f1_home", "f1_site"}),
]


@pytest.mark.parametrize(("on", "document", "months", "not_ordered"), DOCUMENTS, ids=[str(d[0]) for d in DOCUMENTS])
def test_each_version_cites_its_document_and_plans_only_the_kinds_ordered_then(db, on, document, months, not_ordered):
    version = in_force(IsolationRules, on)
    assert document in version.source_document
    assert version.document_date is not None and version.document_date <= version.effective_from
    assert version.recovered_months == months
    all_kinds = {"f0_home", "f0_site", "f1_home", "f1_site", "arrival", "self_monitoring"}
    assert set(version.durations) == all_kinds - not_ordered


def test_only_1909_ends_kinds_of_order_and_it_ends_f1_quarantine(db):
    ending = [
        (v.source_document, v.ends_kinds) for v in IsolationRules.objects.exclude(source_document="") if v.ends_kinds
    ]
    assert len(ending) == 1
    document, kinds = ending[0]
    assert "1909/BYT-DP" in document
    assert sorted(kinds) == ["f1_home", "f1_site"]


def test_hospital_discharge_follows_3416_from_july_2021_and_the_2022_rule_from_late_january(db):
    assert in_force(IsolationRules, date(2021, 6, 10)).discharge == {}
    assert in_force(IsolationRules, date(2021, 9, 1)).discharge == {
        "day": 10,
        "negative_tests": 2,
        "hours_apart": 24,
        "ct_at_least": 30,
        "home_days": 14,
        "monitor_days": 0,
    }
    early_2022 = in_force(IsolationRules, date(2022, 2, 1)).discharge
    assert (early_2022["negative_tests"], early_2022["monitor_days"], early_2022["home_days"]) == (1, 7, 0)
    assert in_force(IsolationRules, date(2022, 5, 1)).discharge == early_2022


def test_every_seeded_plan_passes_the_checks_a_new_version_gets(db):
    from phongdich.care.services.rules import discharge_errors, durations_errors

    seeded = IsolationRules.objects.filter(effective_from__lte=date(2022, 12, 31))
    assert seeded.count() == 8
    for version in seeded:
        assert durations_errors(version.durations) == [], version.source_document
        assert discharge_errors(version.discharge) == [], version.source_document
