"""Isolation orders made at the same moment: one active order per person and kind, and a concentrated site's last
places taken by one household, not two. `order_create` locks the person and a site's capacity row, so concurrent
writers queue behind each other and each pre-check sees the winner's row (the constraint
`one_active_order_per_kind` stays the backstop)."""

from phongdich.care.choices import OrderKind
from phongdich.care.models import IsolationOrder
from phongdich.care.services import household_order_create, order_create
from phongdich.care.sites import people_at
from phongdich.care.tests.orders_world import a_site, isolation_rules
from phongdich.core import clock
from phongdich.labs.tests.factories import residents


def test_three_orders_for_one_f1_at_once_make_one_and_refuse_two_clearly(seeded, race):
    isolation_rules()
    officer = seeded.user("commune_officer")
    thu = seeded.person("Lý Thị Thu", "25966")
    attempt = lambda: order_create(actor=officer, person=thu, kind=OrderKind.F1_HOME, starts_on=clock.today())  # noqa: E731
    outcome = race([attempt, attempt, attempt])
    assert len(outcome.results) == 1
    refusals = outcome.refusals()
    assert len(refusals) == 2 and all("đang có một quyết định cùng loại còn hiệu lực" in r for r in refusals)
    assert IsolationOrder.objects.filter(person=thu).count() == 1


def test_two_households_for_the_last_places_of_a_site_at_once_place_one(seeded, race):
    isolation_rules()
    officer = seeded.user("commune_officer")
    site = a_site(places=3)
    first, second = residents(officer, 3), residents(officer, 3)
    outcome = race(
        [
            lambda family=family: household_order_create(
                actor=officer, people=family, kind=OrderKind.F1_SITE, starts_on=clock.today(), site=site
            )
            for family in (first, second)
        ]
    )
    assert len(outcome.results) == 1 and len(outcome.refusals()) == 1
    assert people_at(site.pk) == 3
