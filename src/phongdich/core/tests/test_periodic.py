"""Periodic background work (core.background.every): queued by the workers once a period, whichever looks first,
and not piled up while a run still waits. Two real workers: tests/integration/test_periodic_workers.py."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, TaskResultStatus

from phongdich.core import background
from phongdich.core.background import every, in_background, periodic_queue_due
from phongdich.core.models import PeriodicRun

pytestmark = pytest.mark.django_db
TICK = f"{__name__}.tick"


@in_background
def tick() -> None:
    """Does nothing: what matters here is when it is queued."""


@pytest.fixture(autouse=True)
def only_tick(monkeypatch):
    DBTaskResult.objects.all().delete()  # what building the test world queued
    monkeypatch.setattr(background, "PERIODIC", {TICK: timedelta(minutes=5)})


def queued() -> list[DBTaskResult]:
    return [task for task in DBTaskResult.objects.all() if task.args_kwargs["args"][0] == TICK]


def test_a_periodic_function_is_queued_at_once_then_once_a_period():
    start = timezone.now()
    assert periodic_queue_due(start) == [TICK]
    assert periodic_queue_due(start + timedelta(seconds=5)) == []  # a second worker looking a moment later
    assert periodic_queue_due(start + timedelta(minutes=4)) == []
    DBTaskResult.objects.update(status=TaskResultStatus.SUCCESSFUL)
    assert periodic_queue_due(start + timedelta(minutes=5)) == [TICK]
    assert len(queued()) == 2
    run = PeriodicRun.objects.get(path=TICK)
    assert run.next_at == start + timedelta(minutes=10) and str(run.task_id) == str(queued()[-1].id)


def test_two_workers_with_the_same_moment_queue_one_run():
    now = timezone.now()
    assert periodic_queue_due(now) + periodic_queue_due(now) == [TICK]
    assert len(queued()) == 1


def test_a_run_still_waiting_is_not_queued_again_but_the_next_time_moves_on():
    start = timezone.now()
    periodic_queue_due(start)
    assert periodic_queue_due(start + timedelta(minutes=6)) == []  # the first run never started: a busy queue
    assert len(queued()) == 1
    assert PeriodicRun.objects.get(path=TICK).next_at == start + timedelta(minutes=11)
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING)
    assert periodic_queue_due(start + timedelta(minutes=12)) == []


def test_only_a_background_function_can_be_periodic():
    def plain() -> None:
        pass

    with pytest.raises(ValueError):
        every(minutes=5)(plain)


def test_the_care_sweep_is_registered_every_five_minutes(monkeypatch):
    monkeypatch.undo()  # the real registry, filled when the apps are ready
    assert background.PERIODIC["phongdich.care.tasks.care_sweep"] == timedelta(minutes=5)
