"""Facility-bound roles see the records that concern their facility, not the register of the ward it stands in."""

from phongdich.accounts.models import User
from phongdich.accounts.roles import Role
from phongdich.accounts.services import role_assign
from phongdich.labs.tests.factories import individual, residents
from phongdich.people.models import Person
from phongdich.places.models import Facility


def visible_names(user) -> list[str]:
    return sorted(Person.objects.visible_to(user).values_list("full_name", flat=True))


def test_a_lab_technician_sees_the_people_whose_samples_reach_the_lab_and_not_the_wards_residents(world, api_as):
    technician = world.user("lab_technician")  # the CDC lab stands in Hiệp Thành
    assert visible_names(technician) == ["Nguyễn Thị Hằng"]  # of Lái Thiêu: her sample is in the lab's pool
    assert not Person.objects.visible_to(technician).filter(unit__path__startswith=world.unit("25741").path)
    hiep_thanh_resident = world.person("Nguyễn Thị Hằng", "25741")
    assert api_as("lab_technician").get(f"/api/v1/persons/{hiep_thanh_resident.pk}").status_code == 404


def test_a_person_with_several_samples_at_the_lab_is_listed_once(world):
    team = world.user("community_team")
    person = residents(team, 1)[0]
    individual(team, person, barcode="LT-TWICE-1")
    individual(team, person, barcode="LT-TWICE-2")
    names = visible_names(world.user("lab_technician"))
    assert names.count(person.full_name) == 1


def test_vaccination_staff_see_the_people_vaccinated_at_their_site_and_not_the_wards_residents(world):
    site = Facility.objects.get(name="Điểm tiêm chủng Phường Lái Thiêu")
    staff = User.objects.create_user(username="tiem.laithieu", password="x")
    role_assign(actor="test", user=staff, role=Role.VACCINATION_STAFF, facility=site)
    assert visible_names(staff) == ["Nguyễn Thị Hằng"]  # vaccinated there on 02/08/2021 and 30/08/2021
    assert not Person.objects.visible_to(staff).filter(full_name="Đỗ Văn Tâm").exists()  # a Lái Thiêu resident


def test_a_facility_role_still_reads_the_names_and_figures_of_its_ward(client, world):
    site = Facility.objects.get(name="Điểm tiêm chủng Phường Lái Thiêu")
    staff = User.objects.create_user(username="tiem.laithieu", password="x")
    role_assign(actor="test", user=staff, role=Role.VACCINATION_STAFF, facility=site)
    client.force_login(staff)
    assert client.get(f"/units/{world.unit('25966').pk}/").status_code == 200
    assert client.get(f"/vaccination/units/{world.unit('25966').pk}/").status_code == 200


def test_a_health_worker_at_a_commune_health_station_works_on_the_wards_residents(world):
    assert "Đỗ Văn Tâm" in visible_names(world.user("health_worker"))


def test_a_health_worker_at_a_hospital_reads_no_ward_register(world):
    hospital = Facility.objects.create(
        name="Bệnh viện Đa khoa tỉnh Bình Dương", kind="hospital", unit=world.unit("25741")
    )
    doctor = User.objects.create_user(username="bs.benhvien", password="x")
    role_assign(actor="test", user=doctor, role=Role.HEALTH_WORKER, facility=hospital)
    assert visible_names(doctor) == []


def test_a_checkpoint_officer_records_check_ins_without_reading_the_register(world):
    from django.utils import timezone

    from phongdich.surveillance.services import checkin_batch_ingest

    officer = User.objects.create_user(username="chotkiem.thuanan", password="x")
    role_assign(actor="test", user=officer, role=Role.CHECKPOINT_OFFICER, unit=world.unit("725"))
    assert visible_names(officer) == []
    item = {
        "client_id": "chot-1",
        "venue_token": world.venue("Chợ Lái Thiêu").qr_token,
        "phone": "0912345678",
        "checked_in_at": timezone.now().isoformat(),
    }
    assert checkin_batch_ingest(actor=officer, items=[item])[0].status == "accepted"
