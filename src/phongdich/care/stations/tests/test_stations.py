"""Mobile stations: opened through the service with their facility, tracked against the seed's targets by district
with an overdue list, read per commune for the epidemic-level figures; their pages and endpoints, scoped."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from phongdich.care.stations.choices import TargetScope
from phongdich.care.stations.models import MobileStation, StationTarget
from phongdich.care.stations.selectors import commune_readiness, station_target_progress
from phongdich.care.stations.services import StationData, station_create
from phongdich.core import clock
from phongdich.core.models import AuditEvent
from phongdich.places.choices import FacilityKind
from phongdich.places.models import Facility, IndustrialPark


def a_station(world, commune_code: str = "25966", days_ago: int = 10, **fields) -> MobileStation:
    commune = world.unit(commune_code)
    data = StationData(
        name=f"Trạm Y tế lưu động {commune.name}", commune=commune, opened_on=clock.today() - timedelta(days=days_ago)
    )
    for name, value in fields.items():
        setattr(data, name, value)
    return station_create(actor="test", data=data)


def test_the_two_targets_of_seed_000_are_seeded(db):
    targets = {(t.scope, t.due_on.isoformat()) for t in StationTarget.objects.all()}
    assert targets == {(TargetScope.COMMUNE, "2021-09-30"), (TargetScope.INDUSTRIAL_PARK, "2021-10-31")}
    assert all("ạm y tế lưu động" in t.source_document.lower() for t in StationTarget.objects.all())


def test_a_district_officer_opens_a_station_and_its_facility_is_created_and_audited(world):
    officer = world.user("district_officer")
    commune = world.unit("25966")
    station = station_create(
        actor=officer,
        data=StationData(
            name="Trạm Y tế lưu động Phường Lái Thiêu",
            commune=commune,
            opened_on=clock.today(),
            oxygen_concentrators=3,
            catchment_units=(world.unit("25966-01"),),
        ),
    )
    assert station.facility.kind == FacilityKind.MOBILE_STATION and station.facility.unit == commune
    assert list(station.catchment_units.all()) == [world.unit("25966-01")]
    event = AuditEvent.objects.get(object_type="care.mobilestation", object_id=str(station.pk))
    assert event.unit_path == commune.path and event.actor == officer


def test_a_park_in_another_commune_is_refused_in_vietnamese_and_nothing_is_saved(client_as, world):
    park = IndustrialPark.objects.create(name="KCN Việt Nam – Singapore", unit=world.unit("25741"))
    before = MobileStation.objects.count()
    response = client_as("province_commander").post(
        "/care/stations/new/",
        {
            "name": "Trạm Y tế lưu động KCN VSIP",
            "commune": world.unit("25966").pk,
            "industrial_park": park.pk,
            "opened_on": clock.today().isoformat(),
            "status": "operating",
            **{name: 0 for name in ("oxygen_concentrators", "oxygen_cylinders", "spo2_meters", "beds")},
        },
    )
    assert response.status_code == 200
    assert "Khu công nghiệp này không thuộc xã đã chọn" in response.content.decode()
    assert MobileStation.objects.count() == before


def test_the_commune_target_counts_open_stations_by_district_and_lists_the_gap_with_its_district(world):
    a_station(world, "25966")
    a_station(world, "25741", closed_on=clock.today() - timedelta(days=1), days_ago=20)
    target = StationTarget.objects.get(scope=TargetScope.COMMUNE)
    progress = station_target_progress(world.user("district_officer"), target)
    assert [row.district.code for row in progress.districts] == ["725"]
    thuan_an = progress.districts[0]
    assert thuan_an.with_station == 1 and thuan_an.total == progress.total > 1
    assert "Phường Lái Thiêu" not in [m.name for m in progress.missing]
    assert all(m.district == "Thành phố Thuận An" for m in progress.missing)
    assert progress.overdue  # the clock's today is long past 30/9/2021


def test_before_the_due_day_the_gap_is_not_overdue(world):
    target = StationTarget.objects.get(scope=TargetScope.COMMUNE)
    progress = station_target_progress(world.user("commune_officer"), target, on=target.due_on - timedelta(days=3))
    assert progress.total == 1 and progress.missing and not progress.overdue and progress.days_left == 3


def test_a_station_opening_later_does_not_count_yet(world):
    a_station(world, "25966", days_ago=-5)
    target = StationTarget.objects.get(scope=TargetScope.COMMUNE)
    assert station_target_progress(world.user("commune_officer"), target).with_station == 0


def test_commune_readiness_reads_any_number_of_communes_in_three_queries(world, django_assert_max_num_queries):
    a_station(world, "25966")
    communes = [world.unit("25966"), world.unit("25741"), world.unit("25963")]
    with django_assert_max_num_queries(3):
        found = commune_readiness(communes)
    assert found[world.unit("25966").pk].stations == 1 and found[world.unit("25741").pk].stations == 0


def test_the_targets_page_shows_progress_and_the_overdue_communes(client_as, world, untranslated_msgids):
    a_station(world, "25966")
    page = client_as("district_officer").get("/care/stations/targets/").content.decode()
    assert "<progress" in page and "Thành phố Thuận An" in page
    assert "Quá hạn: vẫn chưa có trạm" in page
    assert not untranslated_msgids


def test_the_station_list_shows_only_the_officers_area_with_its_staff(client_as, world, django_assert_max_num_queries):
    a_station(world, "25966")
    a_station(world, "25741")
    client = client_as("commune_officer")
    client.get("/care/stations/")
    with django_assert_max_num_queries(12):
        page = client.get("/care/stations/").content.decode()
    assert "Trạm Y tế lưu động Phường Lái Thiêu" in page and "Hiệp Thành" not in page


@pytest.mark.parametrize("persona", ["outsider", "lab_technician", "enterprise_rep"])
def test_those_without_stations_in_their_role_cannot_open_the_pages(client_as, persona):
    client = client_as(persona)
    for url in ("/care/stations/", "/care/stations/targets/", "/care/stations/new/"):
        assert client.get(url).status_code == 403
    assert client.post("/care/stations/new/", {}).status_code == 403


def test_a_commune_officer_sees_stations_but_cannot_open_or_change_one(client_as, world):
    station = a_station(world, "25966")
    client = client_as("commune_officer")
    assert client.get("/care/stations/").status_code == 200
    assert client.get("/care/stations/new/").status_code == 403
    assert client.post(f"/care/stations/{station.pk}/", {}).status_code == 403


def test_a_district_officer_cannot_edit_another_districts_station(client_as, world):
    station = a_station(world, "25741")
    client = client_as("district_officer")
    assert client.get(f"/care/stations/{station.pk}/").status_code == 404
    assert client.post(f"/care/stations/{station.pk}/", {"name": "x"}).status_code == 404


def test_a_district_officer_edits_the_equipment_and_catchment_of_a_station(client_as, world):
    station = a_station(world, "25966")
    response = client_as("district_officer").post(
        f"/care/stations/{station.pk}/",
        {
            "name": "Trạm Y tế lưu động số 1 Lái Thiêu",
            "opened_on": station.opened_on.isoformat(),
            "status": "operating",
            "oxygen_concentrators": 4,
            "oxygen_cylinders": 10,
            "spo2_meters": 20,
            "beds": 12,
            "catchment_units": [world.unit("25966-01").pk, world.unit("25966-02").pk],
            "catchment_note": "Khu phố 1 và 2",
        },
    )
    assert response.status_code == 302
    station.refresh_from_db()
    station.facility.refresh_from_db()
    assert station.beds == 12 and station.facility.name == "Trạm Y tế lưu động số 1 Lái Thiêu"
    assert station.catchment_units.count() == 2


def test_a_person_with_two_roles_opens_a_station_where_one_of_them_allows_it(client_as, world):
    page = client_as("commander_commune").get("/care/stations/new/").content.decode()
    assert "Phường Hiệp Thành" in page  # the province commander's area, not just the commune officer's


def test_the_api_lists_the_callers_stations_and_creates_one(api_as, world):
    a_station(world, "25741")
    api = api_as("district_officer")
    assert api.get("/api/v1/care/stations").json()["items"] == []
    response = api.post(
        "/api/v1/care/stations",
        {"name": "Trạm Y tế lưu động Lái Thiêu", "commune_id": world.unit("25966").pk, "opened_on": str(clock.today())},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert [item["name"] for item in api.get("/api/v1/care/stations").json()["items"]] == [
        "Trạm Y tế lưu động Lái Thiêu"
    ]


def test_the_api_answers_a_commune_outside_the_callers_area_like_a_missing_one(api_as, world):
    api = api_as("district_officer")
    body = {"name": "Trạm", "commune_id": world.unit("25741").pk, "opened_on": str(clock.today())}
    response = api.post("/api/v1/care/stations", body, content_type="application/json")
    assert response.status_code == 422 and "commune_id" in response.json()["fields"]
    assert (
        api_as("commune_officer").post("/api/v1/care/stations", body, content_type="application/json").status_code
        == 403
    )
    assert api_as("outsider").get("/api/v1/care/stations").status_code == 403


def test_the_api_reports_target_progress(api_as, world):
    a_station(world, "25966")
    rows = api_as("commune_officer").get("/api/v1/care/stations/targets").json()
    commune = next(row for row in rows if row["scope"] == "commune")
    assert commune["with_station"] == commune["total"] == 1 and commune["missing"] == []


def test_a_mobile_station_facility_already_recorded_becomes_the_station_not_a_second_facility(world):
    commune = world.unit("25966")
    recorded = Facility.objects.create(name="Trạm Y tế lưu động Lái Thiêu", kind="mobile_station", unit=commune)
    data = StationData(name="Trạm Y tế lưu động Phường Lái Thiêu", commune=commune, opened_on=clock.today())
    station = station_create(actor="test", data=data, facility=recorded)
    assert station.facility == recorded and station.facility.name == "Trạm Y tế lưu động Phường Lái Thiêu"
    assert Facility.objects.filter(kind=FacilityKind.MOBILE_STATION, unit=commune).count() == 1
    with pytest.raises(ValidationError):  # already a station
        station_create(actor="test", data=data, facility=recorded)
    elsewhere = Facility.objects.create(name="Trạm khác", kind="mobile_station", unit=world.unit("25963"))
    with pytest.raises(ValidationError):  # not in the commune chosen
        station_create(actor="test", data=data, facility=elsewhere)


def test_the_stations_list_reads_as_cards_on_a_phone_with_planned_opening_dates(client_as, world, untranslated_msgids):
    a_station(world, days_ago=-5)
    page = client_as("district_officer").get("/care/stations/").content.decode()
    assert "data-card-row" in page and "Ngày mở (dự kiến)" in page and "Mở lúc" not in page
    assert ">Huyện" in page and ">Xã" in page and "huyện, thị xã, thành phố" not in page
    assert not untranslated_msgids
