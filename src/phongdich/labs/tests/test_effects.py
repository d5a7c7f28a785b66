"""What a result does to a person: through the surveillance services, by the rules in force on its date."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from phongdich.surveillance.choices import ContactKind
from phongdich.surveillance.models import Case, TracingState
from phongdich.surveillance.services import contact_record

from ..choices import ResampleReason, Result, SampleKind
from ..models import ResampleTask
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
    for person, barcode in ((thu, "CDC-F1"), (f2, "CDC-F2")):
        sample = individual(officer, person, barcode=barcode, hours_ago=3)
        sample_result_record(actor=lab_technician, sample=sample, reading=Reading(Result.NEGATIVE, timezone.now()))
    assert TracingState.objects.get(person=f2).cleared_reason == "negative_test"
    assert TracingState.objects.get(person=thu).level == 1
