"""The vaccination lists cost the same few queries with a few rows and with more."""

from datetime import date

from phongdich.people.services import person_create
from phongdich.places.choices import FacilityKind
from phongdich.places.models import Facility
from phongdich.vaccination.models import VaccineProduct
from phongdich.vaccination.services import delivery_record, dose_record, shipment_propose

ELDERS = ["Nguyễn Văn Thọ", "Trần Thị Phúc", "Lê Văn Lộc"]


def elders(world):
    officer = world.user("commune_officer")
    return [
        person_create(actor=officer, full_name=name, birth_year=1940, unit=world.unit("25966-02")) for name in ELDERS
    ]


def test_the_priority_list_costs_the_same_queries_however_many_people(client_as, world, queries_do_not_grow):
    client = client_as("commune_officer")
    page = f"/vaccination/units/{world.unit('25966').pk}/priority/"
    before, after = queries_do_not_grow(7, lambda: client.get(page), lambda: elders(world))
    assert all(name not in before.content.decode() and name in after.content.decode() for name in ELDERS)


def test_the_shipment_list_costs_the_same_queries_however_many_shipments(client_as, world, queries_do_not_grow):
    def add_shipments():
        for doses in (1_000, 2_000, 3_000):
            shipment_propose(
                actor=world.user("province_commander"),
                product=VaccineProduct.objects.get(code="BBIBP-CorV"),
                doses=doses,
                received_on=date(2021, 9, 1),
                unit=world.unit("74"),
            )

    client = client_as("province_commander")
    before, after = queries_do_not_grow(7, lambda: client.get("/vaccination/shipments/"), add_shipments)
    assert len(after.context["shipments"]) == len(before.context["shipments"]) + 3


def test_the_dose_api_list_costs_the_same_queries_however_many_doses(api_as, world, queries_do_not_grow):
    def add_doses():
        product = VaccineProduct.objects.get(code="BBIBP-CorV")
        for person in elders(world):
            dose_record(actor=world.user("commune_officer"), person=person, product=product, given_on=date(2021, 9, 1))

    client = api_as("commune_officer")
    before, after = queries_do_not_grow(2, lambda: client.get("/api/v1/vaccination/doses").json(), add_doses)
    assert len(after["items"]) == len(before["items"]) + len(ELDERS)


def test_the_site_stock_costs_the_same_queries_however_many_sites(client_as, world, queries_do_not_grow):
    def add_sites():
        for name in ("Điểm tiêm Trường THCS Lái Thiêu", "Điểm tiêm Nhà văn hóa Khu phố 2"):
            site = Facility.objects.create(name=name, kind=FacilityKind.VACCINATION_SITE, unit=world.unit("25966"))
            for code in ("BBIBP-CorV", "EU/1/20/1528"):
                product = VaccineProduct.objects.get(code=code)
                delivery_record(
                    actor=world.user("commune_officer"),
                    site=site,
                    product=product,
                    doses=500,
                    delivered_on=date(2021, 9, 1),
                )

    client = client_as("commune_officer")
    before, after = queries_do_not_grow(9, lambda: client.get("/vaccination/sites/"), add_sites)
    assert len(after.context["stock"]) == len(before.context["stock"]) + 4
