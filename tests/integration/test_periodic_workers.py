"""Periodic work with real workers: two `phongdich worker` processes starting together on the same database queue
the care sweep once, and one of them runs it."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, TaskResultStatus
from test_worker_faults import shared, wait_until  # noqa: F401  (the shared database of the worker tests)

from phongdich.core.models import AuditEvent, PeriodicRun

SWEEP = "phongdich.care.tasks.care_sweep"


@pytest.fixture
def overdue_alert(transactional_db):
    """An alert nobody acknowledged, due to escalate long ago whatever clock the workers run on."""
    from phongdich.accounts.models import User
    from phongdich.care.models import Alert
    from phongdich.care.tests.factories import an_order
    from phongdich.core.testing import World, build_world

    if not User.objects.filter(username="province_commander").exists():
        build_world()  # flushed by an earlier transactional test
    order = an_order(World().person("Nguyễn Thị Hằng", "25966"))
    long_ago = timezone.make_aware(datetime(2021, 9, 1, 8, 0))
    return Alert.objects.create(
        order=order,
        person_id=order.person_id,
        unit_id=order.unit_id,
        kind="warning_sign",
        severity="moderate",
        signs=[{"code": "spo2_low", "value": 95, "limit": 96}],
        raised_at=long_ago,
        acknowledge_by=long_ago + timedelta(minutes=15),
        escalate_at=long_ago + timedelta(minutes=30),
    )


def sweeps(db) -> list[DBTaskResult]:
    return [task for task in DBTaskResult.objects.using(db.using) if task.args_kwargs["args"][0] == SWEEP]


def test_two_workers_starting_together_queue_and_run_the_sweep_once(overdue_alert, shared):  # noqa: F811
    db = shared()
    workers = [db.start("worker", "--batch"), db.start("worker", "--batch")]
    for worker in workers:
        worker.wait(timeout=120)
    assert [worker.returncode for worker in workers] == [0, 0], db.logs()
    runs = sweeps(db)
    assert len(runs) == 1, db.logs()
    assert runs[0].status == TaskResultStatus.SUCCESSFUL and len(runs[0].worker_ids) == 1
    assert PeriodicRun.objects.using(db.using).get(path=SWEEP).task_id == runs[0].id
    escalated = type(overdue_alert).objects.using(db.using).get(pk=overdue_alert.pk)
    assert escalated.escalated_at is not None
    rows = AuditEvent.objects.using(db.using).filter(actor_label="care-sweep", object_type="care.alert")
    assert [row.detail["escalated"] for row in rows if "escalated" in row.detail] == [1]
