"""The dose form at the point of care: the person by number, name and year of birth, or personal QR card; the
user's own site chosen already; the lot picked from the site's stock."""

from datetime import date

import segno
from django.core.files.uploadedfile import SimpleUploadedFile

from phongdich.accounts.models import User
from phongdich.accounts.roles import Role
from phongdich.accounts.services import role_assign
from phongdich.people.cards import person_card_text
from phongdich.places.models import Facility
from phongdich.vaccination.models import Dose, VaccineProduct
from phongdich.vaccination.services import delivery_record, dose_record

FORM = "/vaccination/doses/new/"


def comirnaty() -> VaccineProduct:
    return VaccineProduct.objects.get(code="EU/1/20/1528")


def site() -> Facility:
    return Facility.objects.get(name="Điểm tiêm chủng Phường Lái Thiêu")


def dose(person_field: dict, **more) -> dict:
    return {**person_field, "product": comirnaty().pk, "given_on": "2021-12-15", **more}


def site_staff():
    staff = User.objects.create_user(username="tiem_chung_lai_thieu", password="x")
    role_assign(actor="test", user=staff, role=Role.VACCINATION_STAFF, facility=site())
    return staff


def test_the_dose_form_names_the_person_vaccinated_not_sampled(client_as, world):
    page = client_as("commune_officer").get(FORM).content.decode()
    assert "Người được tiêm" in page and "lấy mẫu" not in page


def test_a_dose_is_recorded_for_a_person_found_by_name_and_year_of_birth(client_as, world):
    hang = world.person("Nguyễn Thị Hằng", "25966")
    response = client_as("commune_officer").post(FORM, dose({"number": "nguyen thi hang 1986"}))
    assert response.status_code == 302 and response["Location"] == f"/vaccination/persons/{hang.pk}/"
    assert Dose.objects.filter(person=hang).count() == 3


def test_a_name_outside_the_officers_area_finds_no_one(client_as, world):
    response = client_as("commune_officer").post(FORM, dose({"number": "Nguyễn Thị Hằng 1990"}))
    assert "Không có ai trong địa bàn của bạn khớp" in response.content.decode()
    assert not Dose.objects.filter(person=world.person("Nguyễn Thị Hằng", "25741")).exists()


def test_several_people_of_one_name_are_offered_and_the_one_chosen_gets_the_dose(client_as, world):
    client = client_as("province_commander")
    hiep_thanh = world.person("Nguyễn Thị Hằng", "25741")
    page = client.post(FORM, dose({"number": "Nguyễn Thị Hằng"})).content.decode()
    assert "Có nhiều người khớp" in page and f'name="number_person" value="{hiep_thanh.pk}"' in page
    response = client.post(FORM, dose({"number": "Nguyễn Thị Hằng", "number_person": hiep_thanh.pk}))
    assert response.status_code == 302 and Dose.objects.filter(person=hiep_thanh).count() == 1


def test_a_chosen_person_outside_the_officers_area_is_refused_like_a_missing_one(client_as, world):
    hiep_thanh = world.person("Nguyễn Thị Hằng", "25741")
    outside = client_as("commune_officer").post(FORM, dose({"number": "", "number_person": hiep_thanh.pk}))
    missing = client_as("commune_officer").post(FORM, dose({"number": "", "number_person": 987654321}))
    assert outside.status_code == missing.status_code == 200
    assert "Không có ai trong địa bàn của bạn khớp" in outside.content.decode()
    assert not Dose.objects.filter(person=hiep_thanh).exists()


def test_a_photo_of_the_personal_qr_card_picks_the_person(client_as, world):
    hang = world.person("Nguyễn Thị Hằng", "25966")
    photo = segno.make(person_card_text(hang), error="q").png_data_uri(scale=8)
    import base64

    png = base64.b64decode(photo.split(",", 1)[1])
    card = SimpleUploadedFile("the.png", png, content_type="image/png")
    response = client_as("commune_officer").post(FORM, dose({"number": "", "number_card": card}))
    assert response.status_code == 302 and Dose.objects.filter(person=hang).count() == 3


def test_the_text_of_a_card_from_a_scanner_picks_the_person_and_a_forged_one_is_refused(client_as, world):
    hang = world.person("Nguyễn Thị Hằng", "25966")
    client = client_as("commune_officer")
    assert client.post(FORM, dose({"number": person_card_text(hang)})).status_code == 302
    forged = client.post(FORM, dose({"number": f"PD1:{hang.pk}:chu-ky-gia"}))
    assert "không do hệ thống cấp" in forged.content.decode()


def test_site_staff_find_their_own_site_chosen_and_its_lots_to_choose_from(client, world):
    officer = world.user("commune_officer")
    delivery_record(
        actor=officer, site=site(), product=comirnaty(), doses=5, delivered_on=date(2021, 12, 1), lot="FK5618"
    )
    client.force_login(site_staff())
    page = client.get(FORM).content.decode()
    assert f'<option value="{site().pk}" selected>' in page and '<option value="FK5618">' in page


def test_the_lot_is_chosen_from_the_lots_left_at_the_site(client_as, world):
    officer = world.user("commune_officer")
    delivery_record(
        actor=officer, site=site(), product=comirnaty(), doses=20, delivered_on=date(2021, 12, 1), lot="FK5618"
    )
    delivery_record(
        actor=officer, site=site(), product=comirnaty(), doses=1, delivered_on=date(2021, 12, 1), lot="FK0001"
    )
    thu = world.person("Lý Thị Thu", "25966")
    dose_record(actor=officer, person=thu, product=comirnaty(), given_on=date(2021, 12, 2), site=site(), lot="FK0001")
    client = client_as("commune_officer")
    lots = client.get(f"{FORM}lots/", {"site": site().pk}).content.decode()
    assert '<option value="FK5618">' in lots and "FK0001" not in lots and "còn 20 liều" in lots
    hang = world.person("Nguyễn Thị Hằng", "25966")
    response = client.post(FORM, dose({"number": "074186123456"}, site=site().pk, lot="FK5618"))
    assert response.status_code == 302 and Dose.objects.filter(person=hang, lot="FK5618").exists()


def test_a_lot_not_in_the_sites_stock_is_refused(client_as, world):
    response = client_as("commune_officer").post(FORM, dose({"number": "074186123456"}, site=site().pk, lot="KHONGCO"))
    assert response.status_code == 200 and not Dose.objects.filter(lot="KHONGCO").exists()


def test_another_communes_site_has_no_lots_to_show(client_as, world):
    assert client_as("other_commune").get(f"{FORM}lots/", {"site": site().pk}).status_code == 404
