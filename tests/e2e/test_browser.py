"""A real Chromium (Debian's, driven by Playwright) against the app served by a live test server."""

import os

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base, username):
    from phongdich.core.testing import PASSWORD

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def search(page, base, text):
    page.goto(f"{base}/persons/")
    page.get_by_label("Họ tên, CCCD hoặc số điện thoại").fill(text)
    page.get_by_role("button", name="Lọc").click()
    # The list is swapped in by HTMX, which then pushes the query into the address: wait for that, not for a
    # quiet network (typing also sends a delayed request, which could land after the quiet moment).
    page.wait_for_function("text => new URLSearchParams(location.search).get('q') === text", arg=text)
    page.wait_for_load_state("networkidle")
    return page.locator("table.table tbody tr").all_inner_texts()


def test_an_officer_searches_with_and_without_diacritics_opens_a_person_and_switches_language(
    browser, live_server, seeded
):
    page = browser.new_page()
    log_in(page, live_server.url, "province_commander")
    assert len([r for r in search(page, live_server.url, "nguyen thi hang") if "Nguyễn Thị Hằng" in r]) == 2
    rows = search(page, live_server.url, "Nguyễn Thị Hằng")
    assert len([r for r in rows if "Nguyễn Thị Hằng" in r]) == 2
    page.get_by_role("link", name="Nguyễn Thị Hằng").first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Nguyễn Thị Hằng")).to_be_visible()
    expect(page.get_by_text("Ngày sinh")).to_be_visible()
    page.locator("details.user-menu > summary").click()  # the language switch is in the account menu
    page.get_by_role("button", name="EN").click()
    expect(page.get_by_text("Date of birth")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"


def test_a_commune_officer_on_a_phone_sees_only_their_commune(browser, live_server, seeded):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    log_in(page, live_server.url, "commune_officer")
    rows = search(page, live_server.url, "hang")
    assert len(rows) == 1 and "Khu phố 1" in rows[0]
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the page scrolls sideways on a 360-px screen"


def test_a_team_member_records_a_visit_on_a_phone_and_the_f1_leaves_the_not_reached_list(browser, live_server, seeded):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    log_in(page, live_server.url, "community_team")
    not_reached = f"{live_server.url}/tracing/levels/?level=1&not_reached=true"
    page.goto(not_reached)
    expect(page.locator("main")).to_contain_text("Lý Thị Thu")  # so her absence below means something
    page.goto(f"{live_server.url}/tracing/tasks/?state=open")
    page.get_by_role("link", name="Lý Thị Thu").click()
    page.get_by_label("Đã cách ly").check()  # waits for the task page
    page.get_by_label("Ghi chú").fill("Cách ly tại nhà, đã dán thông báo")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã ghi kết quả.")).to_be_visible()  # waits for the list it returns to
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the task list scrolls sideways on a 360-px screen"
    page.goto(not_reached)
    expect(page.get_by_role("heading", name="Người tiếp xúc theo mức F")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Lý Thị Thu")


def test_a_sampling_team_scans_people_into_a_pool_on_a_phone_with_a_scanner_typing_and_pressing_enter(
    browser, live_server, seeded
):
    from phongdich.core.testing import unit
    from phongdich.labs.models import Lab, Pool
    from phongdich.labs.services import pool_open
    from phongdich.people.models import Person

    pool = pool_open(
        actor="test",
        barcode="KP1-BROWSER",
        lab=Lab.objects.get(),
        unit=unit("25966-01"),
    )
    hang = Person.objects.get(id_number="074186123456")
    page = browser.new_page(viewport={"width": 360, "height": 740})
    log_in(page, live_server.url, "community_team")
    page.goto(f"{live_server.url}/testing/pools/{pool.pk}/")
    number = page.get_by_label("Người được lấy mẫu")
    expect(number).to_be_focused()  # the scanner's first code lands here without a tap
    number.press_sequentially(hang.id_number)
    number.press("Tab")
    tube = page.get_by_label("Mã vạch ống mẫu")
    tube.press_sequentially("KP1-BR-001")
    tube.press("Enter")  # what a handheld scanner sends after the code
    expect(page.get_by_text("Đã thêm mẫu.")).to_be_visible()
    expect(page.get_by_role("cell", name="Nguyễn Thị Hằng")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the pool page scrolls sideways on a 360-px screen"
    assert Pool.objects.get(pk=pool.pk).samples.count() == 1


def test_a_checkpoint_checks_a_certificate_from_a_photo_on_a_phone_without_logging_in(browser, live_server, seeded):
    from phongdich.vaccination.documents import certificate_png
    from phongdich.vaccination.models import Certificate

    photo = certificate_png(Certificate.objects.get())
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(f"{live_server.url}/verify")
    page.get_by_label("Ảnh mã QR").set_input_files({"name": "ma-qr.png", "mimeType": "image/png", "buffer": photo})
    page.get_by_role("button", name="Kiểm tra").click()
    verdict = page.get_by_role("status")
    expect(verdict).to_contain_text("✔ Hợp lệ")
    expect(verdict).to_contain_text("Nguyễn Thị Hằng")
    expect(verdict).to_contain_text("2/2")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the verifier scrolls sideways on a 360-px screen"
    page.get_by_label("Chuỗi chứng nhận (HC1:…)").fill("HC1:NOT-A-CERTIFICATE")
    page.get_by_role("button", name="Kiểm tra").click()
    expect(page.get_by_role("status")).to_contain_text("✘ Không hợp lệ")


def test_pages_with_htmx_print_buttons_and_the_verifier_run_under_the_content_security_policy(
    browser, live_server, seeded
):
    from phongdich.core.testing import World

    world = World()
    refused: list[str] = []
    page = browser.new_page()
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else 0)
    log_in(page, live_server.url, "province_commander")
    assert any("Nguyễn Thị Hằng" in row for row in search(page, live_server.url, "nguyen thi hang"))
    hang = world.person("Nguyễn Thị Hằng", "25966")
    for path in (
        f"/tracing/persons/{hang.pk}/card/",
        f"/tracing/tasks/walking-list/{world.unit('25966-01').pk}/",
        f"/vaccination/units/{world.unit('25966').pk}/priority/",
        "/units/",
        "/testing/imports/",
        "/verify",
    ):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/units/")
    page.locator("details[hx-get] > summary").first.click()  # HTMX loads the unit's children
    expect(page.locator("details[open] .kids li").first).to_be_visible()
    page.goto(f"{live_server.url}/tracing/persons/{hang.pk}/card/")
    page.evaluate("window.print = () => { window.printed = true; }")
    page.locator("[data-print]").click()
    assert page.evaluate("window.printed") is True
    assert refused == []


def test_an_administrator_reads_the_audit_trail_in_vietnamese_on_a_phone_and_a_desktop(browser, live_server, seeded):
    for viewport in ({"width": 360, "height": 740}, {"width": 1280, "height": 800}):
        page = browser.new_page(viewport=viewport)
        log_in(page, live_server.url, "system_admin")
        page.goto(f"{live_server.url}/audit/?action=create")
        table = page.locator("table.table tbody")
        expect(table.get_by_text("Người dân", exact=True).first).to_be_visible()
        expect(table.get_by_text("Họ và tên").first).to_be_visible()
        assert "full_name" not in table.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        if os.environ.get("PHONGDICH_SCREENSHOTS"):
            page.screenshot(path=f"{os.environ['PHONGDICH_SCREENSHOTS']}/audit-{viewport['width']}.png", full_page=True)
        page.close()


def test_on_a_phone_the_task_choices_sit_beside_their_labels_and_case_and_certificate_pages_fit(
    browser, live_server, seeded
):
    from phongdich.surveillance.models import Case, TracingTask
    from phongdich.vaccination.models import Certificate

    def sideways(page):
        return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")

    team = browser.new_page(viewport={"width": 360, "height": 740})
    log_in(team, live_server.url, "community_team")
    task = TracingTask.objects.filter(person__full_name="Lý Thị Thu").first()
    team.goto(f"{live_server.url}/tracing/tasks/{task.pk}/")
    assert team.get_by_label("Đã cách ly").bounding_box()["width"] < 40, "a radio button spans the screen"
    commander = browser.new_page(viewport={"width": 360, "height": 740})
    log_in(commander, live_server.url, "province_commander")
    case = Case.objects.get(person__full_name="Đỗ Văn Tâm")
    commander.goto(f"{live_server.url}/tracing/cases/{case.pk}/?exposures=1")
    assert sideways(commander) <= 0, "the case's contacts scroll sideways on a 360-px screen"
    certificate = Certificate.objects.first()
    commander.goto(f"{live_server.url}{certificate.get_absolute_url()}")
    assert sideways(commander) <= 0, "the certificate id pushes the page sideways on a 360-px screen"
    commander.goto(f"{live_server.url}/vaccination/persons/{certificate.dose.person_id}/")
    assert sideways(commander) <= 0, "the certificate link pushes the person's page sideways on a 360-px screen"


def test_on_a_phone_each_door_to_door_task_is_a_card_with_the_address_and_a_phone_to_call(browser, live_server, seeded):
    from phongdich.people.models import Person

    Person.objects.filter(full_name="Lý Thị Thu").update(address="Số 12, đường Nguyễn Trãi", phone="+84912000111")
    page = browser.new_page(viewport={"width": 360, "height": 740})
    log_in(page, live_server.url, "community_team")
    page.goto(f"{live_server.url}/tracing/tasks/?state=open")
    card = page.locator("tr[data-card-row]").filter(has_text="Lý Thị Thu")
    expect(card.locator('td[data-card="title"]')).to_have_text("Lý Thị Thu")
    expect(card.locator('td[data-label="Địa chỉ"]')).to_be_visible()
    expect(card.get_by_role("link", name="+84912000111")).to_have_attribute("href", "tel:+84912000111")
    expect(card.locator('td[data-label="Tổ/ấp"]')).to_be_hidden()  # left to the task's page on a phone
    expect(page.locator("thead")).to_be_hidden()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the task cards scroll sideways on a 360-px screen"


def test_on_a_phone_the_dose_form_finds_a_person_by_name_and_year_of_birth(browser, live_server, seeded):
    from phongdich.people.models import Person
    from phongdich.vaccination.models import Dose

    hang = Person.objects.get(id_number="074186123456")
    page = browser.new_page(viewport={"width": 360, "height": 740})
    log_in(page, live_server.url, "commune_officer")
    page.goto(f"{live_server.url}/vaccination/doses/new/")
    page.get_by_label("Người được tiêm").press_sequentially("nguyen thi hang 1986")
    page.get_by_role("radio", name="Nguyễn Thị Hằng · 1986").check()  # the candidates htmx brought
    page.get_by_label("Vắc xin").select_option(label="Comirnaty (Pfizer-BioNTech)")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(f"{live_server.url}/vaccination/persons/{hang.pk}/")
    assert Dose.objects.filter(person=hang).count() == 3


def test_on_a_phone_the_menu_is_closed_opens_from_its_button_by_touch_or_keyboard_and_its_links_work(
    browser, live_server, seeded
):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    log_in(page, live_server.url, "commune_officer")
    assert page.locator("header.topbar").bounding_box()["height"] <= 64  # one row, not 9 lines of links
    summary = page.locator("details.menu-drop > summary")
    pools = page.locator(".menu-panel").get_by_role("link", name="Mẫu gộp")
    expect(pools).to_be_hidden()
    expect(summary).to_have_attribute("aria-expanded", "false")
    summary.focus()
    page.keyboard.press("Enter")
    expect(summary).to_have_attribute("aria-expanded", "true")
    expect(pools).to_be_visible()
    page.keyboard.press("Escape")
    expect(pools).to_be_hidden()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    summary.click()
    pools.click()
    page.wait_for_url(f"{live_server.url}/testing/pools/")
    expect(page.get_by_role("heading", name="Mẫu gộp")).to_be_visible()


def test_on_a_desktop_the_main_tasks_sit_in_the_bar_and_the_rest_in_the_menu(browser, live_server, seeded):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    log_in(page, live_server.url, "province_commander")
    expect(page.locator("nav .nav").get_by_role("link", name="Ca bệnh")).to_be_visible()
    expect(page.get_by_role("link", name="Lô vắc xin")).to_be_hidden()
    page.get_by_role("navigation").locator("summary").click()
    page.get_by_role("link", name="Lô vắc xin").click()
    page.wait_for_url(f"{live_server.url}/vaccination/shipments/")
    expect(page.locator("nav a[aria-current=page]")).to_have_text("Lô vắc xin")
