"""Community COVID teams of a residential group (households of their own group only, a warning outside the norm)
and the workforce with its training courses; pages and endpoints, scoped and audited."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from phongdich.care.stations.choices import StaffKind, StaffOrigin, TeamRole
from phongdich.care.stations.models import CommunityTeam, StaffMember
from phongdich.care.stations.selectors import recovered_f0_trained, workforce_counts
from phongdich.care.stations.services import (
    MemberData,
    StaffData,
    attendance_set,
    course_add,
    staff_add,
    team_save,
)
from phongdich.core import clock
from phongdich.core.models import AuditEvent
from phongdich.people.models import Household
from phongdich.places.models import Facility

MEMBERS = [
    MemberData(full_name="Trần Thị Mai", phone="0908123456", role=TeamRole.LEADER),
    MemberData(full_name="Võ Văn Hùng", phone="0913456789"),
    MemberData(full_name="Đặng Thị Thu Hà", phone="0977654321"),
]


def households(world, group_code: str, n: int) -> list[Household]:
    group = world.unit(group_code)
    return [Household.objects.create(code=f"HK-{group_code}-{i:03d}", unit=group) for i in range(n)]


def a_team(world, n_households: int = 32) -> CommunityTeam:
    return team_save(
        actor="test",
        group=world.unit("25966-01"),
        name="Tổ COVID cộng đồng số 1",
        members=MEMBERS,
        households=households(world, "25966-01", n_households),
    )


def test_a_household_of_another_group_is_refused_with_a_vietnamese_error_and_nothing_changes(world):
    foreign = households(world, "25966-02", 1)
    with pytest.raises(ValidationError) as refused:
        team_save(actor="test", group=world.unit("25966-01"), name="Tổ 1", members=MEMBERS, households=foreign)
    assert "households" in refused.value.message_dict
    assert not CommunityTeam.objects.filter(name="Tổ 1").exists()


def test_the_commune_officer_forms_a_team_and_sees_a_warning_when_it_is_too_small(client_as, world):
    covered = households(world, "25966-01", 12)
    response = client_as("commune_officer").post(
        f"/care/stations/teams/new/{world.unit('25966-01').pk}/",
        {
            "name": "Tổ COVID cộng đồng số 2",
            "households": [h.pk for h in covered],
            "members-TOTAL_FORMS": 2,
            "members-INITIAL_FORMS": 0,
            "members-0-full_name": "Lê Thị Hồng",
            "members-0-phone": "0903111222",
            "members-0-role": "leader",
            "members-1-full_name": "Phạm Văn Tài",
            "members-1-role": "member",
        },
        follow=True,
    )
    page = response.content.decode()
    team = CommunityTeam.objects.get(name="Tổ COVID cộng đồng số 2")
    assert team.households.count() == 12 and team.members.count() == 2
    assert "Tổ chỉ có 2 thành viên: mỗi tổ nên có từ 3 đến 5 thành viên." in page
    assert "Tổ chỉ phụ trách 12 hộ: mỗi tổ nên phụ trách từ 30 đến 50 hộ." in page
    assert AuditEvent.objects.filter(object_type="care.communityteam", unit_path=world.unit("25966-01").path).exists()


def test_a_foreign_household_in_the_form_is_refused_and_the_team_is_not_saved(client_as, world):
    foreign = households(world, "25966-02", 1)[0]
    response = client_as("commune_officer").post(
        f"/care/stations/teams/new/{world.unit('25966-01').pk}/",
        {"name": "Tổ 9", "households": [foreign.pk], "members-TOTAL_FORMS": 0, "members-INITIAL_FORMS": 0},
    )
    assert response.status_code == 200 and not CommunityTeam.objects.filter(name="Tổ 9").exists()


def test_the_commune_page_shows_members_to_the_team_but_not_to_the_analyst(client_as, world):
    a_team(world)
    url = f"/care/stations/teams/commune/{world.unit('25966').pk}/"
    assert "Trần Thị Mai" in client_as("community_team").get(url).content.decode()
    analyst_page = client_as("analyst").get(url).content.decode()
    assert "Tổ COVID cộng đồng số 1" in analyst_page and "Trần Thị Mai" not in analyst_page
    assert "0908123456" not in analyst_page


def test_another_communes_officer_gets_404_for_the_commune_and_its_groups(client_as, world):
    team = a_team(world)
    client = client_as("other_commune")
    assert client.get(f"/care/stations/teams/commune/{world.unit('25966').pk}/").status_code == 404
    assert client.get(f"/care/stations/teams/new/{world.unit('25966-01').pk}/").status_code == 404
    assert client.post(f"/care/stations/teams/{team.pk}/", {}).status_code == 404


def test_a_community_team_member_reads_teams_but_cannot_form_one(client_as, world):
    client = client_as("community_team")
    assert client.get("/care/stations/teams/").status_code == 200
    assert client.post(f"/care/stations/teams/new/{world.unit('25966-01').pk}/", {}).status_code == 403


def test_the_teams_overview_reads_every_commune_in_few_queries(client_as, world, queries_do_not_grow):
    client = client_as("province_commander")
    queries_do_not_grow(12, lambda: client.get("/care/stations/teams/"), lambda: a_team(world))


def test_the_teams_api_lists_counts_and_warnings_and_creates_a_team(api_as, world):
    a_team(world, n_households=60)
    api = api_as("commune_officer")
    item = api.get("/api/v1/care/teams").json()["items"][0]
    assert item["member_count"] == 3 and item["household_count"] == 60 and item["warnings"]
    body = {"group_id": world.unit("25966-02").pk, "name": "Tổ 2", "members": [{"full_name": "Ngô Thị Lan"}]}
    assert api.post("/api/v1/care/teams", body, content_type="application/json").status_code == 201
    outside = api_as("other_commune").post(
        "/api/v1/care/teams", body | {"name": "Tổ 3"}, content_type="application/json"
    )
    assert outside.status_code == 422


# Workforce ------------------------------------------------------------------------------------------------------


def station_of_lai_thieu() -> Facility:
    return Facility.objects.get(name="Trạm Y tế Phường Lái Thiêu")


def staff(facility: Facility, name: str, origin: str = StaffOrigin.REGULAR, kind: str = StaffKind.NURSE) -> StaffMember:
    data = StaffData(
        full_name=name, kind=kind, origin=origin, facility=facility, from_on=clock.today() - timedelta(days=30)
    )
    return staff_add(actor="test", data=data)


def test_workforce_counts_by_kind_and_origin_in_one_query(world, django_assert_max_num_queries):
    facility = station_of_lai_thieu()
    staff(facility, "Nguyễn Văn Sơn", kind=StaffKind.DOCTOR, origin=StaffOrigin.RETIREE)
    staff(facility, "Lê Thị Kim", origin=StaffOrigin.RECOVERED_F0)
    staff(facility, "Bùi Thị Nga")
    with django_assert_max_num_queries(1):
        counts = workforce_counts([facility])[facility.pk]
    assert counts.total == 3 and counts.by_kind == {"doctor": 1, "nurse": 2}
    assert counts.by_origin == {"retiree": 1, "recovered_f0": 1, "regular": 1}


def test_a_recovered_f0_who_completed_a_course_counts_as_trained(world):
    volunteer = staff(station_of_lai_thieu(), "Lê Thị Kim", origin=StaffOrigin.RECOVERED_F0)
    course = course_add(
        actor="test",
        title="Đào tạo rút gọn điều dưỡng",
        starts_on=clock.today() - timedelta(days=7),
        ends_on=clock.today() - timedelta(days=1),
        unit=world.unit("74"),
    )
    attendance_set(actor="test", course=course, staff=volunteer, attended=True, completed=True)
    assert recovered_f0_trained(StaffMember.objects.all()) == 1
    with pytest.raises(ValidationError):
        attendance_set(actor="test", course=course, staff=volunteer, attended=False, completed=True)


def test_the_health_worker_sees_their_facilitys_staff_only_and_the_read_is_audited(client_as, world):
    staff(station_of_lai_thieu(), "Lê Thị Kim")
    other = Facility.objects.create(
        name="Trạm Y tế lưu động Lái Thiêu", kind="mobile_station", unit=world.unit("25966")
    )
    staff(other, "Hồ Văn Nam")
    page = client_as("health_worker").get("/care/stations/staff/").content.decode()
    assert "Lê Thị Kim" in page and "Hồ Văn Nam" not in page
    assert AuditEvent.objects.filter(object_type="care.staffmember", action="read").exists()


def test_the_district_officer_adds_a_recalled_retiree(client_as, world):
    response = client_as("district_officer").post(
        "/care/stations/staff/new/",
        {
            "full_name": "Phan Thị Lệ",
            "phone": "0918222333",
            "kind": "nurse",
            "origin": "retiree",
            "facility": station_of_lai_thieu().pk,
            "from_on": clock.today().isoformat(),
        },
    )
    assert response.status_code == 302
    member = StaffMember.objects.get(full_name="Phan Thị Lệ")
    assert AuditEvent.objects.get(object_type="care.staffmember", object_id=str(member.pk)).unit_path == (
        world.unit("25966").path
    )


def test_a_last_day_before_the_first_is_refused_in_vietnamese(client_as, world):
    response = client_as("district_officer").post(
        "/care/stations/staff/new/",
        {
            "full_name": "Phan Thị Lệ",
            "kind": "nurse",
            "origin": "retiree",
            "facility": station_of_lai_thieu().pk,
            "from_on": clock.today().isoformat(),
            "to_on": (clock.today() - timedelta(days=1)).isoformat(),
        },
    )
    assert "Ngày cuối không thể trước ngày đầu" in response.content.decode()
    assert not StaffMember.objects.filter(full_name="Phan Thị Lệ").exists()


@pytest.mark.parametrize("persona", ["analyst", "outsider", "community_team"])
def test_those_without_the_workforce_cannot_open_it(client_as, api_as, persona):
    assert client_as(persona).get("/care/stations/staff/").status_code == 403
    assert client_as(persona).post("/care/stations/staff/new/", {}).status_code == 403
    assert client_as(persona).get("/care/stations/courses/").status_code == 403
    assert api_as(persona).get("/api/v1/care/staff").status_code == 403


def test_another_districts_staff_answers_404(client_as, world):
    member = staff(Facility.objects.get(name="Phòng xét nghiệm CDC Bình Dương"), "Đinh Văn Lâm")
    assert client_as("district_officer").get(f"/care/stations/staff/{member.pk}/").status_code == 404


def test_the_staff_api_creates_a_recovered_f0_volunteer_linked_to_the_person(api_as, world):
    person = world.person("Đỗ Văn Tâm", "25966")
    body = {
        "full_name": "Đỗ Văn Tâm",
        "kind": "volunteer",
        "origin": "recovered_f0",
        "facility_id": station_of_lai_thieu().pk,
        "from_on": str(clock.today()),
        "person_id": person.pk,
    }
    api = api_as("district_officer")
    response = api.post("/api/v1/care/staff", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["person_id"] == person.pk
    assert (
        api_as("commune_officer").post("/api/v1/care/staff", body, content_type="application/json").status_code == 403
    )


def test_the_staff_list_costs_the_same_queries_with_more_staff(client_as, world, queries_do_not_grow):
    client = client_as("district_officer")
    facility = station_of_lai_thieu()
    staff(facility, "Nguyễn Thị Bé")
    queries_do_not_grow(
        14,
        lambda: client.get("/care/stations/staff/"),
        lambda: [staff(facility, f"Nhân viên {i}") for i in range(3)],
    )


def test_attendance_is_recorded_on_the_course_page(client_as, world):
    member = staff(station_of_lai_thieu(), "Lê Thị Kim", origin=StaffOrigin.RECOVERED_F0)
    course = course_add(
        actor="test",
        title="Tập huấn vận hành Trạm Y tế lưu động",
        starts_on=clock.today(),
        ends_on=clock.today(),
        unit=world.unit("725"),
    )
    client = client_as("district_officer")
    response = client.post(
        f"/care/stations/courses/{course.pk}/", {"staff": member.pk, "attended": "on", "completed": "on"}
    )
    assert response.status_code == 302
    assert "Lê Thị Kim" in client.get(f"/care/stations/courses/{course.pk}/").content.decode()
    assert client_as("other_commune").post(f"/care/stations/courses/{course.pk}/", {}).status_code == 404
    assert client_as("analyst").post(f"/care/stations/courses/{course.pk}/", {}).status_code == 403
