"""Home-treatment eligibility: the criteria of the version in force on the start date, each failure named with the
value measured."""

from datetime import date

import pytest

from phongdich.core import clock
from phongdich.people.models import Person

from .. import eligibility
from ..choices import Condition
from ..models import EligibilityRules
from .orders_world import WELL, born, eligibility_rules


def a_person(age: int, **fields) -> Person:
    return Person(full_name="Nguyễn Văn Phước", birth_date=born(age), **fields)


def check(person, measurements=WELL, condition=Condition.NONE):
    return eligibility.check(person, clock.today(), measurements, condition)


@pytest.fixture(autouse=True)
def rules(db):
    return eligibility_rules()


def test_a_mild_f0_of_thirty_measured_well_is_eligible():
    checked = check(a_person(30))
    assert checked.eligible and checked.messages() == []


@pytest.mark.parametrize(
    ("measurements", "fields", "message"),
    [
        ({**WELL, "breathing_rate": 24}, {}, "Nhịp thở 24 lần/phút: điều trị tại nhà cần dưới 20 lần/phút."),
        ({**WELL, "spo2": 95}, {}, "SpO₂ 95%: điều trị tại nhà cần trên 96% khi thở khí trời."),
        ({**WELL, "spo2": None}, {}, "Chưa đo SpO₂: điều trị tại nhà cần SpO₂ trên 96% khi thở khí trời."),
        (
            {**WELL, "state": "severe"},
            {},
            "Tình trạng lâm sàng “Nặng”: điều trị tại nhà chỉ nhận người có tình trạng không nặng hơn “Nhẹ”.",
        ),
        (
            WELL,
            {"chronic_disease": True},
            "Có bệnh nền chưa được ghi nhận là ổn định: điều trị tại nhà cần không có bệnh nền, hoặc bệnh nền đang "
            "được điều trị ổn định.",
        ),
        (WELL, {"pregnant": True}, "Đang mang thai: theo quy định này, điều trị tại nhà không nhận phụ nữ mang thai."),
    ],
)
def test_each_failing_criterion_is_named_with_the_value_measured(measurements, fields, message):
    checked = check(a_person(30, **fields), measurements)
    assert not checked.eligible and checked.messages() == [message]


def test_an_older_person_not_fully_vaccinated_fails_on_age_and_passes_when_vaccinated():
    older = a_person(57)
    assert check(older).messages() == [
        "57 tuổi, chưa tiêm đủ liều vắc xin: điều trị tại nhà nhận người từ 1 đến dưới 50 tuổi, hoặc lớn tuổi hơn "
        "nếu đã tiêm đủ liều."
    ]
    assert check(older, condition=Condition.VACCINATED).eligible


def test_a_chronic_disease_under_stable_treatment_passes():
    assert check(a_person(40, chronic_disease=True), {**WELL, "chronic_stable": True}).eligible


def test_a_childs_breathing_is_judged_by_her_age_band():
    assert check(a_person(3), {**WELL, "breathing_rate": 30}).eligible
    assert not check(a_person(30), {**WELL, "breathing_rate": 30}).eligible


def test_an_f0_with_nothing_measured_fails_every_measured_criterion():
    codes = [failure["code"] for failure in check(a_person(30), {}).failures]
    assert codes == ["symptoms_at_most", "breathing_below", "spo2_above"]


def test_the_case_gives_the_clinical_state_when_it_was_not_assessed_at_enrolment(world):
    tam = world.person("Đỗ Văn Tâm", "25966")
    case = tam.cases.get()
    checked = eligibility.check(tam, clock.today(), {"breathing_rate": 16, "spo2": 98}, Condition.NONE, case)
    assert checked.facts.state == case.severity


def test_an_unknown_criterion_in_the_data_fails_visibly_rather_than_being_skipped():
    eligibility_rules([{"code": "spo2_above", "value": 96}, {"code": "bmi_below", "value": 30}])
    assert check(a_person(30)).messages() == [
        "Quy định có tiêu chí “bmi_below” không nhận biết được: liên hệ quản trị hệ thống của tỉnh."
    ]


@pytest.mark.django_db
def test_the_seeded_versions_follow_4038_then_261():
    """4038/QĐ-BYT (21/9/2021) had an age criterion and pregnancy; 261/QĐ-BYT (31/1/2022) dropped them."""
    older = Person(full_name="Trần Văn Bình", birth_year=1956)
    in_4038 = eligibility.check(older, date(2021, 10, 1), WELL, Condition.NONE)
    in_261 = eligibility.check(older, date(2022, 3, 1), WELL, Condition.NONE)
    assert "4038/QĐ-BYT" in in_4038.rules.source_document and "261/QĐ-BYT" in in_261.rules.source_document
    assert [failure["code"] for failure in in_4038.failures] == ["age_between"]
    assert in_261.eligible
    pregnant = Person(full_name="Lê Thị Mai", birth_year=1990, pregnant=True)
    assert not eligibility.check(pregnant, date(2021, 10, 1), WELL, Condition.NONE).eligible
    assert eligibility.check(pregnant, date(2022, 3, 1), WELL, Condition.NONE).eligible


@pytest.mark.django_db
def test_no_seeded_version_cites_a_document_dated_after_it_takes_effect():
    versions = EligibilityRules.objects.filter(effective_from__lt=date(2023, 1, 1))
    assert versions.count() == 2
    for version in versions:
        assert version.document_date <= version.effective_from
        assert len(version.source_document) <= EligibilityRules._meta.get_field("source_document").max_length
