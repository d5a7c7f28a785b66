"""Form and drawing widgets on a 360-px phone screen, in Vietnamese."""

import os
import re

import pytest
from playwright.sync_api import expect
from test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def shot(page, name):
    if os.environ.get("PHONGDICH_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['PHONGDICH_SCREENSHOTS']}/{name}.png", full_page=True)


def assert_radio_sits_beside_its_label(page, label_text):
    label = page.locator("label").filter(has_text=label_text).first
    radio = label.locator("input[type=radio]")
    box, words = radio.bounding_box(), label.bounding_box()
    assert 16 <= box["width"] <= 40, "the radio button is not a small round button"
    assert words["height"] >= 44, "the choice is too small to tap"
    middle = box["y"] + box["height"] / 2
    assert words["y"] <= middle <= words["y"] + words["height"], "the radio button is not on its label's line"
    label.get_by_text(label_text).click()
    expect(radio).to_be_checked()


def test_on_a_phone_a_team_member_picks_a_task_outcome_by_tapping_its_words(browser, live_server, seeded):
    from phongdich.surveillance.models import TracingTask

    page = browser.new_page(viewport=PHONE)
    log_in(page, live_server.url, "community_team")
    task = TracingTask.objects.filter(person__full_name="Lý Thị Thu").first()
    page.goto(f"{live_server.url}/tracing/tasks/{task.pk}/")
    assert_radio_sits_beside_its_label(page, "Đã cách ly")
    assert_radio_sits_beside_its_label(page, "Không tìm thấy")
    shot(page, "task-outcome-360")


def test_on_a_phone_a_lab_technician_picks_a_pool_result_by_tapping_its_words(browser, live_server, seeded):
    from phongdich.labs.models import Pool

    page = browser.new_page(viewport=PHONE)
    log_in(page, live_server.url, "lab_technician")
    pool = Pool.objects.get(barcode="LT-POOL-0001")
    page.goto(f"{live_server.url}/testing/pools/{pool.pk}/")
    assert_radio_sits_beside_its_label(page, "Dương tính")
    assert_radio_sits_beside_its_label(page, "Âm tính")
    shot(page, "pool-result-360")


def test_on_a_phone_the_vietnamese_transmission_graph_zooms_and_pans(browser, live_server, seeded):
    from phongdich.surveillance.models import Case

    page = browser.new_page(viewport=PHONE)
    log_in(page, live_server.url, "province_commander")
    case = Case.objects.get(person__full_name="Đỗ Văn Tâm")
    page.goto(f"{live_server.url}/tracing/clusters/{case.cluster_id}/?max_level=1")
    svg = page.locator(".graph svg")

    def view_box():
        return [float(n) for n in svg.get_attribute("viewBox").split()]

    for name in ("width", "height"):
        float(svg.get_attribute(name))
    for circle in page.locator(".graph circle").all():
        assert re.fullmatch(r"-?\d+(\.\d+)?", circle.get_attribute("cx")), circle.get_attribute("cx")
    whole = view_box()
    page.get_by_role("button", name="Phóng to").click()
    zoomed = view_box()
    assert zoomed[2] < whole[2] and zoomed[3] < whole[3]
    box = svg.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 - 60, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    assert view_box()[0] > zoomed[0], "dragging left does not move the view right"
    page.get_by_role("button", name="Thu nhỏ").click()
    page.get_by_role("button", name="Toàn bộ sơ đồ").click()
    assert view_box() == whole
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "cluster-graph-360")
