"""The command centre in a real Chromium: the dashboard on a phone, and a commune's daily report written, signed
and sent on a phone, then read by its district."""

import pytest
from playwright.sync_api import expect
from test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_on_a_phone_the_province_dashboard_draws_its_charts_and_fits_the_screen(browser, live_server, seeded):
    from phongdich.command.figures import figures_refresh

    figures_refresh()
    page = browser.new_page(viewport={"width": 360, "height": 740})
    log_in(page, live_server.url, "province_commander")
    page.goto(f"{live_server.url}/command/")
    expect(page.get_by_role("heading", name="Bảng điều khiển: Tỉnh Bình Dương")).to_be_visible()
    expect(page.get_by_role("img", name="Ca mắc mới theo nơi phát hiện")).to_be_visible()
    assert page.locator("svg.chart").count() == 4
    assert sideways(page) <= 0, "the dashboard scrolls sideways on a 360-px screen"
    page.get_by_role("link", name="Thành phố Thuận An").click()
    expect(page.get_by_role("heading", name="Bảng điều khiển: Thành phố Thuận An")).to_be_visible()


def test_a_commune_writes_signs_and_sends_its_report_on_a_phone_and_the_district_reads_it(browser, live_server, seeded):
    base = live_server.url
    page = browser.new_page(viewport={"width": 360, "height": 740})
    log_in(page, base, "commune_officer")
    page.goto(f"{base}/command/reports/generate/")
    page.locator("main form button[type=submit]").last.click()
    expect(page.get_by_text("Dự thảo").first).to_be_visible()
    page.get_by_role("link", name="Viết phần nội dung").click()
    page.locator("textarea").last.fill("Đề nghị bổ sung 200 bộ xét nghiệm nhanh cho Khu phố 1.")
    page.locator("main form button[type=submit]").last.click()
    expect(page.get_by_text("Đề nghị bổ sung 200 bộ xét nghiệm nhanh cho Khu phố 1.")).to_be_visible()
    page.get_by_label("Chức danh người ký").fill("CHỦ TỊCH UBND PHƯỜNG")
    page.get_by_role("button", name="Ký").click()
    page.get_by_role("button", name="Gửi cấp trên").click()
    expect(page.get_by_text("Đã gửi cấp trên").first).to_be_visible()
    assert sideways(page) <= 0, "the report scrolls sideways on a 360-px screen"
    district = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(district, base, "district_officer")
    district.goto(f"{base}/command/reports/")
    district.get_by_role("link", name="Phường Lái Thiêu").first.click()
    expect(district.get_by_text("Đề nghị bổ sung 200 bộ xét nghiệm nhanh cho Khu phố 1.")).to_be_visible()


def test_on_a_phone_a_district_reads_a_communes_forecast_plans_a_scenario_and_compares_it(browser, live_server, seeded):
    from datetime import timedelta

    from phongdich.command.figures import figures_rebuild
    from phongdich.command.forecast.tests.outbreak import DAYS, a_done_forecast, an_outbreak
    from phongdich.core import clock
    from phongdich.core.testing import unit

    an_outbreak("25966")
    unit("25966").populations.create(
        year=clock.today().year, total=24_266, age_18_plus=17_800, age_65_plus=1_900, age_12_17=2_300,
        age_5_11=2_700, source="imported",
    )  # fmt: skip
    figures_rebuild(since=clock.today() - timedelta(days=DAYS + 1), until=clock.today())
    a_done_forecast("25966")
    base = live_server.url
    page = browser.new_page(viewport={"width": 360, "height": 740})
    log_in(page, base, "district_officer")
    page.goto(f"{base}/command/forecast/?unit={unit('25966').pk}")
    expect(page.get_by_role("heading", name="Dự báo: Phường Lái Thiêu")).to_be_visible()
    expect(page.get_by_role("img", name="Hệ số lây nhiễm hiệu quả Rt")).to_be_visible()
    expect(page.get_by_text("Dự báo đã tốt đến đâu")).to_be_visible()
    assert sideways(page) <= 0, "the forecast scrolls sideways on a 360-px screen"
    page.get_by_role("link", name="Kịch bản").first.click()
    page.get_by_label("Tên").fill("Giãn cách theo Chỉ thị 16")
    page.locator("select[name=change-0-kind]").select_option("contacts")
    page.locator("input[name=change-0-change]").fill("-40")
    page.locator("input[name=change-0-starts_on]").fill((clock.today() + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Lưu và so sánh").click()
    expect(page.get_by_role("heading", name="So sánh kịch bản: Phường Lái Thiêu")).to_be_visible()
    expect(page.get_by_role("cell", name="Giãn cách theo Chỉ thị 16")).to_be_visible()
    assert page.locator("svg.chart").count() == 2
    assert sideways(page) <= 0, "the comparison scrolls sideways on a 360-px screen"
