"""Background work: queued with the data that asked for it, taken back from dead workers, reported on /healthz.
Real workers killed for real: tests/integration/test_worker_faults.py."""

import os
from datetime import timedelta

import pytest
from django.db import OperationalError, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from phongdich.core import background, views
from phongdich.core.background import run_later, tasks_reclaim
from phongdich.core.management.commands.serve import restart_wait
from phongdich.core.models import AuditEvent, WorkerBeat
from phongdich.core.tests.slow_work import GAVE_UP, slow_work

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_queue():
    DBTaskResult.objects.all().delete()  # what building the test world queued


def queued(key: str) -> DBTaskResult | None:
    return next((task for task in DBTaskResult.objects.all() if task.args_kwargs["args"][1][0] == key), None)


def test_work_asked_for_in_a_transaction_is_queued_in_it_so_no_crash_after_the_commit_can_lose_it():
    with transaction.atomic():
        run_later(slow_work, "xét nghiệm Lái Thiêu", 2, 0)
        assert queued("xét nghiệm Lái Thiêu") is not None  # already there: nothing is left for after the commit
    with pytest.raises(RuntimeError), transaction.atomic():
        run_later(slow_work, "xét nghiệm Dĩ An", 2, 0)
        raise RuntimeError("the service failed after asking")
    assert queued("xét nghiệm Dĩ An") is None  # rolled back with the data


def test_a_new_case_and_its_exposure_matching_task_are_written_together(world):
    from phongdich.surveillance.services import case_confirm

    hang = world.person("Nguyễn Thị Hằng", "25966")
    case = case_confirm(
        actor=world.user("commune_officer"),
        person=hang,
        confirmed_at=timezone.now() - timedelta(minutes=5),
        confirmation_test="rt_pcr",
        detection_setting="community",
    )
    task = DBTaskResult.objects.get()  # no on_commit callback ran (the test's transaction never commits)
    assert task.args_kwargs["args"] == ["phongdich.surveillance.services.cases.exposure_match_later", [case.pk]]


def claimed_by(key: str, *worker_ids: str) -> DBTaskResult:
    run_later(slow_work, key, 3, 0)
    task = queued(key)
    for worker_id in worker_ids:
        task.claim(worker_id)
    return task


def beat(worker_id: str, *, seconds_ago: float, host: str = "may-chu-2", pid: int = 4242) -> WorkerBeat:
    at = timezone.now() - timedelta(seconds=seconds_ago)
    return WorkerBeat.objects.create(worker_id=worker_id, host=host, pid=pid, started_at=at, beat_at=at)


def test_a_task_whose_worker_stopped_beating_for_a_lease_is_queued_again(settings):
    task = claimed_by("tiêm chủng Thuận An", "may-chu-2-a")
    beat("may-chu-2-a", seconds_ago=settings.PHONGDICH_TASK_LEASE_SECONDS + 5)
    assert tasks_reclaim() == 1
    task.refresh_from_db()
    assert task.status == "READY" and task.worker_ids == ["may-chu-2-a"]
    assert not WorkerBeat.objects.filter(worker_id="may-chu-2-a").exists()  # the dead worker is forgotten


def test_a_task_whose_worker_beats_is_left_running():
    task = claimed_by("tiêm chủng Thuận An", "may-chu-2-a")
    beat("may-chu-2-a", seconds_ago=2)
    assert tasks_reclaim() == 0
    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_a_task_whose_worker_process_is_gone_from_this_machine_is_queued_again_at_once():
    task = claimed_by("truy vết Bến Cát", "here-a")
    gone = 2**22 + 17  # above Linux's default pid_max: no such process
    beat("here-a", seconds_ago=1, host=background.HOST, pid=gone)
    assert tasks_reclaim() == 1
    task.refresh_from_db()
    assert task.status == "READY"


def test_a_task_that_lost_its_worker_on_every_attempt_is_failed_and_its_hook_called_with_the_error(settings):
    task = claimed_by("khai báo Dĩ An", "a", "b", "c")
    assert settings.PHONGDICH_TASK_ATTEMPTS == 3
    assert tasks_reclaim() == 1
    task.refresh_from_db()
    assert task.status == "FAILED" and "dừng 3 lần" in task.traceback
    told = AuditEvent.objects.get(object_type=GAVE_UP, object_id="khai báo Dĩ An")
    assert told.detail["error"] == ("Đã dừng: tiến trình chạy nền xử lý việc này đã bị dừng 3 lần trước khi xong.")


def test_healthz_reports_the_queue_and_is_degraded_without_a_live_task_worker(client):
    run_later(slow_work, "xét nghiệm Lái Thiêu", 2, 0)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(seconds=90))
    body = client.get("/healthz").json()
    assert body["queue"]["oldest_waiting_s"] in (90, 91, 92)
    assert body == {
        "status": "degraded",
        "database": "ok",
        "queue": {"waiting": 1, "oldest_waiting_s": body["queue"]["oldest_waiting_s"], "running": 0},
        "workers": {"alive": 0, "expected": 1},
        "problems": ["task workers missing"],
    }
    beat("here-a", seconds_ago=1, host=background.HOST, pid=os.getpid())
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json()["status"] == "ok"


def test_healthz_is_degraded_when_the_oldest_waiting_task_is_late(client):
    beat("here-a", seconds_ago=1, host=background.HOST, pid=os.getpid())
    run_later(slow_work, "xét nghiệm Lái Thiêu", 2, 0)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=11))
    body = client.get("/healthz").json()
    assert body["status"] == "degraded" and body["problems"] == ["queue late"]
    assert 655 <= body["queue"]["oldest_waiting_s"] <= 665


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setattr(views, "queue_health", unreachable)
    answer = client.get("/healthz")
    assert answer.status_code == 503 and answer.json() == {"status": "down", "database": "unreachable"}


def test_a_task_worker_that_keeps_dying_is_started_again_ever_more_slowly_up_to_a_minute():
    assert [restart_wait(deaths) for deaths in range(0, 9)] == [1, 1, 2, 4, 8, 16, 32, 60, 60]


def test_a_worker_that_ended_but_was_never_collected_counts_as_dead():
    import subprocess
    import time

    from phongdich.core.background import _process_exists

    ended = subprocess.Popen(["true"])  # not waited for: a zombie until collected, as under an init that never reaps
    time.sleep(0.3)
    try:
        assert not _process_exists(ended.pid)
        assert _process_exists(os.getpid())
    finally:
        ended.wait()
