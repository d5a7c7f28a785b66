"""Recording doses: numbering, series and booster rules, and who may record for whom."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from phongdich.core.models import AuditEvent
from phongdich.core.scoping import OutOfScope
from phongdich.people.services import person_create
from phongdich.places.models import Facility
from phongdich.vaccination.choices import DoseKind
from phongdich.vaccination.models import Dose, VaccineProduct
from phongdich.vaccination.services import dose_record


def product(code: str) -> VaccineProduct:
    return VaccineProduct.objects.get(code=code)


@pytest.fixture
def phuc(world):
    return world.person("Lê Hoàng Phúc", "25741")


@pytest.fixture
def hiep_thanh_officer(world):
    return world.user("other_commune")


def test_two_doses_of_comirnaty_complete_the_series_and_a_third_is_a_booster(world, phuc, hiep_thanh_officer):
    first = dose_record(
        actor=hiep_thanh_officer, person=phuc, product=product("EU/1/20/1528"), given_on=date(2021, 8, 1)
    )
    second = dose_record(
        actor=hiep_thanh_officer, person=phuc, product=product("EU/1/20/1528"), given_on=date(2021, 8, 22)
    )
    third = dose_record(
        actor=hiep_thanh_officer, person=phuc, product=product("EU/1/20/1507"), given_on=date(2021, 12, 1)
    )
    assert [(d.number, d.kind, d.completes_series) for d in (first, second, third)] == [
        (1, DoseKind.PRIMARY, False),
        (2, DoseKind.PRIMARY, True),
        (3, DoseKind.BOOSTER, False),
    ]
    assert AuditEvent.objects.filter(object_type="vaccination.dose", person_id=phuc.pk, action="create").count() == 3


def test_one_dose_of_janssen_is_a_full_series(phuc, hiep_thanh_officer):
    dose = dose_record(
        actor=hiep_thanh_officer, person=phuc, product=product("EU/1/20/1525"), given_on=date(2021, 9, 1)
    )
    assert dose.completes_series


def test_a_second_dose_too_early_names_the_earliest_date(phuc, hiep_thanh_officer):
    dose_record(actor=hiep_thanh_officer, person=phuc, product=product("BBIBP-CorV"), given_on=date(2021, 8, 1))
    with pytest.raises(ValidationError) as error:
        dose_record(actor=hiep_thanh_officer, person=phuc, product=product("BBIBP-CorV"), given_on=date(2021, 8, 10))
    message = " ".join(error.value.message_dict["given_on"])
    assert "21" in message and "22/08/2021" in message
    assert Dose.objects.filter(person=phuc).count() == 1


def test_a_dose_dated_before_the_previous_one_is_refused(phuc, hiep_thanh_officer):
    dose_record(actor=hiep_thanh_officer, person=phuc, product=product("EU/1/21/1529"), given_on=date(2021, 9, 1))
    with pytest.raises(ValidationError) as error:
        dose_record(actor=hiep_thanh_officer, person=phuc, product=product("EU/1/21/1529"), given_on=date(2021, 7, 1))
    assert "01/09/2021" in " ".join(error.value.message_dict["given_on"])


def test_a_booster_before_three_months_is_too_early(phuc, hiep_thanh_officer):
    dose_record(actor=hiep_thanh_officer, person=phuc, product=product("EU/1/20/1525"), given_on=date(2021, 9, 1))
    with pytest.raises(ValidationError) as error:
        dose_record(actor=hiep_thanh_officer, person=phuc, product=product("EU/1/20/1528"), given_on=date(2021, 10, 1))
    assert "30/11/2021" in " ".join(error.value.message_dict["given_on"])


def test_a_dose_in_the_future_is_refused(phuc, hiep_thanh_officer):
    with pytest.raises(ValidationError):
        dose_record(actor=hiep_thanh_officer, person=phuc, product=product("EU/1/20/1528"), given_on=date(2099, 1, 1))


def test_a_commune_officer_cannot_record_a_dose_for_someone_in_another_commune(world, phuc):
    with pytest.raises(OutOfScope):
        dose_record(
            actor=world.user("commune_officer"), person=phuc, product=product("EU/1/20/1528"), given_on=date(2021, 9, 1)
        )


def test_vaccination_site_staff_record_doses_for_whoever_comes_to_their_site(world, phuc):
    from phongdich.accounts.models import User
    from phongdich.accounts.roles import Role
    from phongdich.accounts.services import role_assign

    site = Facility.objects.get(name="Điểm tiêm chủng Phường Lái Thiêu")
    staff = User.objects.create_user(username="tiem_chung", password="x")
    role_assign(actor="test", user=staff, role=Role.VACCINATION_STAFF, facility=site)
    dose = dose_record(actor=staff, person=phuc, product=product("EU/1/20/1528"), given_on=date(2021, 9, 1), site=site)
    assert dose.site == site and dose.unit == phuc.unit
    with pytest.raises(OutOfScope):
        dose_record(actor=staff, person=phuc, product=product("EU/1/20/1528"), given_on=date(2021, 9, 30))


def test_a_person_born_after_the_dose_date_cannot_have_it(world, hiep_thanh_officer):
    baby = person_create(
        actor=hiep_thanh_officer, full_name="Lê Minh Khang", birth_date=date(2021, 10, 1), unit=world.unit("25741-01")
    )
    with pytest.raises(ValidationError):
        dose_record(actor=hiep_thanh_officer, person=baby, product=product("EU/1/20/1528"), given_on=date(2021, 9, 1))


def test_the_dose_form_records_a_dose_found_by_cccd(client_as, world):
    response = client_as("commune_officer").post(
        "/vaccination/doses/new/",
        {"number": "074186123456", "product": product("EU/1/20/1528").pk, "given_on": "2021-12-15"},
    )
    hang = world.person("Nguyễn Thị Hằng", "25966")
    assert response.status_code == 302 and response["Location"] == f"/vaccination/persons/{hang.pk}/"
    assert Dose.objects.filter(person=hang).count() == 3


def test_the_api_refuses_an_unknown_product_by_name(api_as, world):
    hang = world.person("Nguyễn Thị Hằng", "25966")
    response = api_as("commune_officer").post(
        "/api/v1/vaccination/doses",
        {"person_id": hang.pk, "product": "Vắc xin lạ", "given_on": "2021-12-15"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "product" in response.json()["fields"]


def test_after_vaccinating_a_visitor_the_sites_staff_see_their_vaccination_page_but_no_one_elses(client, world, phuc):
    from phongdich.accounts.models import User
    from phongdich.accounts.roles import Role
    from phongdich.accounts.services import role_assign

    site = Facility.objects.get(name="Điểm tiêm chủng Phường Lái Thiêu")
    staff = User.objects.create_user(username="tiem_chung", password="x")
    role_assign(actor="test", user=staff, role=Role.VACCINATION_STAFF, facility=site)
    client.force_login(staff)
    assert client.get(f"/vaccination/persons/{phuc.pk}/").status_code == 404
    response = client.post(
        "/vaccination/doses/new/",
        {"number": "", "product": product("EU/1/20/1528").pk, "given_on": "2021-09-01", "site": site.pk},
    )
    assert response.status_code == 200  # no number: the form says so
    phuc.id_number = "074098001122"
    phuc.save(update_fields=["id_number"])
    response = client.post(
        "/vaccination/doses/new/",
        {"number": "074098001122", "product": product("EU/1/20/1528").pk, "given_on": "2021-09-01", "site": site.pk},
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    other = world.person("Nguyễn Thị Hằng", "25741")
    assert client.get(f"/vaccination/persons/{other.pk}/").status_code == 404
