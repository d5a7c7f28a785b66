"""No dead ends on a phone (360 px): a dose typed without a site, a certificate issued by a site's staff, a case
closed only after saying yes."""

from datetime import date

import pytest
from playwright.sync_api import expect
from test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def site_staff(seeded):  # noqa: F811
    from phongdich.accounts.models import User
    from phongdich.accounts.roles import Role
    from phongdich.accounts.services import role_assign
    from phongdich.core.testing import PASSWORD
    from phongdich.places.models import Facility

    site = Facility.objects.get(name="Điểm tiêm chủng Phường Lái Thiêu")
    staff, created = User.objects.get_or_create(username="tiem_chung", defaults={"full_name": "Võ Thị Mai"})
    if created:
        staff.set_password(PASSWORD)
        staff.save()
        role_assign(actor="test", user=staff, role=Role.VACCINATION_STAFF, facility=site)
    return site


def no_sideways_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the page scrolls sideways on a 360-px screen"


def test_a_dose_typed_without_a_site_shows_the_error_beside_the_field_and_keeps_what_was_typed(
    browser,  # noqa: F811
    live_server,
    site_staff,
):
    from phongdich.people.models import Person
    from phongdich.vaccination.models import VaccineProduct

    Person.objects.filter(full_name="Lê Hoàng Phúc").update(id_number="074098001122")
    janssen = VaccineProduct.objects.get(code="EU/1/20/1525")
    page = browser.new_page(viewport=PHONE)
    log_in(page, live_server.url, "tiem_chung")
    page.goto(f"{live_server.url}/vaccination/doses/new/")
    page.get_by_label("Người được tiêm").fill("074098001122")
    page.get_by_label("Vắc xin").select_option(value=str(janssen.pk))
    page.get_by_label("Điểm tiêm").select_option(index=0)  # no site: the preselected one taken away
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()
    expect(page.locator(".field.invalid")).to_contain_text("Chọn điểm tiêm trong địa bàn của bạn.")
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.get_by_label("Người được tiêm")).to_have_value("074098001122")
    expect(page.get_by_label("Vắc xin")).to_have_value(str(janssen.pk))
    no_sideways_scroll(page)
    page.screenshot(path="/tmp/shots/deadends/dose-without-site-360.png", full_page=True)


def test_a_sites_staff_issue_a_certificate_and_land_on_it(browser, live_server, site_staff):  # noqa: F811
    from phongdich.core.testing import unit
    from phongdich.people.models import Person
    from phongdich.vaccination.models import VaccineProduct
    from phongdich.vaccination.services import dose_record

    phuc = Person.objects.get(full_name="Lê Hoàng Phúc", unit__path__startswith=unit("25741").path)
    janssen = VaccineProduct.objects.get(code="EU/1/20/1525")
    dose_record(actor="test", person=phuc, product=janssen, given_on=date(2021, 9, 1), site=site_staff)
    page = browser.new_page(viewport=PHONE)
    log_in(page, live_server.url, "tiem_chung")
    page.goto(f"{live_server.url}/vaccination/persons/{phuc.pk}/")
    expect(page.get_by_text("Chưa cấp.")).to_be_visible()
    page.get_by_role("button", name="Cấp chứng nhận cho mũi gần nhất").click()
    expect(page.get_by_role("heading", name="Chứng nhận tiêm chủng")).to_be_visible()
    expect(page.get_by_text("Đã cấp chứng nhận.")).to_be_visible()
    expect(page.get_by_role("link", name="Lê Hoàng Phúc")).to_be_visible()
    no_sideways_scroll(page)
    page.screenshot(path="/tmp/shots/deadends/certificate-by-site-staff-360.png", full_page=True)
    page.get_by_role("link", name="Lê Hoàng Phúc").click()
    expect(page.get_by_role("heading", name="Lê Hoàng Phúc")).to_be_visible()
    expect(page.get_by_text("Chưa cấp.")).not_to_be_visible()
    expect(page.locator("main")).to_contain_text("URN:UVCI")


def test_closing_a_case_asks_first_and_saying_no_leaves_it_open(browser, live_server, seeded):  # noqa: F811
    from phongdich.surveillance.models import Case

    case = Case.objects.get(person__full_name="Đỗ Văn Tâm")
    page = browser.new_page(viewport=PHONE)
    log_in(page, live_server.url, "commune_officer")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.locator("#id_status").select_option(index=1)
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.get_by_role("button", name="Kết thúc ca bệnh").click()
    assert questions == ["Kết thúc ca bệnh này? Không thể mở lại."]
    case.refresh_from_db()
    assert case.status == "active"
    page.once("dialog", lambda dialog: answer(dialog, True))
    page.get_by_role("button", name="Kết thúc ca bệnh").click()
    page.wait_for_load_state()
    expect(page.get_by_role("button", name="Kết thúc ca bệnh")).to_have_count(0)
    case.refresh_from_db()
    assert case.status != "active"
