import pytest

from phongdich.people.models import Person
from phongdich.people.selectors import duplicate_candidates, person_search


def names(queryset):
    return sorted(
        (p.full_name, p.unit.parent.code if p.unit.parent.level == "commune" else p.unit.code)
        for p in queryset.select_related("unit__parent")
    )


@pytest.mark.parametrize("text", ["Nguyễn Thị Hằng", "nguyen thi hang", "NGUYEN THI", "Hằng", "thi hang", "Thị H"])
def test_a_name_is_found_with_or_without_diacritics_from_any_of_its_words(world, text):
    found = person_search(Person.objects.visible_to(world.user("province_commander")), text)
    assert names(found) == [("Nguyễn Thị Hằng", "25741"), ("Nguyễn Thị Hằng", "25966")]


def test_a_commune_officer_only_finds_residents_of_their_commune(world):
    found = person_search(Person.objects.visible_to(world.user("commune_officer")), "nguyen thi hang")
    assert names(found) == [("Nguyễn Thị Hằng", "25966")]


def commune_search(user, text: str):
    return person_search(Person.objects.visible_to(user), text, user=user)


def test_a_commune_officers_name_search_checks_their_commune_in_the_search_index(world):
    officer = world.user("commune_officer")
    query = commune_search(officer, "hang").values("id")[:25]
    assert [row["id"] for row in query] == [world.person("Nguyễn Thị Hằng", "25966").pk]
    sql, _params = query.query.sql_with_params()
    assert '"people_personsearchkey"."unit_id" IN' in sql  # (on a large table, read from the key index)


def test_a_resident_who_moves_is_found_by_name_in_the_new_commune_and_no_longer_in_the_old_one(world):
    from datetime import date

    from phongdich.people.services import residence_change_record

    binh = world.person("Trần Văn Bình", "25963")
    officer, district = world.user("commune_officer"), world.user("district_officer")
    assert not commune_search(officer, "tran van binh").exists()
    residence_change_record(
        actor=district, person=binh, kind="moved_within", date=date(2021, 7, 2), to_unit=world.unit("25966-02")
    )
    assert [p.pk for p in commune_search(officer, "tran van binh")] == [binh.pk]
    assert [p.pk for p in commune_search(district, "Bình")] == [binh.pk]


def test_an_enterprise_representative_finds_their_workers_by_name(world):
    rep = world.user("enterprise_rep")
    workers = Person.objects.visible_to(rep)
    assert workers.exists()
    worker = workers.first()
    assert worker in commune_search(rep, worker.full_name)


def test_a_cccd_or_a_phone_number_finds_the_exact_person(world):
    everyone = Person.objects.visible_to(world.user("province_commander"))
    assert [p.full_name for p in person_search(everyone, "074186123456")] == ["Nguyễn Thị Hằng"]
    assert [p.birth_year for p in person_search(everyone, "0912 345 678")] == [1986]


def test_wildcards_in_the_search_text_match_literally(world):
    everyone = Person.objects.visible_to(world.user("province_commander"))
    assert not person_search(everyone, "%").exists()
    assert not person_search(everyone, "nguyen_thi").exists()


def test_name_search_uses_an_index(world):
    from django.db import connection

    query = person_search(Person.objects.all(), "nguyen thi hang").order_by("name_search")[:25]
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # the test table is tiny; ask what it would use
        cursor.execute("EXPLAIN " + ("QUERY PLAN " if connection.vendor == "sqlite" else "") + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "INDEX" in plan.upper()
    assert "SCAN people_person " not in plan and "Seq Scan" not in plan


def test_duplicate_candidates_share_a_cccd_or_a_name_birth_date_and_commune(world):
    from datetime import date

    from phongdich.people.services import person_create

    officer = world.user("commune_officer")
    person_create(
        actor=officer,
        full_name="Nguyen Thi Hang",
        birth_date=date(1986, 3, 14),
        sex="female",
        unit=world.unit("25966-02"),
    )
    person_create(
        actor=officer,
        full_name="Nguyễn T. Hằng",
        birth_date=date(1986, 3, 14),
        sex="female",
        id_number="074186123456",
        unit=world.unit("25966"),
    )
    groups = duplicate_candidates(officer)
    reasons = sorted(g.reason for g in groups)
    assert reasons == ["same_id_number", "same_name_birth_commune"]
    assert all(len(g.persons) == 2 for g in groups)
    assert duplicate_candidates(world.user("other_commune")) == []
