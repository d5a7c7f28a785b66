"""The API names a person a record names in passing (a contact's other party, an F-level's source, a case's
person who moved away, a check-in's person, an exposure) only inside the caller's jurisdiction: outside it, the
pages' masked reference and none of that person's fields, in one query for the names whatever the rows."""

from datetime import timedelta

from django.utils import timezone

from phongdich.people.models import Person
from phongdich.surveillance.choices import ContactKind
from phongdich.surveillance.models import Case, CheckIn, TracingState, TracingTask
from phongdich.surveillance.services import contact_record
from phongdich.surveillance.tests.test_related_people import a_hiep_thanh_case, lai_thieu_contacts_of

MASKED = "ngoài địa bàn của bạn"
PHUC_FIELDS = ("Lê Hoàng Phúc", "1998-11-20")  # his name and birth date


def masked(person) -> str:
    return f"người #{person.pk}, {MASKED}"


def moved_to_hiep_thanh(person, world):
    """The person has moved to Hiệp Thành since their Lái Thiêu records were made."""
    Person.objects.filter(pk=person.pk).update(unit=world.unit("25741-01"))


def test_a_commune_officer_gets_a_masked_other_party_for_a_contact_outside_the_commune(api_as, world):
    tam, phuc = world.person("Đỗ Văn Tâm", "25966"), world.person("Lê Hoàng Phúc", "25741")
    contact_record(
        actor="test", person=tam, other=phuc, kind=ContactKind.HOUSEHOLD, first_at=timezone.now() - timedelta(days=1)
    )
    response = api_as("commune_officer").get("/api/v1/contacts")
    [row] = [item for item in response.json()["items"] if phuc.pk in (item["person_id"], item["other_id"])]
    assert {row["person_name"], row["other_name"]} == {"Đỗ Văn Tâm", masked(phuc)}
    assert not any(field in response.content.decode() for field in PHUC_FIELDS)
    rows = api_as("province_commander").get("/api/v1/contacts").json()["items"]
    [row] = [item for item in rows if phuc.pk in (item["person_id"], item["other_id"])]
    assert {row["person_name"], row["other_name"]} == {"Đỗ Văn Tâm", "Lê Hoàng Phúc"}


def test_a_reviewed_contact_masks_its_other_party_outside_the_commune(api_as, world):
    tam, phuc = world.person("Đỗ Văn Tâm", "25966"), world.person("Lê Hoàng Phúc", "25741")
    contact, _ = contact_record(
        actor="test", person=tam, other=phuc, kind=ContactKind.HOUSEHOLD, first_at=timezone.now() - timedelta(days=1)
    )
    review = f"/api/v1/contacts/{contact.pk}/review"
    response = api_as("commune_officer").post(review, {"confirm": True}, content_type="application/json")
    assert response.status_code == 200
    assert masked(phuc) in (response.json()["person_name"], response.json()["other_name"])
    assert "Lê Hoàng Phúc" not in response.content.decode()


def test_the_f_level_api_masks_the_source_outside_the_commune_in_queries_that_do_not_grow(
    api_as, world, queries_do_not_grow
):
    phuc = a_hiep_thanh_case(world)
    [nam] = lai_thieu_contacts_of(phuc, world, ["Trịnh Văn Nam"])
    client = api_as("commune_officer")

    def levels():
        return client.get("/api/v1/tracing/levels?limit=100")

    before, after = queries_do_not_grow(
        3, levels, lambda: lai_thieu_contacts_of(phuc, world, ["Mai Thị Lan", "Hồ Văn Sơn", "Đặng Thị Mỹ"])
    )
    [row] = [item for item in before.json()["items"] if item["person_id"] == nam.pk]
    assert row["person_name"] == "Trịnh Văn Nam" and row["via_id"] == phuc.pk and row["via_name"] == masked(phuc)
    assert len(after.json()["items"]) == len(before.json()["items"]) + 3
    assert not any(field in after.content.decode() for field in PHUC_FIELDS)
    rows = api_as("province_commander").get("/api/v1/tracing/levels?limit=100").json()["items"]
    assert [item["via_name"] for item in rows if item["person_id"] == nam.pk] == ["Lê Hoàng Phúc"]


def test_a_case_whose_person_moved_away_names_them_only_for_who_may_see_them(api_as, world):
    tam = world.person("Đỗ Văn Tâm", "25966")
    case = Case.objects.get(person=tam)
    moved_to_hiep_thanh(tam, world)
    client = api_as("commune_officer")
    assert client.get(f"/api/v1/cases/{case.pk}").json()["person_name"] == masked(tam)
    rows = client.get("/api/v1/cases").json()["items"]
    assert [item["person_name"] for item in rows if item["id"] == case.pk] == [masked(tam)]
    assert api_as("province_commander").get(f"/api/v1/cases/{case.pk}").json()["person_name"] == "Đỗ Văn Tâm"


def test_a_task_whose_person_moved_away_names_them_only_for_who_may_see_them(api_as, world):
    thu = world.person("Lý Thị Thu", "25966")
    task = TracingTask.objects.get(person=thu)
    moved_to_hiep_thanh(thu, world)
    rows = api_as("commune_officer").get("/api/v1/tracing/tasks").json()["items"]
    assert [item["person_name"] for item in rows if item["id"] == task.pk] == [masked(thu)]
    rows = api_as("province_commander").get("/api/v1/tracing/tasks").json()["items"]
    assert [item["person_name"] for item in rows if item["id"] == task.pk] == ["Lý Thị Thu"]


def test_the_task_and_level_queries_do_not_grow_with_the_rows(api_as, world, queries_do_not_grow):
    phuc = a_hiep_thanh_case(world)
    client = api_as("commune_officer")
    before, after = queries_do_not_grow(
        3,
        lambda: client.get("/api/v1/tracing/tasks?limit=100").json(),
        lambda: lai_thieu_contacts_of(phuc, world, ["Mai Thị Lan", "Hồ Văn Sơn", "Đặng Thị Mỹ"]),
    )
    assert len(after["items"]) > len(before["items"])
    assert TracingState.objects.filter(via=phuc).count() == 3


def test_a_check_in_at_a_venue_of_the_commune_masks_a_visitor_from_elsewhere(api_as, world, queries_do_not_grow):
    market, phuc = world.venue("Chợ Lái Thiêu"), world.person("Lê Hoàng Phúc", "25741")
    visitors = [phuc, world.person("Nguyễn Thị Hằng", "25741"), world.person("Đỗ Văn Tâm", "25966")]

    def check_in(n):
        return CheckIn.objects.create(
            client_id=f"ct-{n}", venue=market, unit=market.unit, person=visitors[n % 3], checked_in_at=timezone.now()
        )

    check_in(0)
    client = api_as("commune_officer")
    before, after = queries_do_not_grow(
        3, lambda: client.get("/api/v1/checkins").json(), lambda: [check_in(n) for n in range(1, 7)]
    )
    assert [item["person_name"] for item in before["items"]] == [masked(phuc)]
    assert len(after["items"]) == 7 and "Đỗ Văn Tâm" in {item["person_name"] for item in after["items"]}
    assert not any(field in str(after) for field in PHUC_FIELDS)
    rows = api_as("province_commander").get("/api/v1/checkins").json()["items"]
    assert "Lê Hoàng Phúc" in {item["person_name"] for item in rows}


def test_exposures_of_a_case_mask_a_visitor_from_outside_the_commune(api_as, world):
    tam, phuc = world.person("Đỗ Văn Tâm", "25966"), world.person("Lê Hoàng Phúc", "25741")
    market = world.venue("Chợ Lái Thiêu")
    case = Case.objects.get(person=tam)
    at = case.confirmed_at - timedelta(hours=20)
    for client_id, person in (("ex-tam", tam), ("ex-phuc", phuc)):
        CheckIn.objects.create(client_id=client_id, venue=market, unit=market.unit, person=person, checked_in_at=at)
    exposures = api_as("commune_officer").get(f"/api/v1/cases/{case.pk}/exposures")
    assert [item["person_name"] for item in exposures.json()] == [masked(phuc)]
    assert "Lê Hoàng Phúc" not in exposures.content.decode()
    exposures = api_as("province_commander").get(f"/api/v1/cases/{case.pk}/exposures").json()
    assert [item["person_name"] for item in exposures] == ["Lê Hoàng Phúc"]
