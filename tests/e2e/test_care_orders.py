"""Isolation orders in a real Chromium: a health worker enrols an F0 on a phone, a community team finds her group's
orders as cards, an officer reads an order on a desktop; in Vietnamese, without sideways scrolling."""

import os
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


def shot(page, name):
    if os.environ.get("PHONGDICH_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['PHONGDICH_SCREENSHOTS']}/{name}.png", full_page=True)


def sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.fixture
def care_rules(seeded):
    """The rules and packages a flushed database lost (they come from data migrations)."""
    from phongdich.care.models import MedicineKind
    from phongdich.care.tests.orders_world import eligibility_rules, isolation_rules

    isolation_rules()
    eligibility_rules()
    for code, name in (("A", "Gói thuốc A"), ("B", "Gói thuốc B")):
        MedicineKind.objects.get_or_create(code=code, defaults={"name": name})


def test_a_health_worker_enrols_an_f0_at_home_on_a_phone_after_a_refusal_naming_the_criteria(
    browser, live_server, care_rules
):
    from phongdich.care.models import IsolationOrder
    from phongdich.care.tests.orders_world import born
    from phongdich.people.models import Person

    tam = Person.objects.get(full_name="Đỗ Văn Tâm")
    Person.objects.filter(pk=tam.pk).update(birth_date=born(40))  # eligible by age whatever the year
    page = browser.new_page(viewport=PHONE)
    log_in(page, live_server.url, "health_worker")
    page.goto(f"{live_server.url}/persons/{tam.pk}/")
    page.locator("#care").get_by_role("link", name="Lập quyết định").click()
    expect(page.get_by_label("Hình thức")).to_have_value("f0_home")  # his F-level suggests it
    page.get_by_label("Tình trạng lâm sàng").select_option("mild")
    page.get_by_label("Nhịp thở (lần/phút)").fill("24")
    page.get_by_label("SpO₂ khi thở khí trời (%)").fill("95")
    page.get_by_role("button", name="Lưu").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Nhịp thở 24 lần/phút")
    expect(summary).to_contain_text("SpO₂ 95%")
    shot(page, "care-order-refused-360")
    assert sideways(page) <= 0, "the refused order form scrolls sideways on a 360-px screen"
    page.get_by_label("Nhịp thở (lần/phút)").fill("18")
    page.get_by_label("SpO₂ khi thở khí trời (%)").fill("98")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", name="Kế hoạch")).to_be_visible()
    expect(page.get_by_text("Đạt mọi tiêu chí")).to_be_visible()
    shot(page, "care-order-detail-360")
    assert sideways(page) <= 0, "the order's page scrolls sideways on a 360-px screen"
    assert IsolationOrder.objects.get(person=tam).severity == "mild"


def test_a_community_team_sees_her_groups_orders_as_cards_and_records_a_visit(browser, live_server, care_rules):
    from phongdich.care.models import CareContact
    from phongdich.care.tests.factories import an_order
    from phongdich.core import clock
    from phongdich.people.models import Person

    yesterday = clock.today() - timedelta(days=1)
    thu = an_order(Person.objects.get(full_name="Lý Thị Thu"), "f1_home", yesterday)
    an_order(Person.objects.get(full_name="Phan Văn Lộc"), "f0_home", yesterday)  # Khu phố 2: not hers
    page = browser.new_page(viewport=PHONE)
    log_in(page, live_server.url, "community_team")
    page.goto(f"{live_server.url}/care/orders/")
    cards = page.locator("tr[data-card-row]")
    expect(cards).to_have_count(1)
    expect(cards.first.locator('td[data-card="title"]')).to_have_text("Lý Thị Thu")
    shot(page, "care-orders-360")
    assert sideways(page) <= 0, "the order cards scroll sideways on a 360-px screen"
    cards.first.get_by_role("link", name="Lý Thị Thu").click()
    page.get_by_label("Đến nhà hay gọi điện").select_option("visit")
    page.get_by_role("button", name="Ghi nhận lần đến nhà hoặc gọi điện").click()
    expect(page.get_by_text("Đã ghi nhận lần đến nhà hoặc gọi điện.")).to_be_visible()
    assert CareContact.objects.filter(order=thu).count() == 1


def test_an_officer_reads_an_order_and_the_list_on_a_desktop(browser, live_server, care_rules):
    from phongdich.care.tests.factories import an_order
    from phongdich.people.models import Person

    order = an_order(Person.objects.get(full_name="Lý Thị Thu"), "f1_home")
    page = browser.new_page(viewport=DESKTOP)
    log_in(page, live_server.url, "commune_officer")
    page.goto(f"{live_server.url}/care/orders/")
    expect(page.locator("thead")).to_be_visible()
    shot(page, "care-orders-1280")
    page.goto(f"{live_server.url}/care/orders/{order.pk}/")
    expect(page.get_by_role("heading", name="Kết thúc quyết định")).to_be_visible()
    shot(page, "care-order-detail-1280")
    assert sideways(page) <= 0
