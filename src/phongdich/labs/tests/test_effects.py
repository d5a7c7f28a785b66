"""What a result does to a person: through the surveillance services, by the rules in force on its date."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from phongdich.places.choices import FacilityKind
from phongdich.places.models import Facility
from phongdich.surveillance.choices import ClearReason, ContactKind, DetectionSetting, TaskOutcome
from phongdich.surveillance.models import Case, LevelChange, TracingState, TracingTask
from phongdich.surveillance.services import contact_record, task_outcome_record

from ..choices import ResampleReason, Result, SampleKind
from ..models import ResampleTask, TestingRules
from ..services import Reading, sample_register, sample_result_record
from .factories import individual, residents

pytestmark = pytest.mark.django_db


def antigen(world, person, *, at: datetime, symptoms: bool, result=Result.POSITIVE):
    worker = world.user("health_worker")
    sample = sample_register(actor=worker, person=person, kind=SampleKind.ANTIGEN, sampled_at=at, symptoms=symptoms)
    return sample_result_record(actor=worker, sample=sample, reading=Reading(result, at + timedelta(minutes=20)))


def test_a_positive_antigen_test_in_2021_is_a_suspected_case_sent_for_rt_pcr(world):
    person = residents(world.user("health_worker"), 1)[0]
    sample = antigen(world, person, at=timezone.make_aware(datetime(2021, 8, 20, 9, 0)), symptoms=True)
    assert sample.barcode.startswith("AG-")
    assert not Case.objects.filter(person=person).exists()
    assert ResampleTask.objects.get(person=person).reason == ResampleReason.ANTIGEN_POSITIVE


def test_a_positive_antigen_test_with_symptoms_after_15_april_2022_confirms_the_case(world):
    person = residents(world.user("health_worker"), 1)[0]
    antigen(world, person, at=timezone.now() - timedelta(hours=1), symptoms=True)
    case = Case.objects.get(person=person)
    assert case.confirmation_test == "antigen"


def test_a_positive_antigen_test_without_symptoms_or_link_still_needs_rt_pcr(world):
    person = residents(world.user("health_worker"), 1)[0]
    antigen(world, person, at=timezone.now() - timedelta(hours=1), symptoms=False)
    assert not Case.objects.filter(person=person).exists()
    assert ResampleTask.objects.filter(person=person, reason=ResampleReason.ANTIGEN_POSITIVE).exists()


def test_a_negative_test_clears_an_f2_but_an_f1_stays_in_quarantine(world):
    officer = world.user("commune_officer")
    thu = world.person("Lý Thị Thu", "25966")
    f2 = residents(officer, 1)[0]
    contact_record(actor=officer, person=f2, other=thu, kind=ContactKind.HOUSEHOLD, first_at=timezone.now())
    assert TracingState.objects.get(person=f2).level == 2
    lab_technician = world.user("lab_technician")
    for person, barcode in ((f2, "CDC-F2"), (thu, "CDC-F1")):
        sample = individual(officer, person, barcode=barcode, hours_ago=3)
        sample_result_record(actor=lab_technician, sample=sample, reading=Reading(Result.NEGATIVE, timezone.now()))
    assert TracingState.objects.get(person=f2).cleared_reason == "negative_test"
    assert TracingState.objects.get(person=thu).level == 1


def negative(world, person, barcode: str):
    sample = individual(world.user("commune_officer"), person, barcode=barcode, hours_ago=3)
    sample_result_record(
        actor=world.user("lab_technician"), sample=sample, reading=Reading(Result.NEGATIVE, timezone.now())
    )


@pytest.fixture
def thus_contacts(world):
    """Lý Thị Thu, F1 of Đỗ Văn Tâm, met two people in the last hour: one met no one else, the other also met
    Tâm's other F1."""
    officer = world.user("commune_officer")
    thu = world.person("Lý Thị Thu", "25966")
    only_hers, also_other, other_f1 = residents(officer, 3)
    tam = world.person("Đỗ Văn Tâm", "25966")
    contact_record(actor=officer, person=other_f1, other=tam, kind=ContactKind.CARE, first_at=tam_infectious(tam))
    recent = timezone.now() - timedelta(hours=1)
    for person, met in ((only_hers, thu), (also_other, thu), (also_other, other_f1)):
        contact_record(actor=officer, person=person, other=met, kind=ContactKind.HOUSEHOLD, first_at=recent)
    return thu, only_hers, also_other


def tam_infectious(tam):
    return Case.objects.get(person=tam).infectious_from + timedelta(hours=1)


def test_a_negative_f1_who_stays_in_quarantine_no_longer_makes_f2s(world, thus_contacts):
    thu, only_hers, also_other = thus_contacts
    assert [TracingState.objects.get(person=p).level for p in thus_contacts] == [1, 2, 2]
    negative(world, thu, "CDC-THU-1")
    thu_state, hers, other = (TracingState.objects.get(person=p) for p in thus_contacts)
    assert (thu_state.level, thu_state.cleared_at) == (1, None)  # the rules keep an F1 in quarantine
    assert (hers.level, hers.cleared_reason) == (None, ClearReason.SOURCE_NEGATIVE)
    assert (other.level, other.cleared_at) == (2, None)  # still an F2 through Tâm's other F1
    assert LevelChange.objects.filter(person=only_hers, to_level=None, reason="cleared").exists()


def test_when_the_rules_say_a_negative_f1_is_still_a_source_their_f2s_stay(world, thus_contacts):
    TestingRules.objects.update(negative_ends_source=False)
    thu, only_hers, _also_other = thus_contacts
    negative(world, thu, "CDC-THU-2")
    assert TracingState.objects.get(person=only_hers).level == 2


def test_an_f1_cleared_by_a_negative_test_takes_their_f2s_with_them(world, thus_contacts):
    TestingRules.objects.update(negative_clears_from_level=1)
    thu, only_hers, _also_other = thus_contacts
    negative(world, thu, "CDC-THU-3")
    assert TracingState.objects.get(person=thu).cleared_reason == ClearReason.NEGATIVE_TEST
    assert TracingState.objects.get(person=only_hers).cleared_reason == ClearReason.SOURCE_NEGATIVE


def test_an_f2_cleared_through_a_negative_f1_is_traced_again_when_that_f1_turns_positive(world, thus_contacts):
    thu, only_hers, _also_other = thus_contacts
    negative(world, thu, "CDC-THU-4")
    sample = individual(world.user("commune_officer"), thu, barcode="CDC-THU-5", hours_ago=1)
    sample_result_record(
        actor=world.user("lab_technician"), sample=sample, reading=Reading(Result.POSITIVE, timezone.now())
    )
    state = TracingState.objects.get(person=only_hers)
    assert (state.level, state.cleared_at, state.cleared_reason) == (1, None, "")


def positive(world, person, barcode: str, **extra):
    sample = individual(world.user("commune_officer"), person, barcode=barcode, hours_ago=0, **extra)
    sample_result_record(
        actor=world.user("lab_technician"), sample=sample, reading=Reading(Result.POSITIVE, timezone.now())
    )
    return Case.objects.get(person=person)


def test_an_f1_not_in_quarantine_who_tests_positive_is_a_community_case(world):
    """After 15/4/2022 F1s were no longer quarantined: being an F1 says nothing about where they were."""
    case = positive(world, world.person("Lý Thị Thu", "25966"), "CDC-THU-6")
    assert case.detection_setting == DetectionSetting.COMMUNITY


def test_an_f1_the_tracers_isolated_before_the_sample_is_found_in_quarantine(world):
    thu = world.person("Lý Thị Thu", "25966")
    task = TracingTask.objects.get(person=thu)
    task_outcome_record(actor=world.user("community_team"), task=task, outcome=TaskOutcome.ISOLATED)
    case = positive(world, thu, "CDC-THU-7")
    assert case.detection_setting == DetectionSetting.QUARANTINE


def test_someone_sampled_at_a_concentrated_isolation_site_is_found_in_quarantine(world):
    site = Facility.objects.create(
        name="Khu cách ly tập trung Ký túc xá Đại học Thủ Dầu Một",
        kind=FacilityKind.ISOLATION_SITE,
        unit=world.unit("25966"),
    )
    person = residents(world.user("commune_officer"), 1)[0]
    assert positive(world, person, "CDC-KCL-1", site=site).detection_setting == DetectionSetting.QUARANTINE
