"""The venue and facility lists cost the same few queries with a few rows and with more."""

from phongdich.places.choices import FacilityKind, VenueKind
from phongdich.places.services import facility_save, venue_save

MARKETS = ["Chợ Búng", "Chợ Thuận Giao", "Chợ Bình Nhâm", "Chợ Hưng Lộc"]


def rows(response) -> int:
    return len(response.context["table"].page.object_list)


def test_the_venue_list_costs_the_same_queries_however_many_venues(client_as, world, queries_do_not_grow):
    def add_venues():
        for name in MARKETS:
            venue_save(actor=world.user("commune_officer"), name=name, kind=VenueKind.MARKET, unit=world.unit("25966"))

    client = client_as("commune_officer")
    before, after = queries_do_not_grow(6, lambda: client.get("/units/venues/"), add_venues)
    assert rows(after) == rows(before) + len(MARKETS)


def test_the_facility_list_costs_the_same_queries_however_many_facilities(client_as, world, queries_do_not_grow):
    def add_stations():
        for name in ("Trạm y tế lưu động số 1", "Trạm y tế lưu động số 2", "Trạm y tế lưu động số 3"):
            facility_save(
                actor=world.user("district_officer"),
                name=name,
                kind=FacilityKind.MOBILE_STATION,
                unit=world.unit("25966"),
            )

    client = client_as("district_officer")
    before, after = queries_do_not_grow(6, lambda: client.get("/units/facilities/"), add_stations)
    assert rows(after) == rows(before) + 3
