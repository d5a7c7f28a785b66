import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from phongdich.core import background

logger = logging.getLogger("phongdich.core.background")


class Command(BaseCommand):
    help = (
        "Work the background-task queue. Unlike `db_worker`, it keeps a heartbeat, takes back the tasks of workers "
        "that died, and on a stop signal lets the current step commit and hands its task back (a second signal "
        "stops at once)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between looks at an empty queue.")
        parser.add_argument("--batch", action="store_true", help="Run the waiting tasks, then exit.")

    def handle(self, *args, interval, batch, **options):
        worker = LeasedWorker(
            queue_names=["*"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=f"{background.HOST[:20]}-{get_random_string(24)}",
            excluded_queue_names=[],
        )
        worker.configure_signals()
        worker.run()


class LeasedWorker(Worker):
    """django-tasks-db's worker, with a heartbeat and a stop between a task's transactions."""

    def run(self) -> None:
        self.task_id = None
        background.beat_register(self.worker_id)
        background.tasks_reclaim()
        background.periodic_queue_due()
        heart = Heartbeat(self)
        heart.start()
        try:
            super().run()
        finally:
            heart.stop()
            background.beat_remove(self.worker_id)

    def shutdown(self, signum, frame) -> None:
        """A first signal ends the loop after its short sleep or the running task's step, never in between
        (where a task just claimed would be left running); a second one exits at once."""
        if not self.running:
            super().shutdown(signum, frame)
        logger.warning("Received %s: stopping after the current step", signal.strsignal(signum))
        self.running = False

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.running_task = True
        self.task_id = db_task_result.pk
        background.beat(self.worker_id, self.task_id)
        try:
            with background.stopping_between_transactions(lambda: not self.running):
                value = _call(db_task_result)
        except background.StopRequested:
            logger.warning("Stopped after a step: task %s handed back", db_task_result.pk)
            background.task_hand_back(db_task_result, self.worker_id)
        except (SystemExit, KeyboardInterrupt):  # a second stop signal: the open transaction rolled back
            background.task_hand_back(db_task_result, self.worker_id)
            raise
        except Exception as error:
            logger.exception("Task %s failed", db_task_result.pk)
            db_task_result.set_failed(error)
        else:
            db_task_result.set_successful(value)
        finally:
            self.task_id = None
            self.running_task = False
            self._run_tasks += 1
        background.beat(self.worker_id)


def _call(db_task_result: DBTaskResult):
    result = db_task_result.task_result
    return db_task_result.task.call(*result.args, **result.kwargs)


class Heartbeat(threading.Thread):
    """Beats every few seconds on its own database connection, queues the periodic work that is due, and every
    half lease takes back the tasks of workers that died meanwhile (needed when another worker died while this one
    runs a long task)."""

    def __init__(self, worker: LeasedWorker):
        super().__init__(name="heartbeat", daemon=True)
        self.worker = worker
        self.stopped = threading.Event()

    def run(self) -> None:
        beats_per_reclaim = max(1, settings.PHONGDICH_TASK_LEASE_SECONDS // 2 // background.BEAT_SECONDS)
        count = 0
        while not self.stopped.wait(background.BEAT_SECONDS):
            count += 1
            try:
                background.beat(self.worker.worker_id, getattr(self.worker, "task_id", None))
                background.periodic_queue_due()
                if count % beats_per_reclaim == 0:
                    background.tasks_reclaim()
            except DatabaseError:  # a locked or restarting database: the next beat tries again
                logger.warning("Heartbeat failed", exc_info=True)
        connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=background.BEAT_SECONDS * 2)
