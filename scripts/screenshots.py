"""Screenshots for README.md, taken with Debian's Chromium from a running `make run` server.

.venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000]
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from phongdich.core.chromium import CHROMIUM, CHROMIUM_ARGS

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def log_in(page, username: str) -> None:
    page.goto(f"{BASE}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{BASE}/")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        desktop = browser.new_page(viewport={"width": 1280, "height": 800})
        log_in(desktop, "tinh.chihuy")
        desktop.goto(f"{BASE}/persons/?q=nguyen+thi+hang")
        desktop.screenshot(path=OUT / "persons-search.png")
        desktop.click("table.table tbody tr a")
        desktop.wait_for_load_state()
        desktop.screenshot(path=OUT / "person-detail.png", full_page=True)
        desktop.goto(f"{BASE}/units/")
        desktop.click(".tree summary")
        desktop.wait_for_timeout(500)
        desktop.screenshot(path=OUT / "unit-tree.png")
        desktop.goto(f"{BASE}/tracing/clusters/?status=active&min_size=100")
        desktop.click("table.table tbody tr a")
        desktop.wait_for_load_state()
        desktop.screenshot(path=OUT / "cluster-graph.png")
        desktop.goto(f"{BASE}/testing/rounds/")
        desktop.click("table.table tbody tr a")  # the newest round: round 3 in Lái Thiêu
        desktop.wait_for_load_state()
        desktop.screenshot(path=OUT / "testing-round.png", full_page=True)
        desktop.goto(f"{BASE}/vaccination/")
        desktop.screenshot(path=OUT / "vaccination-coverage.png", full_page=True)
        qr = desktop.request.get(f"{BASE}/vaccination/certificates/1/qr.png").body()
        checkpoint = browser.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=2)
        checkpoint.goto(f"{BASE}/verify")  # no login: the public verifier
        checkpoint.set_input_files("#id_image", {"name": "qr.png", "mimeType": "image/png", "buffer": qr})
        checkpoint.click("#verify-form button[type=submit]")
        checkpoint.wait_for_load_state()
        checkpoint.screenshot(path=OUT / "phone-verify.png")
        phone = browser.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=2)
        log_in(phone, "xa.laithieu")
        phone.goto(f"{BASE}/persons/?q=hang")
        phone.screenshot(path=OUT / "phone-commune-search.png")
        phone.goto(f"{BASE}/testing/pools/?result=positive")
        phone.click("table.table tbody tr a")
        phone.wait_for_load_state()
        phone.screenshot(path=OUT / "phone-pool.png")
        team = browser.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=2)
        log_in(team, "to.laithieu1")
        team.goto(f"{BASE}/tracing/tasks/?state=open")
        team.click("table.table tbody tr a")
        team.wait_for_load_state()
        team.screenshot(path=OUT / "phone-task.png")
        browser.close()


if __name__ == "__main__":
    main()
