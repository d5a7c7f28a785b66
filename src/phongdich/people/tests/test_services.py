from datetime import date

import pytest
from django.core.exceptions import ValidationError

from phongdich.core.models import AuditEvent
from phongdich.core.scoping import OutOfScope
from phongdich.people.models import Person, PersonMerge, ResidenceChange
from phongdich.people.services import (
    person_create,
    person_merge,
    person_update,
    residence_change_record,
)


def test_a_commune_officer_registers_a_resident_with_normalised_numbers_and_an_audit_row(world):
    officer = world.user("commune_officer")
    person = person_create(
        actor=officer,
        full_name="  Phạm  Ngọc Lan ",
        birth_date=date(2001, 2, 3),
        sex="female",
        id_number="074 301 000 777",
        phone="0987 654 321",
        unit=world.unit("25966-02"),
    )
    assert person.full_name == "Phạm Ngọc Lan"
    assert person.name_search == "pham ngoc lan"
    assert (person.id_number, person.phone, person.birth_year) == ("074301000777", "+84987654321", 2001)
    event = AuditEvent.objects.get(person_id=person.pk, action="create")
    assert event.actor == officer
    assert event.after["full_name"] == "Phạm Ngọc Lan"
    assert event.unit_path == world.unit("25966-02").path


def test_every_invalid_field_is_reported_at_once_and_nothing_is_written(world):
    count = Person.objects.count()
    with pytest.raises(ValidationError) as error:
        person_create(
            actor=world.user("commune_officer"),
            full_name="X",
            birth_date=date(2999, 1, 1),
            id_number="123",
            phone="12345",
            unit=world.unit("25966-01"),
        )
    assert set(error.value.message_dict) == {"full_name", "birth_date", "id_number", "phone"}
    assert Person.objects.count() == count


def test_a_commune_officer_cannot_register_a_resident_of_another_commune(world):
    with pytest.raises(ValidationError) as error:
        person_create(
            actor=world.user("commune_officer"), full_name="Võ Văn Kiệt", birth_year=1980, unit=world.unit("25741-01")
        )
    assert "nằm ngoài địa bàn của bạn" in error.value.message_dict["unit"][0]


def test_a_person_lives_in_a_commune_or_a_residential_group_not_a_district(world):
    with pytest.raises(ValidationError) as error:
        person_create(
            actor=world.user("province_commander"), full_name="Võ Văn Kiệt", birth_year=1980, unit=world.unit("725")
        )
    assert "unit" in error.value.message_dict


def test_a_man_cannot_be_recorded_as_pregnant(world):
    with pytest.raises(ValidationError) as error:
        person_create(
            actor=world.user("commune_officer"),
            full_name="Võ Văn Kiệt",
            sex="male",
            pregnant=True,
            unit=world.unit("25966"),
        )
    assert "pregnant" in error.value.message_dict


def test_an_update_writes_only_the_changed_fields_to_the_audit_trail(world):
    hang = world.person("Nguyễn Thị Hằng", "25966")
    updated = person_update(
        actor=world.user("commune_officer"), person=hang, phone="0909 000 111", occupation="Giáo viên"
    )
    assert updated.phone == "+84909000111"
    event = AuditEvent.objects.filter(person_id=hang.pk, action="update").latest("id")
    assert event.before == {"phone": "+84912345678", "occupation": ""}
    assert event.after == {"phone": "+84909000111", "occupation": "Giáo viên"}


def test_an_update_that_changes_nothing_writes_no_audit_row(world):
    hang = world.person("Nguyễn Thị Hằng", "25966")
    before = AuditEvent.objects.count()
    person_update(actor=world.user("commune_officer"), person=hang, phone="+84912345678")
    assert AuditEvent.objects.count() == before


def test_a_commune_officer_cannot_move_a_resident_out_of_their_commune(world):
    hang = world.person("Nguyễn Thị Hằng", "25966")
    with pytest.raises(ValidationError) as error:
        person_update(actor=world.user("commune_officer"), person=hang, unit=world.unit("25741-01"))
    assert "nằm ngoài địa bàn của bạn" in error.value.message_dict["unit"][0]
    hang.refresh_from_db()
    assert hang.unit == world.unit("25966-01")


def test_an_update_of_a_person_moved_out_of_scope_meanwhile_is_refused(world):
    hang = world.person("Nguyễn Thị Hằng", "25966")
    stale_copy = Person.objects.get(pk=hang.pk)
    person_update(actor=world.user("district_officer"), person=hang, unit=world.unit("25963-01"))
    with pytest.raises(OutOfScope):
        person_update(actor=world.user("commune_officer"), person=stale_copy, occupation="Buôn bán")


def test_a_merge_folds_the_duplicate_in_and_keeps_both_histories(world):
    officer = world.user("commune_officer")
    original = world.person("Nguyễn Thị Hằng", "25966")
    duplicate = person_create(
        actor=officer,
        full_name="Nguyen Thi Hang",
        birth_date=date(1986, 3, 14),
        sex="female",
        unit=world.unit("25966-02"),
        occupation="Buôn bán",
    )
    residence_change_record(
        actor=officer,
        person=duplicate,
        kind="arrival_other_province",
        date=date(2021, 6, 1),
        to_unit=world.unit("25966-02"),
        origin="Tỉnh An Giang",
    )
    merge = person_merge(actor=officer, survivor=original, duplicate=duplicate)
    duplicate.refresh_from_db()
    original.refresh_from_db()
    assert duplicate.merged_into == original
    assert original.occupation == "Buôn bán"
    assert merge.filled_fields == ["occupation"]
    assert merge.moved == {"people.residencechange": 1}
    assert ResidenceChange.objects.get(origin="Tỉnh An Giang").person == original
    assert AuditEvent.objects.filter(person_id=duplicate.pk, action="create").exists()
    assert AuditEvent.objects.filter(person_id=duplicate.pk, action="merge").exists()
    assert AuditEvent.objects.filter(person_id=original.pk, action="merge").exists()
    assert PersonMerge.objects.filter(survivor=original, merged=duplicate).exists()


def test_a_person_cannot_be_merged_with_themself_or_across_jurisdictions(world):
    officer = world.user("commune_officer")
    hang = world.person("Nguyễn Thị Hằng", "25966")
    with pytest.raises(ValidationError):
        person_merge(actor=officer, survivor=hang, duplicate=hang)
    with pytest.raises(OutOfScope):
        person_merge(actor=officer, survivor=hang, duplicate=world.person("Nguyễn Thị Hằng", "25741"))


def test_a_community_team_member_may_edit_but_not_merge(world):
    team = world.user("community_team")
    hang = world.person("Nguyễn Thị Hằng", "25966")
    person_update(actor=team, person=hang, address="Số 12, Nguyễn Trãi")
    other = person_create(actor=team, full_name="Nguyễn Thị Hằng", birth_year=1986, unit=world.unit("25966-01"))
    with pytest.raises(OutOfScope):
        person_merge(actor=team, survivor=hang, duplicate=other)


def test_an_arrival_from_another_province_is_recorded_and_moves_the_person(world):
    officer = world.user("district_officer")
    binh = world.person("Trần Văn Bình", "25963")
    change = residence_change_record(
        actor=officer,
        person=binh,
        kind="arrival_other_province",
        date=date(2021, 7, 2),
        to_unit=world.unit("25966-02"),
        origin="Tỉnh Nghệ An",
    )
    binh.refresh_from_db()
    assert binh.unit == world.unit("25966-02")
    assert change.from_unit == world.unit("25963-02")
    assert AuditEvent.objects.filter(person_id=binh.pk, action="update", after__unit_id=binh.unit_id).exists()


def test_a_residence_change_needs_a_destination_inside_the_jurisdiction_and_a_past_date(world):
    officer = world.user("commune_officer")
    hang = world.person("Nguyễn Thị Hằng", "25966")
    with pytest.raises(ValidationError) as error:
        residence_change_record(
            actor=officer, person=hang, kind="moved_within", date=date(2999, 1, 1), to_unit=world.unit("25741-01")
        )
    assert set(error.value.message_dict) == {"date", "to_unit"}


def test_a_household_is_registered_in_the_officers_residential_group_with_an_audit_row(world):
    from phongdich.people.services import household_create

    household = household_create(
        actor=world.user("community_team"), unit=world.unit("25966-01"), address="Số 5, Nguyễn Trãi"
    )
    assert household.code.startswith("25966-01-")
    assert AuditEvent.objects.filter(
        action="create", object_type="people.household", object_id=str(household.pk)
    ).exists()
    with pytest.raises(ValidationError):
        household_create(actor=world.user("community_team"), unit=world.unit("25966-02"))
