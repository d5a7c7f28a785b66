"""Screenshots for README.md, taken in Vietnamese with Debian's Chromium from a running `make run` server.

.venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000 [care | levels | command]]

Desktop pages at 1280 × 800, phone pages at 360 × 740 (twice the pixels). Each page is taken once it has loaded
and its scripts have run (the menu's state, the transmission graph's layout, lists filled by htmx).
"""

import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from phongdich.core.chromium import CHROMIUM, CHROMIUM_ARGS

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "vi-VN"}
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "locale": "vi-VN", "has_touch": True}
FIRST_ROW_LINK = "table.table tbody tr a"


def new_page(browser, settings: dict) -> Page:
    return browser.new_context(**settings).new_page()


def log_in(page: Page, username: str) -> None:
    page.goto(f"{BASE}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{BASE}/")


def open_page(page: Page, path: str) -> None:
    page.goto(f"{BASE}{path}")
    settle(page)


def open_first_row(page: Page, path: str) -> None:
    open_page(page, path)
    page.click(FIRST_ROW_LINK)
    settle(page)


def settle(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)


def shoot(page: Page, name: str, full_page: bool = False) -> None:
    page.screenshot(path=OUT / f"{name}.png", full_page=full_page)


def desktop_pages(browser) -> bytes:
    """The province commander's pages, and the first certificate's QR code for the verifier."""
    desktop = new_page(browser, DESKTOP)
    log_in(desktop, "tinh.chihuy")
    open_page(desktop, "/persons/?q=nguyen+thi+hang")
    shoot(desktop, "persons-search")
    desktop.click(FIRST_ROW_LINK)
    settle(desktop)
    shoot(desktop, "person-detail", full_page=True)
    open_page(desktop, "/units/")
    # The marker opens a unit, its name opens the unit's page: click at the marker.
    desktop.click(".tree summary", position={"x": 4, "y": 8})  # the province's districts
    settle(desktop)
    desktop.click(".tree summary:has-text('Thuận An')", position={"x": 4, "y": 8})  # and one district's wards
    settle(desktop)
    shoot(desktop, "unit-tree")
    open_first_row(desktop, "/tracing/clusters/?status=active&min_size=100")
    desktop.wait_for_selector(".graph svg circle")
    shoot(desktop, "cluster-graph", full_page=True)
    open_first_row(desktop, "/testing/rounds/")  # the newest round: round 3 in Lái Thiêu
    shoot(desktop, "testing-round", full_page=True)
    open_page(desktop, "/vaccination/")
    shoot(desktop, "vaccination-coverage", full_page=True)
    qr = desktop.request.get(f"{BASE}/vaccination/certificates/1/qr.png").body()
    commune = new_page(browser, DESKTOP)
    log_in(commune, "xa.laithieu")
    settle(commune)
    shoot(commune, "home-commune", full_page=True)
    return qr


def phone_pages(browser, qr: bytes) -> None:
    checkpoint = new_page(browser, PHONE)
    open_page(checkpoint, "/verify")  # no login: the public verifier
    checkpoint.set_input_files("#id_image", {"name": "qr.png", "mimeType": "image/png", "buffer": qr})
    checkpoint.click("#verify-form button[type=submit]")
    settle(checkpoint)
    shoot(checkpoint, "phone-verify")
    phone = new_page(browser, PHONE)
    log_in(phone, "xa.laithieu")
    settle(phone)
    shoot(phone, "phone-home")
    phone.click("details.menu-drop > summary")
    phone.wait_for_selector(".menu-panel", state="visible")
    shoot(phone, "phone-menu")
    open_page(phone, "/persons/?q=hang")
    shoot(phone, "phone-commune-search")
    open_first_row(phone, "/testing/pools/?result=positive")
    shoot(phone, "phone-pool")
    team = new_page(browser, PHONE)
    log_in(team, "to.laithieu1")
    open_first_row(team, "/tracing/tasks/?state=open")
    shoot(team, "phone-task")


def care_pages(browser) -> None:
    """Care: the district's alert queue, an F0's order on the health worker's phone, the public self-report page
    through that order's link, and the commune's releases due."""
    district = new_page(browser, DESKTOP)
    log_in(district, "huyen.thuanan")
    open_page(district, "/care/alerts/")
    shoot(district, "care-alerts", full_page=True)
    commune = new_page(browser, DESKTOP)
    log_in(commune, "xa.laithieu")
    open_page(commune, "/care/release/")
    shoot(commune, "care-release", full_page=True)
    worker = new_page(browser, PHONE)
    log_in(worker, "yte.laithieu")
    open_first_row(worker, "/care/orders/?kind=f0_home&status=active")
    shoot(worker, "phone-care-order", full_page=True)
    link = worker.inner_text("#self-reports code.token")  # the address as the card and the SMS give it
    resident = new_page(browser, PHONE)  # no login: the household's personal link
    open_page(resident, "/r/" + link.split("/r/", 1)[1])
    shoot(resident, "phone-self-report", full_page=True)
    command = new_page(browser, DESKTOP)
    log_in(command, "tinh.chihuy")
    open_page(command, "/care/tower/")
    shoot(command, "care-tower")  # the top of the board: free beds, capacity, the 7-day trend
    open_page(command, "/care/tower/transfers/")
    command.click(".desk-rows a")  # the oldest open request: a bed held for it
    settle(command)
    shoot(command, "care-transfer", full_page=True)


def levels_pages(browser) -> None:
    """Epidemic levels: the province's weekly assessments and target, why Lái Thiêu is at its level, the map,
    the public page on a phone, and a lockdown area."""
    command = new_page(browser, DESKTOP)
    log_in(command, "tinh.chihuy")
    open_page(command, "/levels/")
    shoot(command, "levels-home", full_page=True)
    command.click("table.table tbody tr a")  # the newest week: proposed, awaiting review
    settle(command)
    open_page(command, command.url.removeprefix(BASE).split("?")[0] + "?level=commune")
    command.click("table.table tbody tr a")
    settle(command)
    shoot(command, "levels-why", full_page=True)
    open_page(command, "/levels/map/?depth=2")
    shoot(command, "levels-map")  # the top: the slider, the counts and the map
    district = new_page(browser, DESKTOP)
    log_in(district, "huyen.thuanan")
    open_first_row(district, "/levels/zones/")
    shoot(district, "levels-zone", full_page=True)
    public = new_page(browser, PHONE)  # no login
    open_page(public, "/cap-do-dich/")
    shoot(public, "phone-levels-public")  # the first screen: the week, the legend and the map


def command_pages(browser) -> None:
    """The command centre: the province's dashboard (desktop and phone), a situation report rolled up, the alert
    inbox, the duty log, the forecast (desktop and phone) and the scenarios compared."""
    command = new_page(browser, DESKTOP)
    log_in(command, "tinh.chihuy")
    open_page(command, "/command/")
    shoot(command, "command-dashboard")  # the top: the day's cases, the alerts, tasks and targets
    open_first_row(command, "/command/reports/")  # today's province report, a draft quoting the units below
    shoot(command, "command-report", full_page=True)
    open_page(command, "/command/alerts/")
    shoot(command, "command-alerts")
    open_page(command, "/command/duty/")
    shoot(command, "command-duty")
    open_page(command, "/command/forecast/")
    shoot(command, "command-forecast", full_page=True)  # Rt, the projection, the demand, the track record
    open_page(command, "/command/forecast/scenarios/")
    command.click("main form button[type=submit]")  # the three scenarios against the baseline
    settle(command)
    shoot(command, "command-scenarios")
    phone = new_page(browser, PHONE)
    log_in(phone, "tinh.chihuy")
    open_page(phone, "/command/")
    shoot(phone, "phone-command-dashboard")
    open_page(phone, "/command/forecast/")
    shoot(phone, "phone-command-forecast")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        if sys.argv[2:] == ["care"]:  # only the care pages
            care_pages(browser)
        elif sys.argv[2:] == ["levels"]:  # only the level pages
            levels_pages(browser)
        elif sys.argv[2:] == ["command"]:  # only the command centre's pages
            command_pages(browser)
        else:
            phone_pages(browser, desktop_pages(browser))
            care_pages(browser)
            levels_pages(browser)
            command_pages(browser)
        browser.close()


if __name__ == "__main__":
    main()
