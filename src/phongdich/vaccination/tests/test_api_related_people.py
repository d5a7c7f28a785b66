"""The vaccination API names the person of a dose and a certificate's holder only inside the caller's
jurisdiction: a holder who moved away is a masked reference, and the certificate's text (which carries their
name and birth date) is left out."""

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
