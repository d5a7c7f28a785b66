import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from phongdich.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database while it serves (SQLite: VACUUM INTO; PostgreSQL: pg_dump -Fc) into a file named by "
        "its UTC time, with a .sha256 beside it; the file is opened before it is kept. Prints its path."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=None, help="Where to write (default: var/backups).")

    def handle(self, *args, dir, **options):
        started = time.monotonic()
        try:
            path = backup_create(dir or settings.VAR_DIR / "backups")
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stderr.write(f"Backup written and verified in {time.monotonic() - started:.1f} s.")
        self.stdout.write(str(path))
