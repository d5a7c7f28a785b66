"""Supplies in the test world: the Lái Thiêu health station (Thuận An, where the health worker works), a field
hospital in Thuận An, and an isolation site in Hiệp Thành (Thủ Dầu Một, outside the district officer's district).

`stocked` gives the field hospital 100 oxygen cylinders received 8 days ago and 10 used a day over the last 7
days, so 30 are left: 3 days of cover, not under the threshold of 3. The station holds 500 masks, unused."""

from datetime import timedelta

import pytest

from phongdich.care.supplies.models import SupplyItem
from phongdich.care.supplies.services import movement_record
from phongdich.core import clock
from phongdich.places.choices import FacilityKind
from phongdich.places.models import Facility


@pytest.fixture
def station(world):
    return Facility.objects.get(name="Trạm Y tế Phường Lái Thiêu")


@pytest.fixture
def field_hospital(world):
    return Facility.objects.create(
        name="Bệnh viện dã chiến số 2", kind=FacilityKind.FIELD_HOSPITAL, unit=world.unit("25963")
    )


@pytest.fixture
def site(world):
    return Facility.objects.create(
        name="Khu cách ly tập trung Hiệp Thành", kind=FacilityKind.ISOLATION_SITE, unit=world.unit("25741")
    )


def item(code: str) -> SupplyItem:
    return SupplyItem.objects.get(code=code)


def days_ago(days: int):
    return clock.today() - timedelta(days=days)


def receive(facility, code: str, quantity: int, on=None):
    return movement_record(
        actor="test", facility=facility, item=item(code), kind="receipt", quantity=quantity, occurred_on=on
    )


def issue(facility, code: str, quantity: int, on=None):
    return movement_record(
        actor="test", facility=facility, item=item(code), kind="issue", quantity=quantity, occurred_on=on
    )


@pytest.fixture
def stocked(station, field_hospital, site):
    receive(field_hospital, "O2-BINH40", 100, on=days_ago(8))
    for day in range(7):
        issue(field_hospital, "O2-BINH40", 10, on=days_ago(day))
    receive(station, "KT-YTE", 500, on=days_ago(3))
    receive(site, "O2-BINH40", 40, on=days_ago(3))
    return {"station": station, "field_hospital": field_hospital, "site": site}
