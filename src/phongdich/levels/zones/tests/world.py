"""The lockdown areas of the tests, in the shared world (core/testing.py): Lái Thiêu (25966, Thuận An) with its
Khu phố 1 (Hằng, Tâm and Thu live there) and Khu phố 2 (Lộc), and Hiệp Thành (25741) in Thủ Dầu Một.

Dates are either the outbreak's (August 2021, long ended) or counted from the clock, never written near today."""

from datetime import datetime, timedelta

from django.utils import timezone

from phongdich.accounts.models import User
from phongdich.core import clock
from phongdich.core.testing import unit
from phongdich.people.models import Person
from phongdich.people.services import person_create

from ...models import Zone
from ..services import zone_declare

LAI_THIEU, KP1, KP2, HIEP_THANH = "25966", "25966-01", "25966-02", "25741"


def august(day: int, hour: int = 0) -> datetime:
    return timezone.make_aware(datetime(2021, 8, day, hour))


def days_from_now(days: float) -> datetime:
    return (clock.now() + timedelta(days=days)).replace(second=0, microsecond=0)


def officer(name: str = "district_officer") -> User:
    return User.objects.get(username=name)


def declared(by: str | User = "district_officer", **changes) -> Zone:
    """A red zone of Khu phố 1 declared by Thuận An, in force from three days ago for a fortnight."""
    fields = {
        "kind": "lockdown",
        "name": "Vùng đỏ Khu phố 1 – Phường Lái Thiêu",
        "unit": unit(LAI_THIEU),
        "units": [unit(KP1)],
        "addresses": [],
        "polygon": None,
        "starts_at": days_from_now(-3),
        "planned_end_at": days_from_now(11),
        "leave_test": "pcr",
        "leave_conditions": "Xét nghiệm RT-PCR toàn bộ người dân 2 lần âm tính.",
        "reason": "Ca mắc trong cộng đồng chưa rõ nguồn lây.",
        "decision": "Quyết định số 123/QĐ-UBND của UBND thành phố Thuận An",
    } | changes
    return zone_declare(actor=officer(by) if isinstance(by, str) else by, **fields)


def resident(full_name: str, group: str, address: str = "", **fields) -> Person:
    return person_create(actor="test", full_name=full_name, sex="female", unit=unit(group), address=address, **fields)


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[106.70, 10.90], [106.71, 10.90], [106.71, 10.91], [106.70, 10.91], [106.70, 10.90]]],
}
