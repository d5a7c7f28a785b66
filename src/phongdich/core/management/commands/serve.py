import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class Command(BaseCommand):
    help = (
        "Serve the platform with gunicorn (static files are served by the app through WhiteNoise) and, unless "
        "--no-task-worker, one background-task worker (exposure matching) beside it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("PHONGDICH_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PHONGDICH_PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("PHONGDICH_WORKERS", "0")),
            help="Processes (default: 2 × CPU cores + 1).",
        )
        parser.add_argument("--threads", type=int, default=int(os.environ.get("PHONGDICH_THREADS", "1")))
        parser.add_argument(
            "--no-task-worker",
            action="store_true",
            default=os.environ.get("PHONGDICH_TASK_WORKER", "1") == "0",
            help="Do not start a task worker here (a deployment that runs `phongdich worker` on its own).",
        )

    def handle(self, *args, host, port, workers, threads, no_task_worker, **options):
        if host not in LOOPBACK and _demo_accounts_exist():
            raise CommandError(
                "The demo accounts (one shared password) exist in this database: serve it on 127.0.0.1 only, "
                "or use a database without the demo for a public address."
            )
        workers = workers or (os.cpu_count() or 1) * 2 + 1
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "phongdich.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            "127.0.0.1",
            "--timeout",
            "120",
            "--graceful-timeout",
            "20",
        ]
        self.stdout.write(f"Serving on http://{host}:{port}/ with {workers} workers × {threads} threads")
        sys.stdout.flush()
        worker = None
        if not no_task_worker and settings.TASKS["default"]["BACKEND"] == DATABASE_TASKS:
            worker = [sys.executable, "-m", "phongdich.cli", "worker"]
        sys.exit(Supervisor(argv, worker, stop_seconds=settings.PHONGDICH_STOP_SECONDS).run())


DATABASE_TASKS = "django_tasks_db.DatabaseBackend"
PR_SET_PDEATHSIG = 1


def _die_with_parent(signum: int) -> Callable[[], None] | None:
    """Run in the child before it starts: the kernel sends it `signum` when `serve` dies, even by SIGKILL, so no
    orphaned gunicorn keeps the port nor an orphaned worker its task (Linux only)."""
    if not sys.platform.startswith("linux"):
        return None

    def arrange() -> None:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signum)

    return arrange


def restart_wait(quick_deaths: int) -> float:
    """Seconds before starting the task worker again, after it died `quick_deaths` times in a row soon after
    its start: 1, 2, 4 … 60."""
    return min(60.0, 2.0 ** max(quick_deaths - 1, 0))


class Restarting:
    """The task worker, started again when it dies: after 1 s, then 2, 4 … up to 60 s while it keeps dying
    within a minute of its start; once it has run a minute, the next restart waits 1 s again."""

    STEADY_SECONDS = 60.0

    def __init__(self, argv: list[str]):
        self.argv = argv
        self.quick_deaths = 0
        self.restart_at: float | None = None
        self._start()

    def _start(self) -> None:
        self.process = subprocess.Popen(self.argv, preexec_fn=_die_with_parent(signal.SIGKILL), start_new_session=True)
        self.started = time.monotonic()
        self.restart_at = None

    def keep_alive(self) -> None:
        if self.process.poll() is None:
            return
        now = time.monotonic()
        if self.restart_at is None:
            self.quick_deaths = self.quick_deaths + 1 if now - self.started < self.STEADY_SECONDS else 0
            wait = restart_wait(self.quick_deaths)
            self.restart_at = now + wait
            print(
                f"The task worker (pid {self.process.pid}) ended with code {self.process.returncode}: "
                f"starting it again in {wait:.0f} s",
                file=sys.stderr,
                flush=True,
            )
        elif now >= self.restart_at:
            self._start()

    def alive(self) -> bool:
        return self.process.poll() is None

    def terminate(self) -> None:
        """A first call asks the worker to stop after its step; a second one to stop at once."""
        if self.alive():
            self.process.terminate()


class Supervisor:
    """gunicorn (which restarts its own workers) and the task worker. The task worker dying never stops the
    web server: it is started again. gunicorn ending ends `serve` (a process manager starts it again). A stop
    signal is passed on once; a second one stops the task worker at once; after `stop_seconds` what still runs
    is killed."""

    def __init__(self, web: list[str], worker: list[str] | None, *, stop_seconds: int):
        self.web_argv, self.worker_argv, self.stop_seconds = web, worker, stop_seconds
        self.signals: list[int] = []

    def run(self) -> int:
        # Own sessions: a Ctrl+C in the terminal reaches `serve` alone, which passes one stop on to each child.
        web = subprocess.Popen(self.web_argv, preexec_fn=_die_with_parent(signal.SIGTERM), start_new_session=True)
        worker = Restarting(self.worker_argv) if self.worker_argv else None
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda signum, _frame: self.signals.append(signum))
        while web.poll() is None and not self.signals:
            if worker is not None:
                worker.keep_alive()
            time.sleep(0.2)
        self._stop(web, worker)
        return 0 if self.signals else (web.returncode or 1)

    def _stop(self, web: subprocess.Popen, worker: Restarting | None) -> None:
        children = [web] + ([worker.process] if worker is not None else [])
        for child in children:
            if child.poll() is None:
                child.terminate()
        passed_on = len(self.signals)
        deadline = time.monotonic() + self.stop_seconds
        while any(child.poll() is None for child in children) and time.monotonic() < deadline:
            if len(self.signals) > passed_on and worker is not None:
                passed_on = len(self.signals)
                worker.terminate()
            time.sleep(0.2)
        for child in children:
            if child.poll() is None:
                print(f"Killing pid {child.pid}: still running after {self.stop_seconds} s", file=sys.stderr)
                child.kill()
                child.wait()


def _demo_accounts_exist() -> bool:
    from phongdich.accounts.models import User
    from phongdich.demo.builder import demo_usernames

    return User.objects.filter(username__in=demo_usernames()).exists()
