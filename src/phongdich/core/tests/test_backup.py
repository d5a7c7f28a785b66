"""Backups of a SQLite database taken while another connection keeps committing, and the WAL kept in bounds."""

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from phongdich.core.backup import BackupError, checksum_check, checksum_write, sqlite_snapshot, sqlite_verify
from phongdich.settings import database_from_url


def open_like_the_platform(path: Path) -> sqlite3.Connection:
    """A connection with the pragmas the platform sets on each of its own."""
    db = sqlite3.connect(path, isolation_level=None, timeout=20, check_same_thread=False)
    db.executescript(database_from_url(f"sqlite:///{path}")["OPTIONS"]["init_command"])
    return db


class Writer(threading.Thread):
    """Commits a check-in-sized row and bumps a running total in the same transaction, as fast as it can."""

    def __init__(self, path: Path):
        super().__init__(daemon=True)
        self.db = open_like_the_platform(path)
        self.commits = 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("INSERT INTO ledger (payload) VALUES (randomblob(2000))")
            self.db.execute("UPDATE total SET n = n + 1")
            self.db.execute("COMMIT")
            self.commits += 1


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "phongdich.sqlite3"
    db = open_like_the_platform(path)
    db.executescript(
        "CREATE TABLE ledger (id INTEGER PRIMARY KEY, payload BLOB);"
        "CREATE TABLE total (n INTEGER); INSERT INTO total VALUES (0);"
    )
    db.execute("BEGIN")
    db.executemany("INSERT INTO ledger (payload) VALUES (randomblob(2000))", [()] * 20_000)  # about 40 MB
    db.execute("UPDATE total SET n = 20000")
    db.execute("COMMIT")
    return path, db


def test_a_backup_taken_while_check_ins_keep_committing_finishes_and_is_one_consistent_moment(source, tmp_path):
    path, db = source
    writer = Writer(path)
    writer.start()
    time.sleep(0.3)
    before, started = writer.commits, time.monotonic()
    sqlite_snapshot(db, tmp_path / "backup.sqlite3")
    took, during = time.monotonic() - started, writer.commits - before
    writer.stop.set()
    writer.join()
    assert took < 30 and during > 0  # the writer was never held up for the whole copy
    sqlite_verify(tmp_path / "backup.sqlite3")
    copy = sqlite3.connect(tmp_path / "backup.sqlite3")
    (rows,) = copy.execute("SELECT count(*) FROM ledger").fetchone()
    (total,) = copy.execute("SELECT n FROM total").fetchone()
    assert rows == total > 20_000  # no transaction half in the copy


def test_the_wal_a_long_backup_let_grow_is_cut_back_to_the_limit_afterwards(source, tmp_path, monkeypatch):
    monkeypatch.setenv("PHONGDICH_SQLITE_WAL_LIMIT_MB", "1")
    path, _db = source
    reader, writer = open_like_the_platform(path), open_like_the_platform(path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM ledger").fetchone()  # holds its snapshot, as a backup does
    for _ in range(3000):  # about 6 MB committed, none of it checkpointable past the reader
        writer.execute("INSERT INTO ledger (payload) VALUES (randomblob(2000))")
    wal = Path(f"{path}-wal")
    assert wal.stat().st_size > 4 * 1024 * 1024
    reader.execute("COMMIT")
    for _ in range(10):
        writer.execute("INSERT INTO ledger (payload) VALUES (randomblob(2000))")
    writer.execute("PRAGMA wal_checkpoint(PASSIVE)")
    writer.execute("INSERT INTO ledger (payload) VALUES (randomblob(2000))")
    assert wal.stat().st_size <= 1024 * 1024 + 64 * 1024


def test_a_backup_that_does_not_match_its_checksum_is_refused(tmp_path):
    backup = tmp_path / "phongdich-20220301T000000Z.sqlite3"
    backup.write_bytes(b"SQLite format 3\x00" + bytes(1000))
    checksum_write(backup, backup.name)
    checksum_check(backup)
    backup.write_bytes(backup.read_bytes()[:500])  # cut short in transfer
    with pytest.raises(BackupError, match="checksum"):
        checksum_check(backup)
