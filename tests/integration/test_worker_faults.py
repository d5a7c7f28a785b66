"""Background work when its processes die: real `phongdich worker` and `phongdich serve` processes, killed with
SIGKILL or stopped with SIGTERM in the middle of a task, on SQLite (a copy of the test database in a file the
processes share) and on PostgreSQL (the test database itself)."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection, connections
from django.db.utils import load_backend
from django_tasks_db.models import DBTaskResult

from phongdich.core.background import PERIODIC, run_later
from phongdich.core.models import AuditEvent, WorkerBeat
from phongdich.core.testing import real_clock
from phongdich.core.tests.slow_work import GAVE_UP, slow_work, steps_done
from phongdich.settings import database_from_url

pytestmark = pytest.mark.django_db(transaction=True)

SHARED = "shared"


class Shared:
    """The database the processes use, seen from the test through the alias `using`."""

    def __init__(self, url: str, using: str, directory: Path):
        self.url, self.using, self.directory = url, using, directory
        self.processes: list[subprocess.Popen] = []

    def start(self, *command: str, **env: str) -> subprocess.Popen:
        log = (self.directory / f"{command[0]}-{len(self.processes)}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "phongdich.cli", *command],
            env={**real_clock(os.environ), "PHONGDICH_DATABASE_URL": self.url, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def task(self) -> DBTaskResult:
        """The test's task: the workers also queue the periodic work (core.background.every) as they start."""
        (task,) = [
            result
            for result in DBTaskResult.objects.using(self.using).all()
            if result.args_kwargs["args"][0] not in PERIODIC
        ]
        return task

    def steps(self, key: str) -> list[int]:
        return steps_done(key, using=self.using)

    def logs(self) -> str:
        return "\n".join(path.read_text() for path in sorted(self.directory.glob("*.log")))


@pytest.fixture
def shared(transactional_db, tmp_path) -> Iterator[Callable[[], Shared]]:
    """share() -> the committed test database, for processes to use: PostgreSQL's as it is; SQLite's (in memory)
    copied to a file. Call it once the test has queued its work, its only task."""
    DBTaskResult.objects.all().delete()  # what building the test world queued
    made: list[Shared] = []

    def share() -> Shared:
        if connection.vendor == "postgresql":
            settings = connection.settings_dict
            url = f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:{settings['PORT']}/"
            made.append(Shared(url + settings["NAME"], "default", tmp_path))
        else:
            path = tmp_path / "shared.sqlite3"
            connection.ensure_connection()
            with sqlite3.connect(path) as copy:
                connection.connection.backup(copy)
            _connect(SHARED, f"sqlite:///{path}")
            made.append(Shared(f"sqlite:///{path}", SHARED, tmp_path))
        return made[0]

    yield share
    for process in made[0].processes if made else []:
        if process.poll() is None:
            process.kill()
        process.wait()
    if made and made[0].using == SHARED:
        connections[SHARED].close()
        delattr(connections._connections, SHARED)


def _connect(alias: str, url: str) -> None:
    """A connection made here, not named in the settings (so the test case lets it connect)."""
    settings = connections.configure_settings({"default": database_from_url(url)})["default"]
    setattr(connections._connections, alias, load_backend(settings["ENGINE"]).DatabaseWrapper(settings, alias))


def wait_until(condition: Callable[[], object], seconds: float = 30, what: str = "", shared: Shared | None = None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError(f"waited {seconds} s for {what}\n{shared.logs() if shared else ''}")


def test_a_task_whose_worker_is_killed_resumes_after_its_last_committed_step_in_the_next_worker(shared):
    run_later(slow_work, "xét nghiệm Lái Thiêu", 4, 0.6)
    db = shared()
    first = db.start("worker")
    wait_until(lambda: db.steps("xét nghiệm Lái Thiêu"), what="the first step", shared=db)
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert db.task().status == "RUNNING"  # what stayed "running" for ever
    db.start("worker")
    wait_until(lambda: db.task().status == "SUCCESSFUL", what="the task to finish", shared=db)
    assert db.steps("xét nghiệm Lái Thiêu") == [0, 1, 2, 3]  # each step once: none lost, none done twice
    assert len(db.task().worker_ids) == 2


def test_a_task_whose_workers_keep_dying_is_marked_failed_and_its_hook_told_why(shared):
    run_later(slow_work, "tiêm chủng Thuận An", 3, 60)
    db = shared()
    for attempt in (1, 2):
        worker = db.start("worker", PHONGDICH_TASK_ATTEMPTS="2")
        wait_until(lambda n=attempt: len(db.task().worker_ids) == n, what=f"claim {attempt}", shared=db)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    db.start("worker", PHONGDICH_TASK_ATTEMPTS="2")
    wait_until(lambda: db.task().status == "FAILED", what="the task to be given up", shared=db)
    gave_up = AuditEvent.objects.using(db.using).get(object_type=GAVE_UP, object_id="tiêm chủng Thuận An")
    assert "dừng 2 lần" in gave_up.detail["error"]
    assert "dừng 2 lần" in db.task().traceback


def test_a_stopped_worker_lets_its_step_commit_and_hands_the_task_back_at_once(shared):
    run_later(slow_work, "truy vết Dĩ An", 3, 1.5)
    db = shared()
    worker = db.start("worker")
    wait_until(lambda: WorkerBeat.objects.using(db.using).filter(task_id__isnull=False), what="the run", shared=db)
    time.sleep(0.5)  # into the first step
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=10) == 0
    assert db.steps("truy vết Dĩ An") == [0]  # the step under way committed; the next did not begin
    task = db.task()
    assert (task.status, task.worker_ids) == ("READY", [])  # ready for the next worker, not an attempt used
    assert not WorkerBeat.objects.using(db.using).exists()
    db.start("worker")
    wait_until(lambda: db.task().status == "SUCCESSFUL", what="the task to finish", shared=db)
    assert db.steps("truy vết Dĩ An") == [0, 1, 2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def healthz(port: int) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
            return answer.status, answer.read()
    except OSError:
        return 0, b""


def test_serve_restarts_a_killed_task_worker_keeps_answering_and_a_stop_lets_the_step_commit(shared):
    run_later(slow_work, "khai báo Bến Cát", 8, 1.5)
    db = shared()
    port = free_port()
    serve = db.start("serve", "--port", str(port), "--workers", "1", PHONGDICH_STOP_SECONDS="20")
    wait_until(lambda: db.steps("khai báo Bến Cát"), what="the first step", shared=db)
    first = WorkerBeat.objects.using(db.using).get()
    os.kill(first.pid, signal.SIGKILL)
    answers = []
    while not WorkerBeat.objects.using(db.using).exclude(pid=first.pid).exists():
        answers.append(healthz(port)[0])
        time.sleep(0.2)
        assert len(answers) < 100, db.logs()
    assert set(answers) == {200}  # the web server never stopped
    resumed = len(db.steps("khai báo Bến Cát"))
    wait_until(lambda: len(db.steps("khai báo Bến Cát")) > resumed, what="a step in the new worker", shared=db)
    serve.send_signal(signal.SIGTERM)
    assert serve.wait(timeout=20) == 0, db.logs()
    done = db.steps("khai báo Bến Cát")
    assert done == list(range(len(done))) and len(done) < 8
    task = db.task()
    assert task.status == "READY" and len(task.worker_ids) == 1  # handed back, the kill counted as one attempt


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in {"Z", "X"}  # an orphan's zombie, until something reaps it, is not running


def test_when_serve_is_killed_its_web_server_and_task_worker_die_with_it_and_the_next_worker_resumes(shared):
    run_later(slow_work, "tiêm chủng Tân Uyên", 4, 1.0)
    db = shared()
    port = free_port()
    serve = db.start("serve", "--port", str(port), "--workers", "1")
    wait_until(lambda: db.steps("tiêm chủng Tân Uyên"), what="the first step", shared=db)
    worker_pid = WorkerBeat.objects.using(db.using).get().pid
    serve.send_signal(signal.SIGKILL)
    serve.wait()
    wait_until(lambda: not running(worker_pid) and healthz(port)[0] == 0, seconds=25, what="no orphans", shared=db)
    db.start("worker")
    wait_until(lambda: db.task().status == "SUCCESSFUL", what="the task to finish", shared=db)
    assert db.steps("tiêm chủng Tân Uyên") == [0, 1, 2, 3]
