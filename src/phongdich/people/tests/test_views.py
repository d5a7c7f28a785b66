import csv
import io

import pytest

from phongdich.core.models import AuditEvent


def test_the_person_list_shows_only_residents_in_the_officers_commune(client_as):
    response = client_as("commune_officer").get("/persons/", {"q": "nguyen thi hang"})
    assert response.status_code == 200
    assert [p.unit.parent.code for p in response.context["table"].data.data] == ["25966"]


def test_a_district_officer_sees_its_communes_and_the_province_sees_all(client_as):
    district = client_as("district_officer").get("/persons/").context["table"].data.data
    assert {p.unit.parent.code for p in district} == {"25966", "25963"}
    province = client_as("province_commander").get("/persons/").context["table"].data.data
    assert {p.unit.parent.code for p in province} == {"25966", "25963", "25741"}


def test_the_person_list_costs_a_fixed_number_of_queries(client_as, django_assert_max_num_queries, world):
    from datetime import date

    from phongdich.people.services import person_create

    officer = world.user("commune_officer")
    for i in range(30):
        person_create(
            actor=officer,
            full_name=f"Đỗ Văn Khoa {i}",
            birth_date=date(1990, 1, 1 + i % 28),
            unit=world.unit("25966-01"),
        )
    client = client_as("province_commander")
    with django_assert_max_num_queries(12):
        response = client.get("/persons/")
    assert len(response.context["table"].page.object_list) == 25


def test_opening_a_person_is_audited_as_a_read(client_as, world):
    hang = world.person("Nguyễn Thị Hằng", "25966")
    response = client_as("commune_officer").get(f"/persons/{hang.pk}/")
    assert response.status_code == 200
    assert "074186123456" in response.content.decode()
    read = AuditEvent.objects.filter(person_id=hang.pk, action="read").latest("id")
    assert read.actor == world.user("commune_officer")


def test_a_person_in_another_commune_is_not_found(client_as, world):
    other = world.person("Nguyễn Thị Hằng", "25741")
    client = client_as("commune_officer")
    for url in (f"/persons/{other.pk}/", f"/persons/{other.pk}/edit/", f"/persons/{other.pk}/move/"):
        assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(person_id=other.pk, action="read").exists()


def test_an_edit_through_the_form_is_saved_and_shown_in_the_history(client_as, world):
    hang = world.person("Nguyễn Thị Hằng", "25966")
    client = client_as("commune_officer")
    form = client.get(f"/persons/{hang.pk}/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(unit=hang.unit_id, occupation="Tiểu thương", birth_date="1986-03-14")
    data.pop("workplace", None)
    response = client.post(f"/persons/{hang.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    page = client.get(f"/persons/{hang.pk}/").content.decode()
    assert "Tiểu thương" in page
    assert AuditEvent.objects.filter(person_id=hang.pk, action="update", after__occupation="Tiểu thương").exists()


def test_a_form_error_from_the_service_is_shown_on_the_field(client_as, world):
    hang = world.person("Nguyễn Thị Hằng", "25966")
    client = client_as("commune_officer")
    response = client.post(
        f"/persons/{hang.pk}/edit/",
        {"full_name": hang.full_name, "sex": "female", "unit": hang.unit_id, "id_number": "0741861234"},
    )
    assert response.status_code == 200
    assert "CCCD có 12 chữ số" in str(response.context["form"].errors["id_number"])


def test_registering_a_person_through_the_form(client_as, world):
    client = client_as("health_worker")
    response = client.post(
        "/persons/new/",
        {
            "full_name": "Huỳnh Tấn Phát",
            "birth_year": 1965,
            "sex": "male",
            "unit": world.unit("25966-02").pk,
            "phone": "0908 111 222",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="create", object_repr="Huỳnh Tấn Phát").exists()


def test_the_export_is_scoped_and_audited(client_as, world):
    client = client_as("commune_officer")
    response = client.get("/persons/export.csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    names = sorted(row[1] for row in rows[1:])
    assert names == ["Lý Thị Thu", "Nguyễn Thị Hằng", "Phan Văn Lộc", "Đỗ Văn Tâm"]  # Lái Thiêu's residents only
    assert all(row[7].startswith("25966-0") for row in rows[1:])
    event = AuditEvent.objects.filter(action="export").latest("id")
    assert event.detail["rows"] == 4 and event.actor == world.user("commune_officer")


def test_the_export_reads_in_vietnamese_with_labels_instead_of_codes(client_as, world):
    response = client_as("commune_officer").get("/persons/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, hang = rows[0], next(row for row in rows if row[1] == "Nguyễn Thị Hằng")
    assert header[:6] == ["Mã người dân", "Họ và tên", "Ngày sinh", "Năm sinh", "Giới tính", "CCCD / CMND"]
    assert hang[2] == "14/03/1986" and hang[4] == "Nữ" and hang[-2:] == ["Không", "Không"]


def test_merging_from_the_duplicates_page(client_as, world):
    from datetime import date

    from phongdich.people.services import person_create

    officer = world.user("commune_officer")
    hang = world.person("Nguyễn Thị Hằng", "25966")
    copy = person_create(
        actor=officer, full_name="Nguyen Thi Hang", birth_date=date(1986, 3, 14), unit=world.unit("25966-02")
    )
    client = client_as("commune_officer")
    assert "Nguyen Thi Hang" in client.get("/persons/duplicates/").content.decode()
    response = client.post(f"/persons/{hang.pk}/merge/", {"duplicate": copy.pk})
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.merged_into_id == hang.pk


@pytest.mark.parametrize("persona", ["analyst", "outsider"])
def test_people_pages_are_refused_to_roles_without_access_to_persons(client_as, persona):
    client = client_as(persona)
    for url in ("/persons/", "/persons/new/", "/persons/duplicates/", "/persons/export.csv"):
        assert client.get(url).status_code == 403, url


def test_an_enterprise_representative_sees_only_the_enterprises_workers(client_as, world):
    data = client_as("enterprise_rep").get("/persons/").context["table"].data.data
    assert [p.full_name for p in data] == ["Lê Hoàng Phúc"]


def test_the_extra_filters_open_when_one_of_them_is_used(client_as):
    client = client_as("commune_officer")
    assert client.get("/persons/", {"q": "hang"}).context["more_filters_used"] is False
    assert client.get("/persons/", {"q": "hang", "sex": "female"}).context["more_filters_used"] is True
