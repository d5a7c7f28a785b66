"""Each role's home page: its work for today, as figures that open the lists behind them."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from phongdich.accounts.models import User
from phongdich.accounts.roles import Role
from phongdich.accounts.services import role_assign
from phongdich.core.testing import unit
from phongdich.labs.tests.factories import pooled, residents
from phongdich.people.models import Person
from phongdich.places.models import Facility
from phongdich.vaccination.models import VaccineProduct
from phongdich.vaccination.selectors import priority_list
from phongdich.vaccination.services import dose_record

LISTS = ("/tracing/", "/testing/")  # figures that open a filtered list, which counts what it shows


def figures(response) -> dict[str, tuple[int, str]]:
    """{label: (count, url)} over the page's desks."""
    return {
        str(figure.label): (figure.count, figure.url)
        for desk in response.context["desks"]
        for part in desk.parts
        for figure in part.figures
    }


def user_with(username: str, role: str, **place) -> User:
    user = User.objects.create_user(username=username, full_name=username)
    role_assign(actor="test", user=user, role=role, **place)
    return user


def site() -> Facility:
    return Facility.objects.get(name="Điểm tiêm chủng Phường Lái Thiêu")


def dose_today(person) -> None:
    comirnaty = VaccineProduct.objects.get(code="EU/1/20/1528")
    dose_record(
        actor="test", person=person, product=comirnaty, given_on=timezone.localdate(), site=site(), lot="FF2382"
    )


@pytest.mark.parametrize("persona", ["commune_officer", "community_team", "health_worker", "lab_technician"])
def test_every_figure_on_the_home_page_is_what_the_list_it_opens_shows(client_as, persona):
    client = client_as(persona)
    shown = figures(client.get("/"))
    assert shown
    for label, (count, url) in shown.items():
        if url.startswith(LISTS):
            assert client.get(url).context["count"] == count, label


def test_a_hospitals_health_worker_counts_the_hospitals_own_records_not_its_wards(client, world):
    from phongdich.places.choices import FacilityKind

    hospital = Facility.objects.create(name="Bệnh viện Thuận An", kind=FacilityKind.HOSPITAL, unit=unit("25966"))
    client.force_login(user_with("bacsi.thuanan", Role.HEALTH_WORKER, facility=hospital))
    shown = figures(client.get("/"))
    assert shown and all("unit=" not in url for _count, url in shown.values())
    for label, (count, url) in shown.items():
        assert client.get(url).context["count"] == count, label


def test_a_commune_officer_sees_todays_work_in_lai_thieu(client_as, world):
    officer = world.user("commune_officer")
    pooled(officer, residents(officer, 2), barcode="LT-POOL-0900", receive=False)
    dose_today(world.person("Lý Thị Thu", "25966"))
    response = client_as("commune_officer").get("/")
    shown = figures(response)
    assert shown["F1 chưa liên hệ được"][0] == 1  # Lý Thị Thu, with her door-to-door task still open
    assert shown["Mẫu đang chờ kết quả"][0] == 3  # Nguyễn Thị Hằng's, and the two just pooled
    assert shown["Mũi tiêm hôm nay"][0] == 1
    lai_thieu = unit("25966")
    assert shown["Người ưu tiên chưa tiêm mũi nào"] == (
        priority_list(lai_thieu).count(),
        f"/vaccination/units/{lai_thieu.pk}/priority/",
    )
    assert f"unit={lai_thieu.pk}" in shown["Nhiệm vụ quá hạn"][1]


def test_a_new_case_confirmed_today_counts_on_the_commune_officers_home(client_as, world):
    from phongdich.surveillance.choices import DetectionSetting
    from phongdich.surveillance.services import case_confirm

    before = figures(client_as("commune_officer").get("/"))["F0 mới hôm nay"][0]
    person = world.person("Nguyễn Thị Hằng", "25966")
    now = timezone.now()
    case_confirm(
        actor=world.user("commune_officer"),
        person=person,
        confirmed_at=now,
        confirmation_test="rt_pcr",
        detection_setting=DetectionSetting.COMMUNITY,
    )
    assert figures(client_as("commune_officer").get("/"))["F0 mới hôm nay"][0] == before + 1


def test_a_community_team_member_sees_the_open_tasks_of_the_group_with_address_and_phone(client_as, world):
    Person.objects.filter(full_name="Lý Thị Thu").update(address="12 Đường Nguyễn Văn Tiết", phone="0987654321")
    response = client_as("community_team").get("/")
    html = response.content.decode()
    assert figures(response)["Nhiệm vụ đang mở"][0] == 1
    assert "Lý Thị Thu" in html and "12 Đường Nguyễn Văn Tiết" in html
    assert 'href="tel:0987654321"' in html


def test_a_lab_technician_sees_the_pools_on_their_way_and_those_to_test(client_as, world):
    officer = world.user("commune_officer")
    pooled(officer, residents(officer, 3), barcode="LT-POOL-0901")
    shown = figures(client_as("lab_technician").get("/"))
    assert shown["Mẫu gộp đang chuyển đến"][0] == 1  # LT-POOL-0001, sent and not yet received
    assert shown["Mẫu gộp cần xét nghiệm"][0] == 1
    assert "Mẫu đang chờ kết quả" not in shown  # a lab does not sample


def test_vaccination_staff_see_todays_doses_at_their_site_and_who_in_the_ward_has_none(client, world):
    staff = user_with("tiemchung.laithieu", Role.VACCINATION_STAFF, facility=site())
    dose_today(world.person("Lý Thị Thu", "25966"))
    client.force_login(staff)
    shown = figures(client.get("/"))
    assert shown["Mũi tiêm hôm nay"] == (1, "/vaccination/sites/")
    count, url = shown["Người ưu tiên chưa tiêm mũi nào"]
    assert count == priority_list(unit("25966")).count()
    assert url == f"/vaccination/units/{unit('25966').pk}/"  # the ward's figures: staff do not read its register


def test_yesterdays_doses_are_not_todays(client, world):
    staff = user_with("tiemchung.laithieu", Role.VACCINATION_STAFF, facility=site())
    comirnaty = VaccineProduct.objects.get(code="EU/1/20/1528")
    yesterday = timezone.localdate() - timedelta(days=1)
    thu = world.person("Lý Thị Thu", "25966")
    dose_record(actor="test", person=thu, product=comirnaty, given_on=yesterday, site=site(), lot="FF2382")
    client.force_login(staff)
    assert figures(client.get("/"))["Mũi tiêm hôm nay"][0] == 0


@pytest.mark.parametrize(
    ("role", "place", "says", "link"),
    [
        (Role.WELFARE_OFFICER, lambda: {"unit": unit("25966")}, "chưa được xây dựng", "/persons/"),
        (Role.CHECKPOINT_OFFICER, lambda: {"unit": unit("725")}, "kiểm tra giấy chứng nhận tiêm chủng", "/verify"),
    ],
)
def test_roles_without_pages_of_their_own_are_told_so_and_shown_what_they_can_do(
    client, world, role, place, says, link
):
    client.force_login(user_with("nguoi.dung", role, **place()))
    html = client.get("/").content.decode()
    assert "chưa được xây dựng" in html and says in html
    assert f'class="button secondary" href="{link}"' in html


def test_an_enterprise_representative_is_told_the_staff_testing_page_is_what_exists(client_as):
    html = client_as("enterprise_rep").get("/").content.decode()
    assert "chưa được xây dựng" in html and "xét nghiệm định kỳ" in html
    assert 'class="button secondary" href="/testing/organisations/"' in html


def test_a_user_with_two_roles_sees_a_desk_for_each(client_as):
    response = client_as("commander_commune").get("/")
    desks = response.context["desks"]
    assert [str(desk.role) for desk in desks] == ["Chỉ huy cấp tỉnh", "Cán bộ cấp xã"]
    urls = [figure.url for desk in desks for part in desk.parts for figure in part.figures]
    assert any(f"unit={unit('74').pk}" in url for url in urls)
    assert any(f"unit={unit('25966').pk}" in url for url in urls)


def test_a_user_without_a_role_is_told_to_ask_for_one(client_as):
    assert "Bạn chưa có vai trò" in client_as("outsider").get("/").content.decode()


def test_the_home_page_costs_a_bounded_number_of_queries(client_as, django_assert_max_num_queries):
    client = client_as("commander_commune")  # two desks of figures, each a query or two per figure
    client.get("/")
    with django_assert_max_num_queries(32):
        response = client.get("/")
    assert len(re.findall(r'class="figure', response.content.decode())) >= 10
