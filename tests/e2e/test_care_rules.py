"""The care rules on a phone: the administrator adds a version of the isolation rules through its grid."""

import pytest
from playwright.sync_api import expect
from test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_administrator_adds_a_version_through_the_grid_on_a_phone(browser, live_server, seeded):
    from phongdich.care.models import IsolationRules
    from phongdich.care.seeds import versions
    from phongdich.core.rules import versions_by_document

    versions_by_document(IsolationRules, versions())  # a transactional test before this one flushed the seed
    page = browser.new_page(viewport={"width": 360, "height": 740})
    log_in(page, live_server.url, "system_admin")
    page.goto(f"{live_server.url}/care/rules/isolation/new/")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the grid scrolls sideways on a 360-px screen"
    page.get_by_label("hiệu lực từ").fill("2022-10-01")
    page.get_by_label("văn bản căn cứ").fill("Quyết định 3993/QĐ-BYT (2022): F0 tại nhà cách ly 5 ngày")
    page.get_by_label("ngày ban hành văn bản").fill("2022-09-28")
    home = page.locator("fieldset", has_text="F0 điều trị tại nhà").first
    row = home.locator(".plan-row", has_text="Chưa tiêm đủ, chưa mắc")
    row.get_by_label("Số ngày").fill("5")
    row.get_by_label("Ngày xét nghiệm").fill("9")  # after the five days: refused on its cell
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".error-summary")).to_contain_text("ngày xét nghiệm thứ 9 nằm sau 5 ngày cách ly")
    row.get_by_label("Ngày xét nghiệm").fill("5")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu quy định cách ly mới.")).to_be_visible()
    assert IsolationRules.objects.get(source_document__startswith="Quyết định 3993").durations["f0_home"]["none"] == {
        "days": 5,
        "monitor_days": 3,
        "test_days": [5],
        "test": "antigen",
    }
