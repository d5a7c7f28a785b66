"""The rule pages of care: the versions of each rule set with their documents, a new version of the isolation rules
through its grid, the medicine packages, and the concentrated sites' places."""

from datetime import date

import pytest

from phongdich.care.models import IsolationOrder, IsolationRules, MedicineKind, SiteCapacity
from phongdich.care.rule_forms import IsolationRulesForm
from phongdich.care.sites import site_loads
from phongdich.care.tests.factories import an_order
from phongdich.core import clock
from phongdich.core.models import AuditEvent
from phongdich.core.rules import in_force
from phongdich.people.models import Person
from phongdich.places.models import Facility


def grid_post(**changes) -> dict:
    """The new-version form as it opens (filled in from the rules in force), with `changes`."""
    form = IsolationRulesForm(current=in_force(IsolationRules))
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False:
            continue
        data[name] = value if isinstance(value, list) else ("on" if value is True else str(value))
    return data | changes


NEW_VERSION = {
    "effective_from": "2022-10-01",
    "source_document": "Quyết định 3993/QĐ-BYT (2022): F0 tại nhà cách ly 5 ngày",
    "document_date": "2022-09-28",
}


def test_the_province_commander_reads_every_version_with_its_document_but_adds_none(client_as, untranslated_msgids):
    page = client_as("province_commander").get("/care/rules/").content.decode()
    for document in ("878/QĐ-BYT", "5599/BYT-MT", "4038/QĐ-BYT", "10696/BYT-MT", "762/BYT-DP", "1909/BYT-DP"):
        assert document in page
    assert "F1 cách ly tại nhà" in page and "F1 không phải cách ly" in page
    assert "SpO₂ trên 96% khi thở khí trời" in page and "Không mang thai" in page  # the criteria in words
    assert "spo2_above" not in page
    assert "/care/rules/isolation/new/" not in page
    assert client_as("province_commander").get("/care/rules/isolation/new/").status_code == 403
    assert not untranslated_msgids


def test_the_versions_are_newest_first_and_the_page_shows_what_1909_ends(client_as):
    page = client_as("system_admin").get("/care/rules/").content.decode()
    assert page.index("1909/BYT-DP") < page.index("762/BYT-DP") < page.index("878/QĐ-BYT")
    assert "15/04/2022" in page


@pytest.mark.parametrize("persona", ["commune_officer", "health_worker", "community_team", "outsider", "analyst"])
def test_those_without_the_rules_in_their_role_cannot_open_them(client_as, persona):
    client = client_as(persona)
    assert client.get("/care/rules/").status_code == 403
    assert client.get("/care/rules/isolation/new/").status_code == 403
    assert client.post("/care/rules/isolation/new/", grid_post(**NEW_VERSION)).status_code == 403


def test_a_district_administrator_reads_the_rules_but_only_the_province_adds_a_version(client_as):
    client = client_as("district_admin")
    assert client.get("/care/rules/").status_code == 200
    assert client.post("/care/rules/isolation/new/", grid_post(**NEW_VERSION)).status_code == 403
    assert not IsolationRules.objects.filter(effective_from=date(2022, 10, 1)).exists()


def test_the_administrator_adds_a_version_through_the_grid(client_as, untranslated_msgids):
    client = client_as("system_admin")
    form_page = client.get("/care/rules/isolation/new/").content.decode()
    assert 'name="f0_home-none-days"' in form_page and 'value="7"' in form_page  # from 1909, in force today
    response = client.post(
        "/care/rules/isolation/new/",
        grid_post(**NEW_VERSION, **{"f0_home-none-days": "5", "f0_home-none-test_days": "5"}),
    )
    assert response.status_code == 302
    version = IsolationRules.objects.get(effective_from=date(2022, 10, 1))
    assert version.durations["f0_home"]["none"] == {"days": 5, "monitor_days": 3, "test_days": [5], "test": "antigen"}
    assert "f1_home" not in version.durations and version.discharge["negative_tests"] == 1
    assert not untranslated_msgids


def test_a_row_left_blank_is_left_out_and_an_unticked_kind_is_not_planned(client_as):
    data = grid_post(**NEW_VERSION)
    for part in ("days", "monitor_days", "test_days"):
        data.pop(f"f0_home-vaccinated-{part}")
    data.pop("arrival-planned")
    assert client_as("system_admin").post("/care/rules/isolation/new/", data).status_code == 302
    durations = IsolationRules.objects.get(effective_from=date(2022, 10, 1)).durations
    assert set(durations["f0_home"]) == {"recovered", "none"}
    assert "arrival" not in durations


def test_a_fault_in_the_grid_is_shown_on_the_form_and_nothing_is_saved(client_as, untranslated_msgids):
    client = client_as("system_admin")
    response = client.post(
        "/care/rules/isolation/new/",
        grid_post(**NEW_VERSION, **{"f0_home-none-test_days": "9", "f0_site-none-test_days": "một"}),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "error-summary" in page
    assert "Ghi số thứ tự ngày" in page  # the unreadable test days, on their cell
    assert not IsolationRules.objects.filter(effective_from=date(2022, 10, 1)).exists()
    response = client.post("/care/rules/isolation/new/", grid_post(**NEW_VERSION, **{"f0_home-none-test_days": "9"}))
    assert response.status_code == 200
    assert "ngày xét nghiệm thứ 9 nằm sau 7 ngày cách ly" in response.content.decode()
    assert not IsolationRules.objects.filter(effective_from=date(2022, 10, 1)).exists()
    assert not untranslated_msgids


def test_the_rules_page_costs_the_same_queries_with_more_versions(client_as, queries_do_not_grow, world):
    client = client_as("province_commander")

    def add_versions():
        for months in (1, 2, 3):
            on = date(2023, months, 1)
            IsolationRules.objects.create(
                effective_from=on, source_document=f"Văn bản {months}", document_date=on, durations={}
            )

    queries_do_not_grow(12, lambda: client.get("/care/rules/"), add_versions)


# -- Medicine packages --------------------------------------------------------------------------------------------


def test_the_administrator_adds_and_edits_a_medicine_package(client_as, untranslated_msgids):
    client = client_as("system_admin")
    response = client.post(
        "/care/medicines/new/",
        {"code": "D", "name": "Gói thuốc D", "contents": "Paracetamol 500 mg; vitamin C", "active": "on"},
    )
    assert response.status_code == 302
    kind = MedicineKind.objects.get(code="D")
    assert client.post("/care/medicines/new/", {"code": "d", "name": "Gói trùng"}).status_code == 200
    response = client.post(
        f"/care/medicines/{kind.pk}/", {"code": "Z", "name": "Gói thuốc D (Bộ Y tế)", "contents": ""}
    )
    assert response.status_code == 302
    kind.refresh_from_db()
    assert (kind.code, kind.name, kind.active) == ("D", "Gói thuốc D (Bộ Y tế)", False)
    assert "Gói thuốc D (Bộ Y tế)" in client.get("/care/medicines/").content.decode()
    assert AuditEvent.objects.filter(object_type="care.medicinekind", action="update").exists()
    assert not untranslated_msgids


@pytest.mark.parametrize("persona", ["province_commander", "commune_officer", "health_worker", "outsider"])
def test_only_administrators_keep_the_medicine_packages(client_as, persona):
    client = client_as(persona)
    assert client.get("/care/medicines/").status_code == 403
    assert client.post("/care/medicines/new/", {"code": "D", "name": "Gói thuốc D"}).status_code == 403
    assert not MedicineKind.objects.filter(code="D").exists()


def test_a_district_administrator_may_not_change_the_province_wide_packages(client_as):
    response = client_as("district_admin").post("/care/medicines/new/", {"code": "D", "name": "Gói thuốc D"})
    assert response.status_code == 403
    assert not MedicineKind.objects.filter(code="D").exists()


# -- Concentrated sites ----------------------------------------------------------------------------------------


@pytest.fixture
def site(world) -> Facility:
    return Facility.objects.create(
        name="Khu cách ly tập trung Trường Cao đẳng Y tế", kind="isolation_site", unit=world.unit("25966")
    )


def household_at(site: Facility, *names: str) -> None:
    """People of one household ordered to the site together (F1 concentrated)."""
    people = [Person.objects.filter(full_name=name).order_by("pk").first() for name in names]
    household = people[0].household_id
    for person in people:
        an_order(person, kind="f1_site", site=site, household_id=household)


def test_the_commander_sees_each_sites_places_people_households_and_free_places(client_as, site, untranslated_msgids):
    SiteCapacity.objects.create(site=site, places=120)
    household_at(site, "Đỗ Văn Tâm")
    household_at(site, "Lý Thị Thu")
    page = client_as("province_commander").get("/care/sites/").content.decode()
    assert "Khu cách ly tập trung Trường Cao đẳng Y tế" in page
    for figure in ("120", "118"):
        assert f">{figure}<" in page
    assert f"/care/sites/{site.pk}/capacity/" not in page  # the commander reads the places; the administrator sets them
    assert not untranslated_msgids


def test_another_communes_officer_sees_no_site_outside_her_commune(client_as, site):
    page = client_as("other_commune").get("/care/sites/").content.decode()
    assert "Trường Cao đẳng Y tế" not in page


def test_the_sites_page_costs_the_same_queries_with_more_sites(client_as, queries_do_not_grow, world, site):
    client = client_as("province_commander")

    def more_sites():
        for number in range(1, 4):
            added = Facility.objects.create(name=f"Khu cách ly số {number}", kind="isolation_site", unit=site.unit)
            SiteCapacity.objects.create(site=added, places=50)
        household_at(added, "Phan Văn Lộc")

    queries_do_not_grow(12, lambda: client.get("/care/sites/"), more_sites)


def test_the_administrator_sets_a_sites_places_but_never_below_who_is_there(client_as, site, untranslated_msgids):
    household_at(site, "Đỗ Văn Tâm")
    household_at(site, "Lý Thị Thu")
    client = client_as("system_admin")
    assert "/capacity/" in client.get("/care/sites/").content.decode()
    response = client.post(f"/care/sites/{site.pk}/capacity/", {"places": "1"})
    assert response.status_code == 200
    assert "Hiện có 2 người đang cách ly tại cơ sở này" in response.content.decode()
    assert not SiteCapacity.objects.filter(site=site).exists()
    assert client.post(f"/care/sites/{site.pk}/capacity/", {"places": "80"}).status_code == 302
    assert SiteCapacity.objects.get(site=site).places == 80
    event = AuditEvent.objects.get(object_type="care.sitecapacity", action="create")
    assert event.unit_path == site.unit.path
    assert not untranslated_msgids


@pytest.mark.parametrize(
    ("persona", "status"), [("province_commander", 403), ("commune_officer", 403), ("outsider", 403)]
)
def test_only_administrators_set_the_places(client_as, site, persona, status):
    assert client_as(persona).post(f"/care/sites/{site.pk}/capacity/", {"places": "80"}).status_code == status
    assert not SiteCapacity.objects.filter(site=site).exists()


def test_a_district_administrator_sets_the_places_of_sites_in_her_district_only(client_as, world):
    inside = Facility.objects.create(name="Khu cách ly Thuận An", kind="isolation_site", unit=world.unit("25966"))
    outside = Facility.objects.create(name="Khu cách ly Thủ Dầu Một", kind="isolation_site", unit=world.unit("25741"))
    client = client_as("district_admin")
    assert client.post(f"/care/sites/{inside.pk}/capacity/", {"places": "30"}).status_code == 302
    assert client.post(f"/care/sites/{outside.pk}/capacity/", {"places": "30"}).status_code == 404
    assert not SiteCapacity.objects.filter(site=outside).exists()


def test_a_facility_that_is_not_a_concentrated_site_has_no_places_page(client_as, world):
    station = Facility.objects.get(name="Trạm Y tế Phường Lái Thiêu")
    assert client_as("system_admin").get(f"/care/sites/{station.pk}/capacity/").status_code == 404


def test_a_release_makes_a_place_free(site, world):
    SiteCapacity.objects.create(site=site, places=2)
    household_at(site, "Đỗ Văn Tâm")
    household_at(site, "Lý Thị Thu")
    assert site_loads([site])[0].full
    order = IsolationOrder.objects.filter(site=site).first()
    order.status, order.ended_on = "released", clock.today()
    order.save(update_fields=["status", "ended_on"])
    load = site_loads([site])[0]
    assert (load.people, load.households, load.free) == (1, 1, 1)
