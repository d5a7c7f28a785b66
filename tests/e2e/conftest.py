import os
import threading

import pytest


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server, with one request at a time inside the application.

    On in-memory SQLite the server's threads share the test's single database connection. Two requests in
    flight at once (a page load while an HTMX search is still answering) would interleave their transactions on
    it and fail now and then. Connections are still accepted concurrently, so a browser's idle pre-connection
    cannot hold up the next request."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from pytest_django.live_server_helper import LiveServer

    one_at_a_time = threading.Lock()

    class SerialStaticFilesHandler(StaticFilesHandler):
        def __call__(self, environ, start_response):
            with one_at_a_time:
                return super().__call__(environ, start_response)

    server = LiveServer(os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost", start=False)
    server.thread.static_handler = SerialStaticFilesHandler
    server.start()
    yield server
    server.stop()


@pytest.fixture
def browser():
    from phongdich.core.chromium import CHROMIUM, CHROMIUM_ARGS

    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is not installed: apt-get install chromium (CI installs it).")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def seeded():
    """The shared world, rebuilt when an earlier transactional test has flushed it.

    These tests run last (testpaths lists tests/ after src/), so their flush cannot starve other tests."""
    from phongdich.accounts.models import User
    from phongdich.core.testing import build_world

    if not User.objects.filter(username="province_commander").exists():
        build_world()
