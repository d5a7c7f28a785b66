"""The demo's lockdown areas, built on the small world of the tests: the ward with community cases locked down
now, a red point at a case's home, and earlier lockdowns lifted, one of them early with its reason."""

import random

import pytest
from django.db.models import F

from phongdich.core.testing import unit
from phongdich.demo.zones import EARLY_REASON, build_zones
from phongdich.people.models import Person

from ...models import Zone
from ..selectors import state_of, zone_residents
from .world import LAI_THIEU

pytestmark = pytest.mark.django_db


def test_the_demo_locks_down_the_ward_with_community_cases_and_lifts_earlier_lockdowns(world):
    Person.objects.filter(full_name="Đỗ Văn Tâm").update(address="Số 12, Nguyễn Trãi")  # the community case's home
    result = build_zones(rng=random.Random(3))
    # The small world has three wards with residents: Lái Thiêu's cases lock it down; the two others had theirs.
    assert (result.open, result.red_points, result.ended, result.ended_early, result.extended) == (1, 1, 2, 1, 1)
    lai_thieu = Zone.objects.get(name="Vùng đỏ Phường Lái Thiêu")
    assert state_of(lai_thieu) == "open" and list(lai_thieu.units.all()) == [unit(LAI_THIEU)]
    assert "1 ca mắc trong cộng đồng" in lai_thieu.reason and lai_thieu.decision.startswith("Quyết định số")
    point = Zone.objects.get(kind="red_point")
    assert point.addresses == ["Số 12, Nguyễn Trãi"] and set(zone_residents(point)) == set(
        Person.objects.filter(full_name="Đỗ Văn Tâm")
    )
    early = Zone.objects.get(ended_at__lt=F("planned_end_at"))
    assert early.end_reason == EARLY_REASON and early.unit != unit(LAI_THIEU)
    assert all(state_of(zone) in ("ended", "ended_early") for zone in Zone.objects.exclude(ended_at=None))
    assert result.residents == zone_residents(lai_thieu).count()  # the red point lies inside the ward's lockdown
