from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from phongdich.core.backup import BackupError, backup_restore
from phongdich.settings import database_from_url


class Command(BaseCommand):
    help = (
        "Restore a backup made by `phongdich backup` into a new database (a SQLite file that does not exist yet, or "
        "a PostgreSQL database created by the restore), after checking its .sha256. Then point "
        "PHONGDICH_DATABASE_URL at it and restart."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path)
        parser.add_argument(
            "--to", required=True, help="sqlite:///path/new.sqlite3 or postgres://user:pw@host/new_name"
        )

    def handle(self, *args, backup, to, **options):
        try:
            backup_restore(backup, database_from_url(to))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {backup.name} into {to.rsplit('@', 1)[-1]}.")
