"""Running a service in the background after the transaction that asked for it commits.

A service marks the functions it hands to the worker with `@in_background` and asks for a run with
`run_later(function, *args)`; the one task, `run_in_background`, calls them back by their dotted path. So an
app's services and importers need no tasks module importing them back: no import cycles between them.

The contract a background function keeps: it may be called again with the same arguments after the worker
running it died (killed, stopped, the machine restarted), so it is idempotent and resumes where its last
committed step ended. When a run is given up for good (it died too often), the function's `gave_up` hook,
if it has one, is called with the same arguments and the error, so the work's own record can say so
(`@in_background(gave_up=result_import_gave_up)`), called as `hook(*args, error=message)`.

How that contract is kept (with the database queue): the task row is written in the transaction that asked for
it, so it commits or rolls back with the data. Each worker (`phongdich worker`) keeps a `WorkerBeat` row fresh
every few seconds and names the task it runs. A running task whose worker's beat is gone (the worker stopped or,
on this host, its process no longer exists) or older than the lease is taken back by the next worker to look:
made ready again, or after `PHONGDICH_TASK_ATTEMPTS` claims marked failed and its hook called. A worker asked to
stop lets the current transaction commit, then hands its task back at once (not counted as an attempt).
"""

import logging
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, overload

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Min
from django.tasks import task
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, TaskResultStatus

from .models import PeriodicRun, WorkerBeat

logger = logging.getLogger(__name__)

MARK = "_runs_in_background"
GAVE_UP = "_background_gave_up"


@overload
def in_background[F: Callable[..., Any]](function: F) -> F: ...
@overload
def in_background[F: Callable[..., Any]](*, gave_up: Callable[..., Any] | None = None) -> Callable[[F], F]: ...
def in_background(function=None, *, gave_up=None):
    def mark(function):
        setattr(function, MARK, True)
        setattr(function, GAVE_UP, gave_up)
        return function

    return mark(function) if function is not None else mark


def run_later(function: Callable[..., Any], *args: Any, delay: timedelta | None = None) -> None:
    """Queue `function(*args)` with the current transaction: the queue is in the same database, so the task
    commits or rolls back with the data that asked for it (no crash between the two can leave a job without its
    task), and no worker sees it before the commit. A backend outside the database runs it after the commit.
    `delay`: not before that long from now (a retry's pause), where the backend can defer; at once elsewhere."""
    if not getattr(function, MARK, False):
        raise ValueError(f"{function.__qualname__} is not marked @in_background")
    path = f"{function.__module__}.{function.__qualname__}"
    runner = run_in_background
    if delay and runner.get_backend().supports_defer:
        runner = runner.using(run_after=timezone.now() + delay)
    if isinstance(runner.get_backend(), DatabaseBackend):
        runner.enqueue(path, list(args))
    else:
        transaction.on_commit(lambda: runner.enqueue(path, list(args)))


def marked(path: str) -> Callable[..., Any]:
    """The function a queued task names; only functions the code marked can be named."""
    function = import_string(path)
    if not getattr(function, MARK, False):
        raise ValueError(f"{path} is not marked @in_background")
    return function


@task
def run_in_background(path: str, args: list[Any]) -> None:
    marked(path)(*args)


# -- Periodic work: queued by the workers, once a period whichever worker looks first -----------------------------

PERIODIC: dict[str, timedelta] = {}  # dotted path of an @in_background function without arguments -> its period


def every[F: Callable[..., Any]](*, minutes: int) -> Callable[[F], F]:
    """Have the workers queue this @in_background function (taking no arguments) every `minutes`. The module
    defining it must be imported when a worker starts: an app's `tasks.py`, imported by its AppConfig.ready."""

    def register(function: F) -> F:
        if not getattr(function, MARK, False):
            raise ValueError(f"{function.__qualname__} is not marked @in_background")
        PERIODIC[f"{function.__module__}.{function.__qualname__}"] = timedelta(minutes=minutes)
        return function

    return register


def periodic_queue_due(now: datetime | None = None) -> list[str]:
    """Queue each periodic function whose time has come; returns their paths. Any number of workers may call this
    at once: a conditional update moves the function's next time on, and only the worker whose update changed
    the row queues it. A run still waiting or running is not queued a second time (a busy queue does not pile
    up sweeps); its next time moves on all the same."""
    now = now or timezone.now()
    next_times = dict(PeriodicRun.objects.filter(path__in=list(PERIODIC)).values_list("path", "next_at"))
    queued = []
    for path, period in PERIODIC.items():
        if path not in next_times:
            _periodic_row(path, now)
        elif next_times[path] > now:
            continue  # read without a transaction: a worker looking every few seconds takes no write lock
        if _periodic_take(path, now, period):
            queued.append(path)
    return queued


def _periodic_take(path: str, now: datetime, period: timedelta) -> bool:
    with transaction.atomic():
        if not PeriodicRun.objects.filter(path=path, next_at__lte=now).update(next_at=now + period):
            return False  # another worker has just taken this run
        previous = PeriodicRun.objects.values_list("task_id", flat=True).get(path=path)
        if (
            previous
            and DBTaskResult.objects.filter(
                pk=previous, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
            ).exists()
        ):
            return False
        result = run_in_background.enqueue(path, [])
        PeriodicRun.objects.filter(path=path).update(task_id=result.id, queued_at=now)
        return True


def _periodic_row(path: str, now: datetime) -> None:
    """The function's row, due at once (two workers may both create it: one insert wins)."""
    try:
        with transaction.atomic():
            PeriodicRun.objects.create(path=path, next_at=now)
    except IntegrityError:
        pass


# -- Leases: workers beat, and the tasks of dead workers are taken back ------------------------------------------

BEAT_SECONDS = 5
HOST = socket.gethostname()


def lease() -> timedelta:
    return timedelta(seconds=settings.PHONGDICH_TASK_LEASE_SECONDS)


def beat_register(worker_id: str) -> WorkerBeat:
    now = timezone.now()
    beat, _created = WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"host": HOST, "pid": os.getpid(), "started_at": now, "beat_at": now, "task_id": None},
    )
    return beat


def beat(worker_id: str, task_id: Any = None) -> None:
    """The worker is alive (and runs `task_id`); a row removed meanwhile (taken for dead) is written again."""
    updated = WorkerBeat.objects.filter(worker_id=worker_id).update(beat_at=timezone.now(), task_id=task_id)
    if not updated:
        beat_register(worker_id)
        WorkerBeat.objects.filter(worker_id=worker_id).update(task_id=task_id)


def beat_remove(worker_id: str) -> None:
    WorkerBeat.objects.filter(worker_id=worker_id).delete()


def is_alive(worker: WorkerBeat, now: datetime) -> bool:
    if worker.beat_at < now - lease():
        return False
    return worker.host != HOST or _process_exists(worker.pid)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """A process that has ended but whose parent has not collected it (a worker whose `serve` was killed, left to an
    init that does not reap, as in some containers): it answers signals, yet runs nothing."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False  # no /proc (not Linux): signals are all there is to go by
    return stat.rpartition(")")[2].split()[0] == "Z"


def tasks_reclaim() -> int:
    """Take back every running task whose worker is dead; forget the dead workers. Returns the tasks taken."""
    now = timezone.now()
    workers = list(WorkerBeat.objects.all())
    alive = {worker.worker_id for worker in workers if is_alive(worker, now)}
    abandoned = [
        result
        for result in DBTaskResult.objects.running().only("id", "worker_ids", "started_at")
        if not result.worker_ids or result.worker_ids[-1] not in alive
    ]
    for result in abandoned:
        _task_take_back(result)
    WorkerBeat.objects.filter(pk__in=[w.pk for w in workers if w.worker_id not in alive]).delete()
    return len(abandoned)


def _task_take_back(stale: DBTaskResult) -> None:
    with transaction.atomic():
        result = (
            DBTaskResult.objects.select_for_update()
            .filter(pk=stale.pk, status=TaskResultStatus.RUNNING, started_at=stale.started_at)
            .first()
        )
        if result is None:  # finished, or taken back by another worker meanwhile
            return
        if len(result.worker_ids) < settings.PHONGDICH_TASK_ATTEMPTS:
            logger.warning("Task %s lost its worker %s: queued again", result.pk, result.worker_ids[-1:])
            result.status = TaskResultStatus.READY
            result.save(update_fields=["status"])
            return
        with translation.override(settings.LANGUAGE_CODE):
            message = _("Stopped: the background worker running it stopped %(count)d times before it finished.") % {
                "count": len(result.worker_ids)
            }
        logger.error("Task %s given up: %s", result.pk, message)
        result.set_failed(WorkerDied(message))
        _gave_up_hook(result, message)


class WorkerDied(Exception):
    """The error a task given up is recorded with."""


def _gave_up_hook(result: DBTaskResult, message: str) -> None:
    if result.task_path != f"{__name__}.run_in_background":
        return
    path, args = result.args_kwargs["args"]
    try:
        hook = getattr(marked(path), GAVE_UP)
        if hook is not None:
            with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
                hook(*args, error=message)
    except Exception:  # the task stays failed: a broken hook must not keep it running for ever
        logger.exception("The gave_up hook of %s failed", path)


def task_hand_back(result: DBTaskResult, worker_id: str) -> None:
    """A worker asked to stop gives its task back for the next worker at once; the stop is not an attempt."""
    worker_ids = list(result.worker_ids)
    if worker_ids and worker_ids[-1] == worker_id:
        worker_ids.pop()
    DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, worker_ids=worker_ids
    )


class StopRequested(BaseException):
    """Raised at a step's end when the worker is asked to stop: a BaseException, so the function's own
    `except Exception` (recording an error on its job) does not take a stop for a failure."""


@contextmanager
def stopping_between_transactions(stop_requested: Callable[[], bool]) -> Iterator[None]:
    """While the block runs, once a stop is asked, StopRequested is raised right after a transaction commits or
    at a query outside any transaction: the step in progress commits, the next one never begins."""
    wrapper = transaction.get_connection()
    commit = wrapper.commit

    def commit_then_stop() -> None:
        commit()
        if stop_requested():
            raise StopRequested

    def check(execute, sql, params, many, context):
        if stop_requested() and not context["connection"].in_atomic_block:
            raise StopRequested
        return execute(sql, params, many, context)

    wrapper.commit = commit_then_stop  # type: ignore[method-assign]
    try:
        with wrapper.execute_wrapper(check):
            yield
    finally:
        del wrapper.commit


def queue_health() -> dict[str, Any]:
    """The queue and its workers, for /healthz: two indexed queries (the waiting rows; the few workers)."""
    now = timezone.now()
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).aggregate(
        count=Count("pk"), oldest=Min("enqueued_at")
    )
    beats = WorkerBeat.objects.filter(beat_at__gte=now - lease()).values_list("host", "pid", "task_id")
    alive = [task_id for host, pid, task_id in beats if host != HOST or _process_exists(pid)]
    oldest = waiting["oldest"]
    return {
        "queue": {
            "waiting": waiting["count"],
            "oldest_waiting_s": round((now - oldest).total_seconds()) if oldest else 0,
            "running": sum(task_id is not None for task_id in alive),
        },
        "workers": {"alive": len(alive), "expected": settings.PHONGDICH_TASK_WORKERS},
    }
