"""The demo's lockdown areas, built on the small world of the tests: the ward with community cases locked down
now, a red point at a case's home, and earlier lockdowns lifted, one of them early with its reason; every zone in
its ward, after the ward's first community case, decided by the people's committee of its district or ward."""

import random
from datetime import timedelta

import pytest
from django.db.models import F, Min
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from phongdich.core import clock
from phongdich.core.testing import unit
from phongdich.demo.zones import build_zones, committee, early_reason
from phongdich.people.models import Person
from phongdich.places.choices import UnitLevel
from phongdich.surveillance.models import Case
from phongdich.surveillance.services import case_confirm

from ...models import Zone
from ..selectors import state_of, zone_residents
from ..views import extensions_of
from .world import HIEP_THANH, LAI_THIEU

pytestmark = pytest.mark.django_db
TAN_PHUOC_KHANH = "25963"


def community_case(full_name: str, commune: str, days_ago: int) -> None:
    person = Person.objects.get(full_name=full_name, unit__parent__code=commune)
    case_confirm(
        actor="test",
        person=person,
        confirmed_at=clock.now() - timedelta(days=days_ago),
        confirmation_test="rt_pcr",
        detection_setting="community",
    )


@pytest.fixture
def built(world):
    Person.objects.filter(full_name="Đỗ Văn Tâm").update(address="Số 12, Nguyễn Trãi")  # the community case's home
    community_case("Lê Hoàng Phúc", HIEP_THANH, days_ago=40)  # two wards hit five or six weeks ago
    community_case("Trần Văn Bình", TAN_PHUOC_KHANH, days_ago=35)
    return build_zones(rng=random.Random(3))


def test_the_demo_locks_down_the_ward_with_community_cases_and_lifts_earlier_lockdowns(built):
    # Lái Thiêu's recent case locks it down; the two wards hit weeks ago had theirs and lifted them.
    assert (built.open, built.red_points, built.ended, built.ended_early, built.extended) == (1, 1, 2, 1, 1)
    lai_thieu = Zone.objects.get(name="Vùng đỏ Phường Lái Thiêu")
    assert state_of(lai_thieu) == "open" and list(lai_thieu.units.all()) == [unit(LAI_THIEU)]
    assert "1 ca mắc trong cộng đồng" in lai_thieu.reason
    point = Zone.objects.get(kind="red_point")
    assert point.addresses == ["Số 12, Nguyễn Trãi"] and set(zone_residents(point)) == set(
        Person.objects.filter(full_name="Đỗ Văn Tâm")
    )
    early = Zone.objects.get(ended_at__lt=F("planned_end_at"))
    assert early.unit == unit(HIEP_THANH) and early.end_reason == early_reason(unit(HIEP_THANH).parent)
    assert all(state_of(zone) in ("ended", "ended_early") for zone in Zone.objects.exclude(ended_at=None))
    assert built.residents == zone_residents(lai_thieu).count()  # the red point lies inside the ward's lockdown
    assert clock.demo_day() is None  # the builder leaves the clock as it found it


def test_every_zone_lies_in_its_ward_after_its_first_community_case_decided_by_its_district_or_ward(built):
    point = Zone.objects.get(kind="red_point")
    assert point.unit == unit(LAI_THIEU) and "Khu phố 1, Phường Lái Thiêu" in point.name  # the home's group, named
    assert point.decision.endswith("của UBND phường Lái Thiêu")
    for zone in Zone.objects.filter(kind="lockdown").select_related("unit__parent"):
        assert zone.decision.startswith("Quyết định số ") and zone.decision.endswith(
            f"của {committee(zone.unit.parent)}"
        )
    assert committee(unit(LAI_THIEU).parent) == "UBND thành phố Thuận An"
    for zone in Zone.objects.select_related("unit"):
        assert zone.unit.level == UnitLevel.COMMUNE
        decided = timezone.localdate(zone.starts_at - timedelta(minutes=1))  # the day before, or the same day
        assert f"ngày {decided:%d/%m/%Y} của" in zone.decision
        cases = Case.objects.filter(detection_setting="community", unit__path__startswith=zone.unit.path)
        assert zone.starts_at > cases.aggregate(first=Min("confirmed_at"))["first"], zone.name


def test_the_extensions_are_recorded_on_the_demos_clock_of_their_day_by_the_demo(built):
    extended = Zone.objects.get(unit=unit(TAN_PHUOC_KHANH))
    with translation.override("vi"):
        (extension,) = extensions_of(extended)
        assert extension["by"] == _("system (demo data)")  # "hệ thống (dữ liệu mẫu)"
    assert extended.starts_at < extension["at"] < extension["to"] - timedelta(days=7)  # before the first planned end
