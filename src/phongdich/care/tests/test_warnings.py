"""Warning signs and severity, as the rules in force judge a reading (care.warnings)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from phongdich.core import clock
from phongdich.core.rules import in_force

from ..choices import Severity
from ..models import WarningRules
from ..warnings import Reading, age_in_years, breathing_limit, evaluate, sign_text
from .reporting import warning_rules  # noqa: F401  (fixture)


@pytest.fixture
def rules(warning_rules):  # noqa: F811
    return in_force(WarningRules, date(2022, 2, 1))


def codes(evaluation) -> list[str]:
    return [sign["code"] if sign["code"] != "symptom" else sign["symptom"] for sign in evaluation.signs]


def test_the_seeded_versions_cite_4038_and_261_and_mark_what_needs_verifying(warning_rules):  # noqa: F811
    versions = list(WarningRules.objects.order_by("effective_from"))
    assert [v.effective_from for v in versions][:2] == [date(2021, 9, 21), date(2022, 1, 31)]
    assert versions[0].source_document.startswith("4038/QĐ-BYT") and versions[1].source_document.startswith(
        "261/QĐ-BYT"
    )
    assert all("(cần đối chiếu)" in v.source_document and len(v.source_document) <= 200 for v in versions)
    assert versions[1].missed_report_hours == 12 and versions[1].acknowledge_minutes < versions[1].escalate_minutes


def test_a_normal_adult_reading_has_no_warning_sign_and_is_mild(rules):
    evaluation = evaluate(Reading(spo2=98, breathing_rate=16, pulse=80, temperature=Decimal("37.2")), rules, 40)
    assert evaluation.signs == [] and evaluation.severity == Severity.MILD and not evaluation.is_warning


def test_spo2_of_96_is_a_warning_and_moderate_while_93_is_severe(rules):
    assert codes(evaluate(Reading(spo2=97), rules, 40)) == []
    moderate = evaluate(Reading(spo2=96), rules, 40)
    assert codes(moderate) == ["spo2_low"] and moderate.severity == Severity.MODERATE
    assert moderate.signs[0] == {"code": "spo2_low", "value": 96, "limit": 96}
    assert evaluate(Reading(spo2=93), rules, 40).severity == Severity.SEVERE


def test_an_adult_breathing_20_a_minute_is_moderate_and_26_severe(rules):
    assert codes(evaluate(Reading(breathing_rate=19), rules, 30)) == []
    assert evaluate(Reading(breathing_rate=20), rules, 30).severity == Severity.MODERATE
    assert evaluate(Reading(breathing_rate=26), rules, 30).severity == Severity.SEVERE


@pytest.mark.parametrize(
    "age, calm, fast",
    [
        (30 / 365.25, 59, 60),  # a month old
        (0.5, 49, 50),  # six months
        (3, 39, 40),  # age 1-5
        (8, 29, 30),  # age 5-12
        (12, 19, 20),
        (None, 19, 20),  # age unknown: an adult's threshold
    ],
)
def test_a_childs_breathing_is_judged_by_the_threshold_of_her_age(rules, age, calm, fast):
    assert codes(evaluate(Reading(breathing_rate=calm), rules, age)) == []
    fast_reading = evaluate(Reading(breathing_rate=fast), rules, age)
    assert codes(fast_reading) == ["breathing_fast"] and fast_reading.signs[0]["limit"] == fast
    assert fast_reading.severity == Severity.MODERATE


def test_a_three_year_old_breathing_35_is_no_warning_though_an_adult_would_be_severe(rules):
    assert evaluate(Reading(breathing_rate=35), rules, 3).signs == []
    assert evaluate(Reading(breathing_rate=35), rules, 35).severity == Severity.SEVERE


def test_pulse_pressure_and_fever_are_signs_without_changing_the_band(rules):
    reading = Reading(pulse=121, systolic=85, diastolic=55, temperature=Decimal("39.0"))
    evaluation = evaluate(reading, rules, 50)
    assert codes(evaluation) == ["pulse_fast", "systolic_low", "diastolic_low", "temperature_high"]
    assert evaluation.severity == Severity.MILD
    assert codes(evaluate(Reading(pulse=49), rules, 50)) == ["pulse_slow"]
    assert codes(evaluate(Reading(pulse=120, systolic=90, diastolic=60), rules, 50)) == []


def test_warning_symptoms_are_signs_on_their_own_and_blue_lips_are_severe(rules):
    assert evaluate(Reading(symptoms=("cough", "fever")), rules, 40).signs == []
    chest = evaluate(Reading(symptoms=("cough", "chest_pain")), rules, 40)
    assert codes(chest) == ["chest_pain"] and chest.severity == Severity.MODERATE
    assert evaluate(Reading(symptoms=("blue_lips",)), rules, 40).severity == Severity.SEVERE


def test_the_rules_in_force_decide_so_a_new_version_changes_the_threshold(rules):
    stricter = WarningRules(thresholds={**rules.thresholds, "spo2_at_most": 95}, severity=rules.severity)
    assert evaluate(Reading(spo2=96), stricter, 40).signs == []
    assert breathing_limit(WarningRules(thresholds={}), 40) is None


def test_age_counts_months_for_an_infant_and_years_from_the_year_of_birth():
    today = clock.today()
    assert age_in_years(today - timedelta(days=61), None, today) == pytest.approx(0.167, abs=0.001)
    assert age_in_years(None, today.year - 7, today) == 7
    assert age_in_years(None, None, today) is None


def test_signs_are_told_in_vietnamese_with_a_decimal_comma(rules):
    from django.utils import translation

    evaluation = evaluate(Reading(spo2=95, temperature=Decimal("39.5"), symptoms=("chest_pain",)), rules, 40)
    with translation.override("vi"):
        texts = [sign_text(sign) for sign in evaluation.signs]
    assert texts[0].startswith("SpO₂ 95") and "39,5" in texts[1] and texts[2] == "Đau tức ngực"
