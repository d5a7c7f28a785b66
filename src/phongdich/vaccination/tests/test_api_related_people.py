"""The vaccination API and the certificate's page name the person of a dose and a certificate's holder only
inside the caller's jurisdiction: a holder who moved away is a masked reference, and the certificate's text, card
and code (which carry their name and birth date) are left out."""

from phongdich.people.models import Person
from phongdich.vaccination.models import Certificate, Dose

MASKED = "ngoài địa bàn của bạn"
HANG_FIELDS = ("Nguyễn Thị Hằng", "1986-03-14", "074186123456", "HC1:")


def hang_moved_away(world) -> Person:
    """Nguyễn Thị Hằng, vaccinated in Lái Thiêu, has moved to Hiệp Thành since."""
    hang = world.person("Nguyễn Thị Hằng", "25966")
    Person.objects.filter(pk=hang.pk).update(unit=world.unit("25741-01"))
    return hang


def test_doses_of_a_person_who_moved_away_are_masked_for_the_commune_and_named_for_the_province(api_as, world):
    hang = hang_moved_away(world)
    doses = set(Dose.objects.filter(person=hang).values_list("pk", flat=True))
    listed = api_as("commune_officer").get("/api/v1/vaccination/doses")
    names = {item["person_name"] for item in listed.json()["items"] if item["id"] in doses}
    assert names == {f"người #{hang.pk}, {MASKED}"}
    assert not any(field in listed.content.decode() for field in HANG_FIELDS)
    rows = api_as("province_commander").get("/api/v1/vaccination/doses").json()["items"]
    assert {item["person_name"] for item in rows if item["id"] in doses} == {"Nguyễn Thị Hằng"}


def test_a_certificate_whose_holder_moved_away_gives_neither_their_name_nor_its_text(api_as, world):
    hang = hang_moved_away(world)
    certificate = Certificate.objects.get(person=hang)
    response = api_as("commune_officer").get(f"/api/v1/vaccination/certificates/{certificate.pk}")
    assert response.status_code == 200
    assert response.json()["person_name"] == f"người #{hang.pk}, {MASKED}" and response.json()["text"] == ""
    assert not any(field in response.content.decode() for field in HANG_FIELDS)
    named = api_as("province_commander").get(f"/api/v1/vaccination/certificates/{certificate.pk}").json()
    assert named["person_name"] == "Nguyễn Thị Hằng" and named["text"].startswith("HC1:")


def test_the_certificate_page_masks_a_holder_who_moved_away_and_offers_no_card_or_code(client_as, world):
    hang = hang_moved_away(world)
    certificate = Certificate.objects.get(person=hang)
    client = client_as("commune_officer")
    page = client.get(f"/vaccination/certificates/{certificate.pk}/").content.decode()
    assert f"người #{hang.pk}, {MASKED}" in page and "Nguyễn Thị Hằng" not in page
    assert "card.pdf" not in page and f"/certificates/{certificate.pk}/qr." not in page  # no card, no QR picture
    assert client.get(f"/vaccination/certificates/{certificate.pk}/card.pdf").status_code == 404
    assert client.get(f"/vaccination/certificates/{certificate.pk}/qr.png").status_code == 404
    commander = client_as("province_commander")
    assert "Nguyễn Thị Hằng" in commander.get(f"/vaccination/certificates/{certificate.pk}/").content.decode()
    assert commander.get(f"/vaccination/certificates/{certificate.pk}/card.pdf").status_code == 200
