"""Backups that finish while the platform serves, and restores into a fresh database.

SQLite: `VACUUM INTO` copies one read snapshot in a single pass; the online-backup API (`sqlite3 .backup`)
starts over whenever another connection commits, so under steady check-in traffic it may never finish.
PostgreSQL: `pg_dump -Fc`, itself one snapshot. Each file is named by its UTC time, has a `.sha256` beside it
(the `sha256sum` format), and is opened before it is kept; a restore checks the sum first."""

import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection
from django.utils import timezone


class BackupError(Exception):
    pass


def backup_create(directory: Path) -> Path:
    """Write a verified, checksummed backup of the configured database into `directory`; return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    if connection.vendor == "sqlite":
        target, write, verify = directory / f"phongdich-{stamp}.sqlite3", _sqlite_write, sqlite_verify
    elif connection.vendor == "postgresql":
        target, write, verify = directory / f"phongdich-{stamp}.dump", _pg_write, pg_verify
    else:
        raise ImproperlyConfigured(f"No backup for the {connection.vendor} database.")
    partial = target.with_name(target.name + ".partial")
    try:
        write(partial)
        verify(partial)
        checksum_write(partial, target.name)
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def backup_restore(path: Path, database: dict) -> None:
    """Restore a backup into a new database (`database` as in settings.DATABASES): a SQLite file that does not
    exist yet, or a PostgreSQL database that is created here. Never over a database in use."""
    checksum_check(path)
    if database["ENGINE"].endswith("sqlite3"):
        _sqlite_restore(path, Path(database["NAME"]))
    elif database["ENGINE"].endswith("postgresql"):
        _pg_restore(path, database)
    else:
        raise ImproperlyConfigured(f"No restore into {database['ENGINE']}.")


def _sqlite_write(path: Path) -> None:
    connection.ensure_connection()
    sqlite_snapshot(connection.connection, path)


def _pg_write(path: Path) -> None:
    _pg_run("pg_dump", "-Fc", "-f", str(path), settings=connection.settings_dict)


def sqlite_snapshot(source: sqlite3.Connection, target: Path) -> None:
    """One consistent copy of the open database, however much is committed meanwhile (WAL mode lets writers
    go on; they wait only for the moment the snapshot starts)."""
    source.execute("VACUUM INTO ?", [str(target)])


def sqlite_verify(path: Path) -> None:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        (result,) = db.execute("PRAGMA quick_check").fetchone()
        tables = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    db.close()
    if result != "ok" or not tables:
        raise BackupError(f"{path.name} does not open as a database: {result}")


def pg_verify(path: Path) -> None:
    listing = subprocess.run([pg_tool("pg_restore"), "--list", str(path)], capture_output=True, text=True)
    if listing.returncode or "TABLE DATA" not in listing.stdout:
        raise BackupError(f"{path.name} does not open as a pg_dump archive: {listing.stderr.strip()}")


def checksum_write(path: Path, name: str) -> None:
    Path(f"{path.parent / name}.sha256").write_text(f"{_sha256(path)}  {name}\n")


def checksum_check(path: Path) -> None:
    sidecar = Path(f"{path}.sha256")
    if not sidecar.exists():
        raise BackupError(f"{sidecar.name} is missing: the backup cannot be checked.")
    if sidecar.read_text().split()[0] != _sha256(path):
        raise BackupError(f"{path.name} does not match its checksum: it is damaged or incomplete.")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _sqlite_restore(path: Path, target: Path) -> None:
    if target.exists():
        raise BackupError(f"{target} exists: restore into a new file, then point PHONGDICH_DATABASE_URL at it.")
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(path, partial)
    sqlite_verify(partial)
    partial.rename(target)


def _pg_restore(path: Path, database: dict) -> None:
    name = database["NAME"]
    try:
        with connection.cursor() as cursor:  # CREATE DATABASE refuses an existing name: nothing is overwritten
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    except DatabaseError as error:
        raise BackupError(f"Database {name} exists or cannot be created: {error}") from error
    _pg_run("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "-d", name, str(path), settings=database)


def _pg_run(tool: str, *args: str, settings: dict) -> None:
    env = {**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""}
    command = [pg_tool(tool), "-h", settings["HOST"] or "localhost", "-p", settings["PORT"] or "5432"]
    command += ["-U", settings["USER"], *args]
    if tool == "pg_dump":
        command.append(settings["NAME"])
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{tool} failed: {done.stderr.strip()}")


def pg_tool(name: str) -> str:
    """The PostgreSQL client program: on the PATH, or the newest in Debian's /usr/lib/postgresql/*/bin."""
    if found := shutil.which(name):
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if not versions:
        raise BackupError(f"{name} is not installed (PostgreSQL client programs).")
    return str(versions[-1])
