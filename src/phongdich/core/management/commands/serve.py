import os
import signal
import subprocess
import sys
import time

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
            help="Do not start a task worker here (a deployment that runs `phongdich db_worker` on its own).",
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
        commands = [argv]
        if not no_task_worker and settings.TASKS["default"]["BACKEND"] == DATABASE_TASKS:
            commands.append([sys.executable, "-m", "phongdich.cli", "db_worker", "--queue-name", "*"])
        sys.exit(_run_together(commands))


DATABASE_TASKS = "django_tasks_db.DatabaseBackend"


def _run_together(commands: list[list[str]]) -> int:
    """Run the processes side by side; when one ends or a stop signal arrives, stop them all."""
    children = [subprocess.Popen(command) for command in commands]

    def stop(*_args):
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while all(child.poll() is None for child in children):
        time.sleep(0.5)
    stop()
    for child in children:
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
    return next((child.returncode for child in children if child.returncode), 0)


def _demo_accounts_exist() -> bool:
    from phongdich.accounts.models import User
    from phongdich.demo.builder import demo_usernames

    return User.objects.filter(username__in=demo_usernames()).exists()
