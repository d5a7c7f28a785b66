"""The public self-report page on a phone that loses its connection: the report is kept on the phone, sent when
the connection returns, and stored once."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def household_link(seeded):
    from phongdich.care.models import WarningRules
    from phongdich.care.services.reports import link_issue
    from phongdich.care.tests.factories import an_order
    from phongdich.care.warning_seeds import seed
    from phongdich.core.testing import World
    from phongdich.places.models import Facility

    seed(WarningRules)
    station = Facility.objects.get(name="Trạm Y tế Phường Lái Thiêu")
    order = an_order(World().person("Nguyễn Thị Hằng", "25966"), facility=station)
    return link_issue(actor="test", orders=[order]), order


def test_a_report_made_offline_is_kept_on_the_phone_and_stored_once_when_the_connection_returns(
    browser, live_server, household_link
):
    from phongdich.care.models import SelfReport

    link, order = household_link
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    errors: list[str] = []
    page = context.new_page()
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else 0)
    page.goto(f"{live_server.url}/r/{link.token}/")
    expect(page.get_by_role("heading", name="Hằng (sinh năm 1986)")).to_be_visible()
    page.wait_for_load_state("networkidle")  # the page's script is running

    context.set_offline(True)
    page.get_by_label("SpO₂ (%)").fill("97")
    page.get_by_label("Nhịp thở (lần/phút)").fill("18")
    page.get_by_label("Nhiệt độ (°C)").fill("37,6")
    page.get_by_label("Ho").check()
    page.get_by_role("button", name="Gửi").click()
    expect(page.get_by_text("Đã lưu trên máy, sẽ gửi khi có mạng.")).to_be_visible()
    assert not SelfReport.objects.filter(order=order).exists()
    assert page.get_by_label("SpO₂ (%)").input_value() == ""  # ready for the next report

    context.set_offline(False)  # the browser fires "online": the kept report goes
    expect(page.get_by_text("Đã gửi báo cáo.")).to_be_visible(timeout=10_000)
    report = SelfReport.objects.get(order=order)
    assert (report.spo2, report.breathing_rate, str(report.temperature), report.symptoms) == (97, 18, "37.6", ["cough"])

    page.reload()  # nothing left on the phone to send again
    page.wait_for_load_state("networkidle")
    assert SelfReport.objects.filter(order=order).count() == 1
    assert page.evaluate("localStorage.getItem('phongdich-selfreports')") == "[]"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the self-report page scrolls sideways on a 360-px screen"
    assert not errors, errors
    context.close()


def test_a_report_sent_twice_by_the_phone_is_stored_once(browser, live_server, household_link):
    """A reply lost on the way back: the phone sends the same report again, with the same id."""
    from phongdich.care.models import SelfReport

    link, order = household_link
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/r/{link.token}/")
    page.wait_for_load_state("networkidle")
    page.get_by_label("SpO₂ (%)").fill("95")
    fields = page.evaluate(
        "() => { const f = new FormData(document.querySelector('[data-selfreport-form]'));"
        " return Array.from(f.entries()); }"
    )
    item = {
        "url": f"/r/{link.token}/",
        "order": str(order.pk),
        "client_id": dict(fields)["client_id"],
        "fields": fields,
    }
    page.evaluate("item => localStorage.setItem('phongdich-selfreports', JSON.stringify([item, item]))", item)
    page.reload()
    expect(page.get_by_text("Đã gửi các báo cáo lưu trên máy.")).to_be_visible(timeout=10_000)
    assert SelfReport.objects.filter(order=order).count() == 1
    context.close()
