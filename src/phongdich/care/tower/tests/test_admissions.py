"""Admitting, discharging and recording deaths: the bed counts move with them, the home order ends, the rules
for discharge hold unless a doctor gives a reason, and every refusal names what is wrong and writes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from phongdich.core import clock
from phongdich.core.models import AuditEvent
from phongdich.core.scoping import OutOfScope
from phongdich.labs.choices import Result, SampleStatus
from phongdich.labs.models import Sample
from phongdich.labs.tests.factories import individual

from ...choices import OrderStatus
from ...tests.factories import rules_for_tests
from ...tests.reporting import at_home, resident
from ..choices import AdmissionStatus, BedKind, DeathCause
from ..models import Admission, WardCapacity
from ..services.admissions import NoFreeBed, admit, death_record, discharge, discharge_check
from ..services.facilities import capacity_set
from .world import ward_of

pytestmark = pytest.mark.django_db
LOW_SPO2 = {"breathing_rate": 22, "spo2": 95, "pulse": 100}


@pytest.fixture
def lan(world):
    return resident(world, "Trần Thị Lan", serial=6111, phone="0903111222")


def test_an_admission_takes_a_bed_bands_the_severity_and_ends_the_home_order_in_one_step(tower, world, lan):
    order = at_home(lan)
    commander = world.user("province_commander")
    admission = admit(actor=commander, person=lan, facility=tower.becamex, bed_kind=BedKind.OXYGEN, vitals=LOW_SPO2)
    order.refresh_from_db()
    assert admission.severity == "moderate" and admission.vitals == LOW_SPO2
    assert ward_of(tower.becamex, BedKind.OXYGEN).occupied == 1
    assert order.status == OrderStatus.TRANSFERRED and "Becamex" in order.end_params["reason"]
    assert admission.order == order
    event = AuditEvent.objects.get(object_type="care.admission", object_id=str(admission.pk))
    assert event.person_id == lan.pk and event.unit_path == tower.becamex.unit.path


def test_a_full_bed_kind_is_refused_by_name_and_nothing_is_written(tower, world, lan):
    commander = world.user("province_commander")
    others = [resident(world, f"Bệnh nhân {index}", serial=6200 + index) for index in range(2)]
    for person in others:
        admit(actor=commander, person=person, facility=tower.becamex, bed_kind=BedKind.ICU)
    order = at_home(lan)
    with pytest.raises(NoFreeBed) as refused:
        admit(actor=commander, person=lan, facility=tower.becamex, bed_kind=BedKind.ICU)
    assert "Bệnh viện Quốc tế Becamex" in refused.value.messages[0]
    order.refresh_from_db()
    assert order.status == OrderStatus.ACTIVE and not Admission.objects.filter(person=lan).exists()
    assert ward_of(tower.becamex, BedKind.ICU).occupied == 2


def test_a_retry_with_the_same_key_gives_back_the_admission_it_made(tower, world, lan):
    commander = world.user("province_commander")
    first = admit(actor=commander, person=lan, facility=tower.becamex, bed_kind=BedKind.REGULAR, client_key="adm-1")
    again = admit(actor=commander, person=lan, facility=tower.becamex, bed_kind=BedKind.REGULAR, client_key="adm-1")
    assert again.pk == first.pk and ward_of(tower.becamex, BedKind.REGULAR).occupied == 1


def test_a_person_already_in_a_bed_is_sent_to_a_transfer_instead(tower, world, lan):
    commander = world.user("province_commander")
    admit(actor=commander, person=lan, facility=tower.site, bed_kind=BedKind.REGULAR)
    with pytest.raises(ValidationError) as refused:
        admit(actor=commander, person=lan, facility=tower.becamex, bed_kind=BedKind.REGULAR)
    assert "Khu điều trị F0 Phường Lái Thiêu" in refused.value.message_dict["person"][0]


def test_a_facility_outside_the_actors_area_answers_like_a_missing_one(tower, world, lan):
    with pytest.raises(OutOfScope):
        admit(actor=tower.phu_chanh_staff, person=lan, facility=tower.becamex, bed_kind=BedKind.REGULAR)
    with pytest.raises(OutOfScope):  # the patient: Phú Chánh's staff cannot see a Lái Thiêu resident
        admit(actor=tower.phu_chanh_staff, person=lan, facility=tower.phu_chanh, bed_kind=BedKind.REGULAR)


def test_capacity_cannot_go_below_the_patients_in_the_beds_and_past_occupancy_keeps_its_beds(tower, world, lan):
    commander = world.user("province_commander")
    admit(actor=commander, person=lan, facility=tower.site, bed_kind=BedKind.REGULAR)
    admit(actor=commander, person=resident(world, "Lê Văn Hùng", serial=6300), facility=tower.site, bed_kind="regular")
    with pytest.raises(ValidationError) as refused:
        capacity_set(actor=commander, facility=tower.site, bed_kind=BedKind.REGULAR, beds=1, reason="Thu hẹp")
    assert "2" in refused.value.message_dict["beds"][0] and ward_of(tower.site, "regular").beds == 2
    capacity_set(actor=commander, facility=tower.site, bed_kind=BedKind.REGULAR, beds=40, reason="Mở thêm khu B")
    history = list(WardCapacity.objects.filter(ward=ward_of(tower.site, "regular")).values_list("beds", flat=True))
    assert history == [40, 2]


@pytest.fixture
def in_bed(tower, world, lan):
    rules_for_tests()
    admission = admit(actor=world.user("province_commander"), person=lan, facility=tower.becamex, bed_kind="oxygen")
    Admission.objects.filter(pk=admission.pk).update(admitted_at=clock.now() - timedelta(days=11))
    admission.refresh_from_db()
    return admission


def negative_test(world, person, barcode: str, hours_ago: int, **result):
    sample = individual(world.user("community_team"), person, barcode=barcode, hours_ago=hours_ago)
    Sample.objects.filter(pk=sample.pk).update(status=SampleStatus.RELEASED, **{"result": Result.NEGATIVE, **result})


def test_discharge_before_the_rules_allow_needs_the_doctors_reason_which_is_kept(tower, world, in_bed):
    from ...models import IsolationRules

    IsolationRules.objects.update(discharge={"day": 10, "negative_tests": 2, "hours_apart": 24, "ct_at_least": 30})
    with pytest.raises(ValidationError) as refused:
        discharge(actor=tower.becamex_staff, admission=in_bed)
    reasons = refused.value.message_dict["override"]
    assert len(reasons) == 3 and "2" in reasons[1]  # the heading, the missing tests, what to give
    assert ward_of(tower.becamex, "oxygen").occupied == 1
    discharge(
        actor=tower.becamex_staff, admission=in_bed, override="Chuyển về cách ly tại nhà theo chỉ định của BS Hòa"
    )
    in_bed.refresh_from_db()
    assert in_bed.status == AdmissionStatus.DISCHARGED and in_bed.discharge_override.startswith("Chuyển về")
    assert ward_of(tower.becamex, "oxygen").occupied == 0


def test_two_clear_tests_a_day_apart_or_a_high_ct_meet_the_discharge_rule(tower, world, in_bed, lan):
    from ...models import IsolationRules

    IsolationRules.objects.update(discharge={"day": 10, "negative_tests": 2, "hours_apart": 24, "ct_at_least": 30})
    negative_test(world, lan, "BD-DC-0001", hours_ago=50, result=Result.POSITIVE, ct_e=33, ct_n=31)
    assert not discharge_check(in_bed, clock.now()).ready
    negative_test(world, lan, "BD-DC-0002", hours_ago=20)
    assert discharge_check(in_bed, clock.now()).ready
    discharge(actor=tower.becamex_staff, admission=in_bed)
    assert Admission.objects.get(pk=in_bed.pk).status == AdmissionStatus.DISCHARGED


def test_a_death_is_recorded_with_its_cause_and_frees_the_bed(tower, world, in_bed):
    with pytest.raises(ValidationError) as refused:
        death_record(
            actor=tower.becamex_staff, admission=in_bed, died_on=clock.today() + timedelta(days=1), cause="covid"
        )
    assert "died_on" in refused.value.message_dict
    death_record(actor=tower.becamex_staff, admission=in_bed, died_on=clock.today(), cause=DeathCause.COVID_COMORBIDITY)
    in_bed.refresh_from_db()
    assert in_bed.status == AdmissionStatus.DIED and in_bed.death_cause == "covid_comorbidity"
    assert ward_of(tower.becamex, "oxygen").occupied == 0
    with pytest.raises(ValidationError):
        discharge(actor=tower.becamex_staff, admission=in_bed, override="x")


def test_another_facilitys_staff_cannot_discharge_a_patient(tower, in_bed):
    with pytest.raises(OutOfScope):
        discharge(actor=tower.phu_chanh_staff, admission=in_bed, override="Không phải bệnh nhân của tôi")
