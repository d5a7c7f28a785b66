"""Races: N requests with their own database connections, released at the same moment by a barrier.

They run on PostgreSQL only. SQLite serialises writers (`transaction_mode: IMMEDIATE`: a write transaction takes
the database's one write lock when it begins), so the second writer's pre-check always sees the first writer's
row and the race cannot happen there."""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: the race cannot happen (see this package's docstring)")


@pytest.fixture
def seeded(transactional_db):
    """The shared world, committed; rebuilt when an earlier transactional test has flushed it."""
    from phongdich.accounts.models import User
    from phongdich.core.testing import World, build_world

    if not User.objects.filter(username="province_commander").exists():
        build_world()
    return World()


@dataclass
class Outcome:
    results: list[Any] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)

    def refusals(self) -> list[str]:
        """The messages of the ValidationErrors; anything else raised fails the test (it would be a 500)."""
        unexpected = [error for error in self.errors if not isinstance(error, ValidationError)]
        assert not unexpected, unexpected
        return [message for error in self.errors for message in error.messages]


@pytest.fixture
def race(monkeypatch):
    """race(attempts, check=(module, "function")) -> Outcome: each attempt runs in its own thread (so on its own
    database connection). With `check`, the service's pre-check, every thread waits after passing it until all
    have: they then insert at the same moment, the window two requests hit by chance in production. Each
    thread's later calls (the re-check after a refused insert) run straight through."""

    def run_all(attempts: list[Callable[[], Any]], check: tuple[object, str] | None = None) -> Outcome:
        barrier = threading.Barrier(len(attempts), timeout=20)
        if check is not None:
            _hold_after_first_call(monkeypatch, *check, barrier)
        outcome = Outcome()
        lock = threading.Lock()

        def run(attempt: Callable[[], Any]) -> None:
            try:
                if check is None:
                    barrier.wait()
                result = attempt()
                with lock:
                    outcome.results.append(result)
            except BaseException as error:  # every failure is part of the outcome
                with lock:
                    outcome.errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        return outcome

    return run_all


def _hold_after_first_call(monkeypatch, module: object, name: str, barrier: threading.Barrier) -> None:
    original = getattr(module, name)
    seen = threading.local()

    def held(*args, **kwargs):
        result = original(*args, **kwargs)
        if not getattr(seen, "held", False):
            seen.held = True
            barrier.wait()
        return result

    monkeypatch.setattr(module, name, held)
