"""Transfer requests: from a home patient's alert the nearest facilities of the tier needed are asked; the first to
accept holds a bed that the admission then takes; declining takes a reason; a request nobody accepts in time is
escalated and offered wider; a facility of another tier is asked only with a reason."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from phongdich.core import clock
from phongdich.core.scoping import OutOfScope

from ...choices import ActionKind
from ...models import Alert, AlertAction
from ...tests.reporting import NORMAL, at_home, minutes_ago, resident
from ..choices import AdmissionStatus, OfferAnswer, TransferStatus
from ..models import TransferRequest
from ..services.admissions import NoFreeBed, admit
from ..services.transfers import (
    ambulance_dispatch,
    offer_add,
    offer_answer,
    transfer_cancel,
    transfer_request,
    transfers_escalate,
)
from .world import a_facility, ward_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("warning_rules")]


@pytest.fixture
def alert(world):
    from ...services.reports import report_submit

    order = at_home(resident(world, "Trần Thị Lan", serial=6111, phone="0903111222"))
    report, _alert = report_submit(
        actor="self-report:1", order=order, client_id="warn-1", measured_at=minutes_ago(10), **{**NORMAL, "spo2": 95}
    )
    return Alert.objects.get(report=report)


def asked(request) -> list[str]:
    return [offer.facility.name for offer in request.offers.select_related("facility").order_by("distance_km")]


def test_a_falling_spo2_asks_the_nearest_tier_2_facilities_with_a_free_oxygen_bed(tower, world, alert):
    nearer = a_facility("Bệnh viện đa khoa Thuận An", "hospital", "25966-01", 2, {"oxygen": 5}, ("10.9070", "106.7050"))
    request = transfer_request(
        actor=world.user("health_worker"),
        person=alert.person,
        alert=alert,
        vitals={"breathing_rate": 22, "spo2": 95},
        reason="SpO₂ 95 %, khó thở khi gắng sức",
    )
    assert (request.tier, request.bed_kind, request.severity) == (2, "oxygen", "moderate")
    assert asked(request) == [nearer.name, "Bệnh viện dã chiến Phú Chánh"]
    assert AlertAction.objects.filter(alert=alert, kind=ActionKind.TRANSFER).exists()
    assert request.escalate_at == request.requested_at + timedelta(minutes=30)


def test_the_first_facility_to_accept_holds_the_bed_and_the_admission_takes_it(tower, world, alert):
    request = transfer_request(actor=world.user("health_worker"), person=alert.person, alert=alert, reason="SpO₂ 95 %")
    offer = request.offers.get(facility=tower.phu_chanh)
    offer_answer(actor=tower.phu_chanh_staff, offer=offer, accept=True)
    request.refresh_from_db()
    assert request.status == TransferStatus.ACCEPTED and request.to_facility == tower.phu_chanh
    assert ward_of(tower.phu_chanh, "oxygen").held == 1
    ambulance_dispatch(actor=world.user("health_worker"), request=request, reference="115-BD-0931")
    admission = admit(
        actor=tower.phu_chanh_staff, person=alert.person, facility=tower.phu_chanh, bed_kind="oxygen", transfer=request
    )
    ward = ward_of(tower.phu_chanh, "oxygen")
    assert (ward.held, ward.occupied) == (0, 1) and admission.transfer == request
    request.refresh_from_db()
    assert request.status == TransferStatus.ADMITTED and request.ambulance_ref == "115-BD-0931"


def test_declining_takes_a_reason_and_a_facility_cannot_answer_for_another(tower, world, alert):
    request = transfer_request(actor=world.user("health_worker"), person=alert.person, alert=alert, reason="SpO₂ 95 %")
    offer = request.offers.get(facility=tower.phu_chanh)
    with pytest.raises(ValidationError) as refused:
        offer_answer(actor=tower.phu_chanh_staff, offer=offer, accept=False)
    assert "reason" in refused.value.message_dict
    with pytest.raises(OutOfScope):
        offer_answer(actor=tower.becamex_staff, offer=offer, accept=True)
    offer_answer(actor=tower.phu_chanh_staff, offer=offer, accept=False, reason="Hết bình oxy dự phòng")
    offer.refresh_from_db()
    assert offer.answer == OfferAnswer.DECLINED and offer.answer_reason == "Hết bình oxy dự phòng"


def test_accepting_when_the_last_bed_has_gone_meanwhile_is_refused(tower, world, alert):
    request = transfer_request(actor=world.user("health_worker"), person=alert.person, alert=alert, reason="SpO₂ 95 %")
    commander = world.user("province_commander")
    for index in range(3):
        admit(
            actor=commander,
            person=resident(world, f"Người bệnh {index}", serial=6400 + index),
            facility=tower.phu_chanh,
            bed_kind="oxygen",
        )
    with pytest.raises(NoFreeBed):
        offer_answer(actor=tower.phu_chanh_staff, offer=request.offers.get(facility=tower.phu_chanh), accept=True)
    assert TransferRequest.objects.get(pk=request.pk).status == TransferStatus.WAITING


def test_a_facility_of_another_tier_is_asked_only_with_a_reason(tower, world, alert):
    request = transfer_request(actor=world.user("health_worker"), person=alert.person, alert=alert, reason="SpO₂ 95 %")
    with pytest.raises(ValidationError) as refused:
        offer_add(actor=world.user("province_commander"), request=request, facility=tower.becamex)
    assert "tầng 3" in refused.value.message_dict["reason"][0] or "tier 3" in refused.value.message_dict["reason"][0]
    offer = offer_add(
        actor=world.user("province_commander"),
        request=request,
        facility=tower.becamex,
        reason="Gần nhà, còn giường oxy",
    )
    assert offer.off_tier_reason == "Gần nhà, còn giường oxy"


def test_a_request_nobody_accepts_in_time_is_escalated_and_asked_wider(tower, world, alert):
    request = transfer_request(actor=world.user("health_worker"), person=alert.person, alert=alert, reason="SpO₂ 95 %")
    a_facility("Trung tâm Y tế Bến Cát", "hospital", "25741-01", 2, {"oxygen": 5}, ("11.1500", "106.6000"))
    assert transfers_escalate(clock.now() + timedelta(minutes=29)) == 0
    assert transfers_escalate(clock.now() + timedelta(minutes=31)) == 1
    request.refresh_from_db()
    assert request.escalated_at is not None and "Trung tâm Y tế Bến Cát" in asked(request)
    assert transfers_escalate(clock.now() + timedelta(minutes=62)) == 0  # once


def test_cancelling_an_accepted_transfer_gives_the_held_bed_back(tower, world, alert):
    request = transfer_request(actor=world.user("health_worker"), person=alert.person, alert=alert, reason="SpO₂ 95 %")
    offer_answer(actor=tower.phu_chanh_staff, offer=request.offers.get(facility=tower.phu_chanh), accept=True)
    with pytest.raises(ValidationError):
        transfer_cancel(actor=world.user("health_worker"), request=request, note="")
    transfer_cancel(actor=world.user("health_worker"), request=request, note="Đã ổn định, SpO₂ 98 %")
    assert ward_of(tower.phu_chanh, "oxygen").held == 0


def test_a_second_open_request_for_the_same_patient_is_refused(tower, world, alert):
    transfer_request(actor=world.user("health_worker"), person=alert.person, alert=alert, reason="SpO₂ 95 %")
    with pytest.raises(ValidationError) as refused:
        transfer_request(actor=world.user("health_worker"), person=alert.person, reason="Lần nữa")
    assert "person" in refused.value.message_dict


def test_a_patient_moves_up_a_tier_from_a_bed_and_the_old_bed_is_freed(tower, world):
    lan = resident(world, "Trần Thị Lan", serial=6111)
    commander = world.user("province_commander")
    first = admit(actor=commander, person=lan, facility=tower.phu_chanh, bed_kind="oxygen")
    request = transfer_request(
        actor=tower.phu_chanh_staff,
        person=lan,
        admission=first,
        vitals={"breathing_rate": 30, "spo2": 89},
        reason="Suy hô hấp, cần thở máy",
    )
    assert (request.tier, request.bed_kind, request.from_facility) == (3, "icu", tower.phu_chanh)
    offer_answer(actor=tower.becamex_staff, offer=request.offers.get(facility=tower.becamex), accept=True)
    second = admit(actor=tower.becamex_staff, person=lan, facility=tower.becamex, bed_kind="icu", transfer=request)
    first.refresh_from_db()
    assert first.status == AdmissionStatus.TRANSFERRED and second.previous == first
    assert ward_of(tower.phu_chanh, "oxygen").occupied == 0 and ward_of(tower.becamex, "icu").occupied == 1
