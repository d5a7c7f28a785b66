"""A household ordered together: all of them or none, and kept together at a concentrated site."""

import pytest
from django.core.exceptions import ValidationError

from phongdich.core import clock
from phongdich.people.services import person_create

from ..choices import OrderKind
from ..models import IsolationOrder
from ..services import household_order_create, order_create
from ..sites import people_at
from .orders_world import a_site, household_of, isolation_rules


@pytest.fixture(autouse=True)
def rules(db):
    return isolation_rules()


@pytest.fixture
def family(world):
    """Lý Thị Thu, her husband and their son, one household in Khu phố 1."""
    officer = world.user("commune_officer")
    thu = world.person("Lý Thị Thu", "25966")
    husband = person_create(actor=officer, full_name="Trương Văn Nam", birth_year=1985, unit=world.unit("25966-01"))
    son = person_create(actor=officer, full_name="Trương Gia Bảo", birth_year=2012, unit=world.unit("25966-01"))
    household_of(thu, husband, son, address="27/3 đường Phan Đình Phùng, khu phố 1")
    return [thu, husband, son]


def test_a_household_is_quarantined_at_home_together_under_one_group_code(world, family):
    orders = household_order_create(
        actor=world.user("commune_officer"), people=family, kind=OrderKind.F1_HOME, starts_on=clock.today()
    )
    assert len(orders) == 3 and len({order.group_code for order in orders}) == 1 and orders[0].group_code
    assert {order.address for order in orders} == {"27/3 đường Phan Đình Phùng, khu phố 1"}
    assert {order.household_id for order in orders} == {family[0].household_id}


def test_a_household_is_ordered_all_or_nothing(world, family):
    officer = world.user("commune_officer")
    order_create(actor=officer, person=family[1], kind=OrderKind.F1_HOME, starts_on=clock.today())
    with pytest.raises(ValidationError) as refused:
        household_order_create(actor=officer, people=family, kind=OrderKind.F1_HOME, starts_on=clock.today())
    assert any(message.startswith("Trương Văn Nam: ") for message in refused.value.messages)
    assert not IsolationOrder.objects.filter(person__in=[family[0], family[2]]).exists()


def test_a_household_is_kept_together_so_a_site_without_room_for_all_is_refused_for_all(world, family):
    officer = world.user("commune_officer")
    site = a_site(places=2)
    with pytest.raises(ValidationError) as refused:
        household_order_create(actor=officer, people=family, kind=OrderKind.F1_SITE, starts_on=clock.today(), site=site)
    assert refused.value.message_dict["site"] == [
        f"{site.name} chỉ còn 2 chỗ trống cho hộ 3 người, cần cách ly cùng nhau: chọn cơ sở khác."
    ]
    assert people_at(site.pk) == 0
    roomy = a_site(places=3, name="Khu cách ly tập trung Trường Cao đẳng Y tế Bình Dương")
    orders = household_order_create(
        actor=officer, people=family, kind=OrderKind.F1_SITE, starts_on=clock.today(), site=roomy
    )
    assert {order.site for order in orders} == {roomy} and people_at(roomy.pk) == 3


def test_a_household_with_a_member_outside_the_jurisdiction_is_refused_whole(world, family):
    from phongdich.core.scoping import OutOfScope

    loc = world.person("Phan Văn Lộc", "25966")  # Khu phố 2: outside the community team's group
    with pytest.raises(OutOfScope):
        household_order_create(
            actor=world.user("community_team"), people=[*family, loc], kind=OrderKind.F1_HOME, starts_on=clock.today()
        )
    assert not IsolationOrder.objects.exists()


def test_an_f0_is_not_ordered_with_a_household(world, family):
    with pytest.raises(ValidationError) as refused:
        household_order_create(
            actor=world.user("commune_officer"), people=family, kind=OrderKind.F0_HOME, starts_on=clock.today()
        )
    assert "kind" in refused.value.message_dict
