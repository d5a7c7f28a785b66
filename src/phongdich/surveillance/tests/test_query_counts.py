"""The case and contact API lists cost the same few queries with a few rows and with more."""

from datetime import timedelta

from django.utils import timezone

from phongdich.people.services import person_create
from phongdich.surveillance.choices import ContactKind, DetectionSetting
from phongdich.surveillance.services import case_confirm, contact_record

NAMES = ["Nguyễn Văn Hải", "Trần Thị Mỹ", "Lê Văn Toàn"]


def residents(world, names=NAMES):
    officer = world.user("commune_officer")
    return [
        person_create(actor=officer, full_name=name, birth_year=1985, unit=world.unit("25966-02")) for name in names
    ]


def test_the_case_api_list_costs_the_same_queries_however_many_cases(api_as, world, queries_do_not_grow):
    def add_cases():
        for person in residents(world):
            case_confirm(
                actor=world.user("commune_officer"),
                person=person,
                confirmed_at=timezone.now() - timedelta(hours=3),
                confirmation_test="rt_pcr",
                detection_setting=DetectionSetting.COMMUNITY,
            )

    client = api_as("commune_officer")
    before, after = queries_do_not_grow(2, lambda: client.get("/api/v1/cases").json(), add_cases)
    assert len(after["items"]) == len(before["items"]) + len(NAMES)


def test_the_contact_api_list_costs_the_same_queries_however_many_contacts(api_as, world, queries_do_not_grow):
    tam = world.person("Đỗ Văn Tâm", "25966")

    def add_contacts():
        for person in residents(world):
            contact_record(
                actor=world.user("commune_officer"),
                person=person,
                other=tam,
                kind=ContactKind.WORKPLACE,
                first_at=timezone.now() - timedelta(hours=20),
            )

    client = api_as("commune_officer")
    before, after = queries_do_not_grow(2, lambda: client.get("/api/v1/contacts").json(), add_contacts)
    assert len(after["items"]) == len(before["items"]) + len(NAMES)
