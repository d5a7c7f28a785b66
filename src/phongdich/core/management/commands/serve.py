import os
import sys

from django.core.management.base import BaseCommand, CommandError

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class Command(BaseCommand):
    help = "Serve the platform with gunicorn (static files are served by the app through WhiteNoise)."

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

    def handle(self, *args, host, port, workers, threads, **options):
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
        os.execv(sys.executable, argv)


def _demo_accounts_exist() -> bool:
    from phongdich.accounts.models import User
    from phongdich.demo.builder import demo_usernames

    return User.objects.filter(username__in=demo_usernames()).exists()
