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
