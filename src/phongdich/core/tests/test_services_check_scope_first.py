"""Services check the actor's jurisdiction themselves, before any other rule, so that a command or an importer
cannot reach past it either, and a refusal tells someone outside nothing but "not found"."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from phongdich.core.scoping import OutOfScope
from phongdich.labs.models import Lab, Pool, TestingRound
from phongdich.surveillance.models import Contact


@pytest.fixture
def hang_lai_thieu(world):
    return world.person("Nguyễn Thị Hằng", "25966")


@pytest.fixture
def hang_hiep_thanh(world):
    return world.person("Nguyễn Thị Hằng", "25741")


def test_a_commune_officer_cannot_link_their_resident_to_someone_of_another_district(
    world, hang_lai_thieu, hang_hiep_thanh
):
    from phongdich.surveillance.services import contact_record

    with pytest.raises(OutOfScope):
        contact_record(
            actor=world.user("commune_officer"),
            person=hang_lai_thieu,
            other=hang_hiep_thanh,
            kind="household",
            first_at=timezone.now() - timedelta(hours=1),
        )
    assert not Contact.objects.filter(other=hang_hiep_thanh).exists()


def test_a_contact_outside_the_jurisdiction_is_refused_before_its_own_mistakes_are_named(world, hang_hiep_thanh):
    from phongdich.surveillance.services import contact_record

    with pytest.raises(OutOfScope):
        contact_record(
            actor=world.user("commune_officer"),
            person=hang_hiep_thanh,
            other=hang_hiep_thanh,
            kind="household",
            first_at=timezone.now() + timedelta(days=3),
        )


def test_a_case_cannot_name_a_source_case_outside_the_jurisdiction(world, hang_hiep_thanh):
    from phongdich.surveillance.models import Case
    from phongdich.surveillance.services import case_confirm

    with pytest.raises(OutOfScope):
        case_confirm(
            actor=world.user("other_commune"),
            person=hang_hiep_thanh,
            confirmed_at=timezone.now() - timedelta(hours=1),
            confirmation_test="rt_pcr",
            detection_setting="community",
            source_case=Case.objects.get(person=world.person("Đỗ Văn Tâm", "25966")),
        )
    assert not Case.objects.filter(person=hang_hiep_thanh).exists()


def test_a_sample_outside_the_jurisdiction_is_refused_before_its_fields_are_checked(world, hang_hiep_thanh):
    from phongdich.labs.services import sample_register

    with pytest.raises(OutOfScope):
        sample_register(
            actor=world.user("commune_officer"), person=hang_hiep_thanh, kind="không-rõ", sampled_at=timezone.now()
        )


def test_a_sample_cannot_join_a_round_outside_the_jurisdiction(world, hang_hiep_thanh):
    from phongdich.labs.services import sample_register

    with pytest.raises(OutOfScope):
        sample_register(
            actor=world.user("other_commune"),
            person=hang_hiep_thanh,
            kind="antigen",
            sampled_at=timezone.now() - timedelta(hours=1),
            testing_round=TestingRound.objects.get(),
        )


def test_a_pool_cannot_be_opened_in_a_round_outside_the_jurisdiction(world):
    from phongdich.labs.services import pool_open

    with pytest.raises(OutOfScope):
        pool_open(
            actor=world.user("other_commune"),
            barcode="HT-POOL-0001",
            lab=Lab.objects.get(),
            unit=world.unit("25741-01"),
            testing_round=TestingRound.objects.get(),
        )
    assert not Pool.objects.filter(barcode="HT-POOL-0001").exists()


def test_a_round_over_another_district_is_refused_before_its_dates_are_checked(world):
    from phongdich.labs.services import round_create

    with pytest.raises(OutOfScope):
        round_create(
            actor=world.user("district_officer"),
            name="Đợt 2",
            unit=world.unit("25741"),
            starts_on=date(2021, 8, 10),
            ends_on=date(2021, 8, 1),
        )


def test_a_round_cannot_take_in_a_group_of_another_district(world):
    from phongdich.labs.services import round_create

    with pytest.raises(OutOfScope):
        round_create(
            actor=world.user("district_officer"),
            name="Đợt 2",
            unit=world.unit("25966"),
            groups=[world.unit("25741-01")],
            starts_on=date(2021, 8, 1),
            ends_on=date(2021, 8, 3),
        )


def test_a_shipment_for_another_district_is_refused_before_its_doses_are_checked(world):
    from phongdich.vaccination.models import VaccineProduct
    from phongdich.vaccination.services import shipment_propose

    with pytest.raises(OutOfScope):
        shipment_propose(
            actor=world.user("district_officer"),
            product=VaccineProduct.objects.get(code="EU/1/20/1528"),
            doses=0,
            received_on=date(2021, 9, 1),
            unit=world.unit("25741").parent,
        )


def test_a_certificate_outside_the_jurisdiction_is_refused_before_the_reason_is_asked_for(world):
    from phongdich.vaccination.models import Certificate
    from phongdich.vaccination.services import certificate_revoke

    with pytest.raises(OutOfScope):
        certificate_revoke(actor=world.user("other_commune"), certificate=Certificate.objects.get(), reason=" ")
