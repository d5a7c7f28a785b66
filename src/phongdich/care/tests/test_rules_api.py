"""/api/v1/care/rules/… and /api/v1/care/sites: the rule versions to read (and a new isolation version for the
province's administrators), the concentrated sites with their places and occupancy."""

import json

import pytest

from phongdich.care.models import IsolationRules, SiteCapacity
from phongdich.care.tests.factories import an_order
from phongdich.people.models import Person
from phongdich.places.models import Facility

NEW_VERSION = {
    "effective_from": "2022-10-01",
    "source_document": "Quyết định 3993/QĐ-BYT (2022): F0 tại nhà cách ly 5 ngày",
    "document_date": "2022-09-28",
    "recovered_months": 3,
    "durations": {"f0_home": {"none": {"days": 5, "monitor_days": 5, "test_days": [5], "test": "antigen"}}},
}


def post(client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_commander_reads_the_isolation_versions_newest_first_with_their_documents(api_as):
    versions = api_as("province_commander").get("/api/v1/care/rules/isolation").json()
    documents = [version["source_document"] for version in versions]
    assert "1909/BYT-DP" in documents[0] and "878/QĐ-BYT" in documents[-1]
    assert versions[0]["ends_kinds"] == ["f1_home", "f1_site"]
    assert versions[1]["durations"]["f1_home"]["vaccinated"] == {
        "days": 5,
        "monitor_days": 5,
        "test_days": [5],
        "test": "any",
    }


@pytest.mark.parametrize("path", ["isolation", "eligibility", "warning"])
def test_each_rule_set_is_read_by_those_whose_role_has_it(api_as, path):
    assert api_as("province_commander").get(f"/api/v1/care/rules/{path}").status_code == 200
    assert api_as("district_admin").get(f"/api/v1/care/rules/{path}").status_code == 200
    for persona in ("commune_officer", "health_worker", "outsider"):
        assert api_as(persona).get(f"/api/v1/care/rules/{path}").status_code == 403


def test_the_province_administrator_adds_a_version_through_the_api(api_as):
    response = post(api_as("system_admin"), "/api/v1/care/rules/isolation", NEW_VERSION)
    assert response.status_code == 201, response.content
    assert response.json()["durations"]["f0_home"]["none"]["days"] == 5
    assert IsolationRules.objects.filter(source_document__startswith="Quyết định 3993").exists()


def test_a_faulty_version_answers_each_fault_on_its_field(api_as):
    body = NEW_VERSION | {"durations": {"f1_home": {"vaccinated": {"days": 99, "test_days": [], "test": "none"}}}}
    response = post(api_as("system_admin"), "/api/v1/care/rules/isolation", body)
    assert response.status_code == 422
    assert len(response.json()["fields"]["durations"]) == 2  # no plan for the unprotected; 99 days of isolation
    assert not IsolationRules.objects.filter(effective_from="2022-10-01").exists()


@pytest.mark.parametrize("persona", ["province_commander", "district_admin", "commune_officer", "outsider"])
def test_only_the_province_administrator_adds_a_version(api_as, persona):
    assert post(api_as(persona), "/api/v1/care/rules/isolation", NEW_VERSION).status_code == 403
    assert not IsolationRules.objects.filter(effective_from="2022-10-01").exists()


@pytest.fixture
def site(world) -> Facility:
    site = Facility.objects.create(
        name="Khu cách ly Ký túc xá Đại học Bình Dương", kind="isolation_site", unit=world.unit("25966")
    )
    SiteCapacity.objects.create(site=site, places=40)
    for name in ("Đỗ Văn Tâm", "Lý Thị Thu"):
        person = Person.objects.get(full_name=name)
        an_order(person, kind="f1_site", site=site, household_id=person.household_id)
    return site


def test_the_commander_lists_the_sites_with_places_people_and_free_places(api_as, site):
    items = api_as("province_commander").get("/api/v1/care/sites").json()["items"]
    assert [(i["name"], i["places"], i["people"], i["free"]) for i in items] == [
        ("Khu cách ly Ký túc xá Đại học Bình Dương", 40, 2, 38)
    ]


def test_another_commune_sees_no_site_and_a_role_without_care_none_at_all(api_as, site):
    assert api_as("other_commune").get("/api/v1/care/sites").json()["items"] == []
    assert api_as("analyst").get("/api/v1/care/sites").status_code == 403
    assert api_as("outsider").get("/api/v1/care/sites").status_code == 403


def test_the_sites_list_costs_the_same_queries_with_more_sites(api_as, queries_do_not_grow, site):
    client = api_as("province_commander")

    def more_sites():
        for number in range(1, 4):
            Facility.objects.create(name=f"Khu cách ly số {number}", kind="isolation_site", unit=site.unit)

    queries_do_not_grow(8, lambda: client.get("/api/v1/care/sites"), more_sites)


def test_the_administrator_sets_the_places_but_never_below_the_people_there(api_as, site):
    client = api_as("system_admin")
    response = post(client, f"/api/v1/care/sites/{site.pk}/capacity", {"places": 1})
    assert response.status_code == 422 and "places" in response.json()["fields"]
    response = post(client, f"/api/v1/care/sites/{site.pk}/capacity", {"places": 60})
    assert response.status_code == 200 and response.json()["free"] == 58


@pytest.mark.parametrize(
    ("persona", "status"), [("province_commander", 403), ("health_worker", 403), ("outsider", 403)]
)
def test_those_who_do_not_keep_the_places_cannot_set_them(api_as, site, persona, status):
    assert post(api_as(persona), f"/api/v1/care/sites/{site.pk}/capacity", {"places": 60}).status_code == status
    assert SiteCapacity.objects.get(site=site).places == 40


def test_a_district_administrator_cannot_set_a_site_outside_her_district(api_as, world):
    outside = Facility.objects.create(name="Khu cách ly Thủ Dầu Một", kind="isolation_site", unit=world.unit("25741"))
    assert (
        post(api_as("district_admin"), f"/api/v1/care/sites/{outside.pk}/capacity", {"places": 10}).status_code == 404
    )
    assert not SiteCapacity.objects.filter(site=outside).exists()
