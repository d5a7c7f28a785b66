import os
import threading
import time

import pytest


def _sleep_on_the_real_monotonic_clock(seconds: float) -> None:
    threading.Event().wait(seconds)


if "FAKETIME" in os.environ:  # run by scripts/moved-clock
    # Under libfaketime 0.9.10 with monotonic time left real, time.sleep fails with EINVAL (its absolute deadline
    # is mangled); an Event's timed wait works.
    time.sleep = _sleep_on_the_real_monotonic_clock


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    """A fast password hasher, and static files served from the apps without running collectstatic."""
    import tempfile

    from django.conf import settings
    from django.test import override_settings

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        STORAGES=storages,
        STATIC_ROOT=tempfile.mkdtemp(prefix="phongdich-static-"),
        WHITENOISE_USE_FINDERS=True,
        DCC_KEY_DIR=tempfile.mkdtemp(prefix="phongdich-dcc-keys-"),
    ):
        yield


@pytest.fixture(autouse=True)
def _real_clock():
    """Every test starts on the real time, whatever a demo built by an earlier test recorded."""
    from phongdich.core import clock

    clock.use(None)
    yield
    clock.use(None)


@pytest.fixture(autouse=True)
def _empty_cache():
    """No test sees what an earlier one left in the cache (the bed board's closed days, for one)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The shared world is built once; each test runs in a transaction rolled back afterwards."""
    from phongdich.core.testing import build_world

    with django_db_blocker.unblock():
        build_world()


@pytest.fixture
def seeded():
    """The shared world, committed, for tests whose work runs in other processes (transaction=True); rebuilt when
    an earlier such test has flushed it."""
    from phongdich.accounts.models import User
    from phongdich.core.testing import World, build_world

    if not User.objects.filter(username="province_commander").exists():
        build_world()
    return World()


@pytest.fixture
def world(db):
    from phongdich.core.testing import World

    return World()


@pytest.fixture
def client_as(client, world):
    """client_as("commune_officer") -> a test client logged in as that persona."""

    def login(name: str):
        client.force_login(world.user(name))
        return client

    return login


@pytest.fixture
def api_as(client, world):
    """api_as("commune_officer") -> a client sending that persona's freshly created API token."""
    from phongdich.accounts.services import api_token_create

    def make(name: str):
        user = world.user(name)
        _token, plain = api_token_create(actor=user, user=user, name="test")
        from django.test import Client

        return Client(headers={"Authorization": f"Bearer {plain}"})

    return make


@pytest.fixture
def queries_do_not_grow(django_assert_max_num_queries):
    """queries_do_not_grow(bound, fetch, add_rows): `fetch()` costs at most `bound` queries, and exactly as many
    again after `add_rows()` has added rows to what it lists; returns what the two fetches answered."""

    def check(bound: int, fetch, add_rows):
        fetch()  # a client's first request also loads its user, token and scopes, which are then cached
        with django_assert_max_num_queries(bound) as few:
            before = fetch()
        add_rows()
        with django_assert_max_num_queries(bound) as more:
            after = fetch()
        assert len(more) == len(few), f"{len(few)} queries with a few rows, {len(more)} with more"
        return before, after

    return check


@pytest.fixture
def untranslated_msgids():
    """The messages a test's Vietnamese pages looked up without a Vietnamese translation: assert it stays empty."""
    from phongdich.core.testing import untranslated_msgids

    with untranslated_msgids() as missed:
        yield missed
