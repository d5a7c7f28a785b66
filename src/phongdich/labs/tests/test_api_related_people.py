"""The testing API and the printed walking list name the person of a sample, a pool's members, the people to
sample again and a household's members only inside the caller's jurisdiction: a person who moved away since is a
masked reference, with none of their fields."""

from datetime import timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from phongdich.labs.choices import Result
from phongdich.labs.models import Pool, ResampleTask, Sample
from phongdich.labs.services import Reading, pool_result_record
from phongdich.people.models import Person
from phongdich.people.services import household_create, person_update

from .factories import pooled, residents
from .test_views import a_round_today_in_lai_thieu

MASKED = "ngoài địa bàn của bạn"
HANG_FIELDS = ("Nguyễn Thị Hằng", "1986-03-14", "074186123456", "0912345678")
_pools = count(1)


def masked(person) -> str:
    return f"người #{person.pk}, {MASKED}"


def hang_moved_away(world) -> Person:
    """Nguyễn Thị Hằng, sampled in Lái Thiêu's round, has moved to Hiệp Thành since."""
    hang = world.person("Nguyễn Thị Hằng", "25966")
    Person.objects.filter(pk=hang.pk).update(unit=world.unit("25741-01"))
    return hang


def test_a_sample_whose_person_moved_away_is_masked_for_the_commune_and_named_for_the_province(api_as, world):
    hang = hang_moved_away(world)
    sample = Sample.objects.get(person=hang)
    client = api_as("commune_officer")
    listed = client.get("/api/v1/testing/samples")
    assert [item["person_name"] for item in listed.json()["items"] if item["id"] == sample.pk] == [masked(hang)]
    read = client.get(f"/api/v1/testing/samples/{sample.pk}")
    assert read.json()["person_name"] == masked(hang)
    assert not any(field in listed.content.decode() + read.content.decode() for field in HANG_FIELDS)
    named = api_as("province_commander").get(f"/api/v1/testing/samples/{sample.pk}").json()
    assert named["person_name"] == "Nguyễn Thị Hằng"


def test_a_pools_members_are_named_only_inside_the_commune_in_queries_that_do_not_grow(
    api_as, world, queries_do_not_grow
):
    hang = hang_moved_away(world)
    pool = Pool.objects.get(barcode="LT-POOL-0001")
    officer = world.user("commune_officer")
    client = api_as("commune_officer")

    def add_members():
        Sample.objects.filter(pool__barcode="LT-QC-MEMBERS").update(pool=pool)

    pooled(officer, residents(officer, 4), barcode="LT-QC-MEMBERS", receive=False)
    before, after = queries_do_not_grow(8, lambda: client.get(f"/api/v1/testing/pools/{pool.pk}").json(), add_members)
    assert [m["person_name"] for m in before["members"]] == [masked(hang)]
    assert len(after["members"]) == 5 and masked(hang) in [m["person_name"] for m in after["members"]]
    assert not any(field in str(after) for field in HANG_FIELDS)
    members = api_as("province_commander").get(f"/api/v1/testing/pools/{pool.pk}").json()["members"]
    assert "Nguyễn Thị Hằng" in [m["person_name"] for m in members]


def test_people_to_sample_again_who_moved_away_are_masked_in_queries_that_do_not_grow(
    api_as, world, queries_do_not_grow
):
    officer, technician = world.user("commune_officer"), world.user("lab_technician")

    def positive_pool():
        pool = pooled(officer, residents(officer, 4), barcode=f"LT-RS-{next(_pools):04d}")
        reading = Reading(Result.POSITIVE, timezone.now() - timedelta(hours=1), ct_n=Decimal("24.5"))
        pool_result_record(actor=technician, pool=pool, reading=reading)

    positive_pool()
    moved = ResampleTask.objects.order_by("id").first().person
    Person.objects.filter(pk=moved.pk).update(unit=world.unit("25741-01"))
    client = api_as("commune_officer")
    before, after = queries_do_not_grow(2, lambda: client.get("/api/v1/testing/resample-tasks").json(), positive_pool)
    names = {item["person_id"]: item["person_name"] for item in after["items"]}
    assert len(after["items"]) == len(before["items"]) + 4 and names[moved.pk] == masked(moved)
    assert moved.full_name not in [name for pk, name in names.items() if pk == moved.pk]
    rows = api_as("province_commander").get("/api/v1/testing/resample-tasks").json()["items"]
    assert {item["person_name"] for item in rows if item["person_id"] == moved.pk} == {moved.full_name}


def test_a_printed_walking_list_masks_a_household_member_registered_outside_the_commune(client_as, world):
    officer = world.user("district_officer")
    testing_round = a_round_today_in_lai_thieu(officer, "Đợt 2 Lái Thiêu")
    household = household_create(actor=officer, unit=world.unit("25966-02"), address="12 Nguyễn Trãi")
    staying, leaving = residents(officer, 2, group="25966-02")
    for member in (staying, leaving):
        person_update(actor=officer, person=member, household=household)
    Person.objects.filter(pk=leaving.pk).update(unit=world.unit("25741-01"), phone="0987654321")
    walking = f"/testing/rounds/{testing_round.pk}/groups/{world.unit('25966-02').pk}/"
    page = client_as("commune_officer").get(walking).content.decode()
    assert staying.full_name in page and masked(leaving) in page and "0987654321" not in page
    assert "0987654321" in client_as("province_commander").get(walking).content.decode()
