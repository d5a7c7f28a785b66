"""A site's staff never land on a "not found" page in their daily work: a dose typed without a site, a
certificate issued for a visitor, the links on a visitor's vaccination page."""

from datetime import date

import pytest

from phongdich.accounts.models import User
from phongdich.accounts.roles import Role
from phongdich.accounts.services import role_assign
from phongdich.places.models import Facility
from phongdich.vaccination.models import Certificate, Dose, VaccineProduct
from phongdich.vaccination.services import dose_record


@pytest.fixture
def site(world):
    return Facility.objects.get(name="Điểm tiêm chủng Phường Lái Thiêu")


@pytest.fixture
def staff(site):
    user = User.objects.create_user(username="tiem_chung", password="x", full_name="Võ Thị Mai")
    role_assign(actor="test", user=user, role=Role.VACCINATION_STAFF, facility=site)
    return user


@pytest.fixture
def phuc(world):
    """A visitor from Hiệp Thành, outside the site's ward, with a CCCD to be found by."""
    person = world.person("Lê Hoàng Phúc", "25741")
    person.id_number = "074098001122"
    person.save(update_fields=["id_number"])
    return person


def janssen() -> VaccineProduct:
    return VaccineProduct.objects.get(code="EU/1/20/1525")


def test_a_dose_typed_without_a_site_is_refused_beside_the_site_field_and_keeps_what_was_typed(client, staff, phuc):
    client.force_login(staff)
    response = client.post(
        "/vaccination/doses/new/",
        {"number": "074098001122", "product": janssen().pk, "given_on": "2021-09-01", "lot": "XD955", "site": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["site"] == ["Chọn điểm tiêm trong địa bàn của bạn."]
    body = response.content.decode()
    assert 'value="074098001122"' in body  # the person typed is still there
    assert f'<option value="{janssen().pk}" selected>' in body
    assert not Dose.objects.filter(person=phuc).exists()


def test_an_officer_may_still_leave_the_site_empty_for_a_resident(client_as, world):
    response = client_as("commune_officer").post(
        "/vaccination/doses/new/",
        {"number": "074186123456", "product": janssen().pk, "given_on": "2021-12-15", "site": ""},
    )
    assert response.status_code == 302


def test_a_sites_staff_issuing_a_certificate_land_on_it_and_the_visitors_page_lists_it(client, staff, site, phuc):
    dose_record(actor=staff, person=phuc, product=janssen(), given_on=date(2021, 9, 1), site=site)
    client.force_login(staff)
    response = client.post(f"/vaccination/persons/{phuc.pk}/certificate/", follow=True)
    certificate = Certificate.objects.get(person=phuc)
    assert response.status_code == 200 and certificate.uvci in response.content.decode()
    record = client.get(f"/vaccination/persons/{phuc.pk}/").content.decode()
    assert certificate.uvci in record and "Chưa cấp" not in record


def test_the_issue_button_is_offered_only_where_the_staff_may_certify_the_latest_dose(client, staff, site, phuc, world):
    dose_record(actor=staff, person=phuc, product=janssen(), given_on=date(2021, 9, 1), site=site)
    booster = VaccineProduct.objects.get(code="EU/1/20/1528")
    dose_record(actor=world.user("other_commune"), person=phuc, product=booster, given_on=date(2021, 12, 1))
    client.force_login(staff)
    record = client.get(f"/vaccination/persons/{phuc.pk}/").content.decode()
    assert f"/vaccination/persons/{phuc.pk}/certificate/" not in record


def test_approving_a_split_keeps_the_shares_edited_on_the_same_page(client_as, world):
    from phongdich.vaccination.models import Allocation, Shipment

    shipment = Shipment.objects.get()
    first, second = list(shipment.allocations.order_by("unit__code"))[:2]
    shares = {f"unit-{a.unit_id}": a.doses for a in shipment.allocations.all()}
    shares |= {f"unit-{first.unit_id}": first.doses + 1, f"unit-{second.unit_id}": second.doses - 1}
    response = client_as("district_officer").post(shipment.get_absolute_url(), {**shares, "approve": ""})
    assert response.status_code == 302
    shipment.refresh_from_db()
    assert shipment.status == "approved" and Allocation.objects.get(pk=first.pk).doses == first.doses + 1


def test_an_approval_whose_edited_shares_do_not_add_up_approves_nothing(client_as, world):
    from phongdich.vaccination.models import Shipment

    shipment = Shipment.objects.get()
    first = shipment.allocations.order_by("unit__code").first()
    client_as("district_officer").post(
        shipment.get_absolute_url(), {f"unit-{first.unit_id}": first.doses + 7, "approve": ""}
    )
    shipment.refresh_from_db()
    assert shipment.status == "proposed"
