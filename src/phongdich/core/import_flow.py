"""The import flow every importer shares: keep the uploaded file → match its columns → start → run in the
background → report.

An uploaded file is read once, when it is kept: its size, header and line lengths are checked then, and its header,
first lines, line count and SHA-256 are written beside it, so the mapping page never reads the file again. A kept
file is bound to the user who uploaded it and to the kind of import: anyone else, or another kind of import,
finds nothing (404), since the file holds names and CCCD numbers. A kept file expires after
PHONGDICH_UPLOAD_HOURS; `uploads_expire` (the `expire_uploads` command, run hourly) deletes expired ones. A
run deletes its file (`upload_forget`) as soon as it finishes or fails for good; only a run stopped part-way
by an unexpected error leaves it, for the run to be queued again, until it expires.
"""

import hashlib
import json
import re
import secrets
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .imports import FileFormatError, Table, iter_table, read_table

PREVIEW_LINES = 5
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass
class KeptUpload:
    token: str
    kind: str
    user_id: int | None
    filename: str
    kept_at: str  # ISO 8601, UTC
    sha256: str
    header: list[str]
    preview: list[tuple[int, list[str]]] = field(default_factory=list)  # the first lines, with their numbers
    rows: int = 0

    @property
    def path(self) -> Path:
        return _folder() / (self.token + (".xlsx" if _is_workbook(self.filename) else ".csv"))

    @property
    def expired(self) -> bool:
        return datetime.fromisoformat(self.kept_at) + _lifetime() < timezone.now()

    def read(self) -> bytes:
        return self.path.read_bytes()

    def table(self) -> Table:
        """The whole file, read lazily (for the run)."""
        return iter_table(self.read(), self.filename)

    def rows_read(self) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
        return read_table(self.read(), self.filename)


def upload_keep(*, actor, kind: str, upload, max_bytes: int) -> KeptUpload:
    """Check and keep an uploaded file (a Django UploadedFile) for `actor`'s import of `kind`."""
    if upload.size > max_bytes:
        raise FileFormatError(
            _("The file is larger than %(limit)d MB; split it.") % {"limit": max_bytes // (1024 * 1024)}
        )
    raw = upload.read()
    filename = (upload.name or "file.csv")[:200]
    table = iter_table(raw, filename)
    user = audit.user_of(actor)
    kept = KeptUpload(
        token=secrets.token_urlsafe(24),
        kind=kind,
        user_id=user.pk if user else None,
        filename=filename,
        kept_at=timezone.now().isoformat(),
        sha256=hashlib.sha256(raw).hexdigest(),
        header=table.header,
        preview=list(islice(table.lines, PREVIEW_LINES)),
        rows=table.size,
    )
    _folder().mkdir(parents=True, exist_ok=True)
    kept.path.write_bytes(raw)
    _meta_path(kept.token).write_text(json.dumps(asdict(kept), ensure_ascii=False), encoding="utf-8")
    return kept


def bytes_keep(*, actor, kind: str, raw: bytes, filename: str) -> KeptUpload:
    """Keep a file read by the code itself (a command's argument, a benchmark's or a test's file)."""
    return upload_keep(actor=actor, kind=kind, upload=ContentFile(raw, name=filename), max_bytes=len(raw))


def upload_for(*, user, kind: str, token: str) -> KeptUpload | None:
    """The file `user` kept for an import of `kind`; None for anyone else's, another kind's, or an expired one."""
    kept = upload_by_token(token)
    if kept is None or kept.kind != kind or kept.user_id is None or kept.user_id != user.pk:
        return None
    return kept


def upload_by_token(token: str) -> KeptUpload | None:
    """A kept file whoever kept it, for the job that owns it; None if unknown or expired."""
    if not token or not TOKEN.match(token):
        return None
    try:
        kept = KeptUpload(**json.loads(_meta_path(token).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    return None if kept.expired or not kept.path.is_file() else kept


def upload_forget(token: str) -> None:
    """Delete a kept file (it holds personal data: kept no longer than the import needs it)."""
    if token and TOKEN.match(token):
        for path in _folder().glob(f"{token}.*"):
            path.unlink(missing_ok=True)


def uploads_expire() -> int:
    """Delete the kept files older than PHONGDICH_UPLOAD_HOURS (and any left without their description)."""
    if not _folder().is_dir():
        return 0
    deadline = timezone.now() - _lifetime()
    tokens = {path.name.split(".")[0] for path in _folder().iterdir() if _kept_at(path) < deadline}
    for token in tokens:
        for path in _folder().glob(f"{token}.*"):
            path.unlink(missing_ok=True)
    return len(tokens)


def _kept_at(path: Path) -> datetime:
    """When a file was kept: the time its description gives (the clock `upload_by_token` checks against), else
    the file's own time, for a file left without a readable description."""
    try:
        return datetime.fromisoformat(json.loads(_meta_path(path.name.split(".")[0]).read_text("utf-8"))["kept_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


class Resumable:
    """What an import job's page shows of a run stopped part-way; the job model has `status`, `progress_at`
    (when its run last committed a slice), `created_at` and `upload_token`."""

    status: str
    progress_at: datetime | None
    created_at: datetime
    upload_token: str

    @property
    def stalled(self) -> bool:
        """Running, but its progress has not moved for longer than a worker's lease: its worker died."""
        moment = self.progress_at or self.created_at
        return self.status == "running" and progress_stalled(moment)

    @property
    def can_run_again(self) -> bool:
        """Stopped part-way (failed, or stalled) with its file still kept: it can continue where it stopped."""
        stopped = self.status == "failed" or self.stalled
        return stopped and upload_by_token(self.upload_token) is not None


def progress_stalled(moment: datetime) -> bool:
    """Whether a run whose progress last moved at `moment` has been still for longer than a worker's lease."""
    return moment < timezone.now() - timedelta(seconds=settings.PHONGDICH_IMPORT_STALLED_SECONDS)


def import_gave_up(model, job_id: int, error: str) -> None:
    """An import job whose worker died once too often (core.background's `gave_up` hook): the job says so and keeps
    its file to be run again."""
    message = _("The import process stopped and was not resumed: %(error)s. Run it again to continue.") % {
        "error": error or _("the worker stopped")
    }
    model.objects.filter(pk=job_id, status__in=("queued", "running")).update(status="failed", message=message[:300])


def slice_lines() -> int:
    return settings.PHONGDICH_IMPORT_SLICE_LINES


class WriterPace:
    """How many rows a long import writes in one transaction, and when it steps aside, on SQLite, where one writer
    at a time holds the whole database. After each slice the import pauses briefly. If another connection committed
    since the last pause or in this one (PRAGMA data_version moves), other writers are at work and wait for the
    lock behind each slice: the next slice is halved, down to a tenth of the configured size, so they never wait
    long. If nobody did, it doubles, up to four times the size, so an import alone runs almost as fast as one long
    transaction. PostgreSQL locks rows, not the database: there the slice stays as configured, with no pause."""

    PAUSE_S = 0.05  # a writer waiting for the lock retries every 50-100 ms (SQLite's busy handler)

    def __init__(self, size: int | None = None):
        self.configured = size or slice_lines()
        self.size = self.configured
        self.sqlite = connection.vendor == "sqlite"
        self.seen = self._data_version() if self.sqlite else 0

    def after_commit(self) -> None:
        if not self.sqlite:
            return
        before = self._data_version()
        time.sleep(self.PAUSE_S)
        after = self._data_version()
        others_write = before != self.seen or after != before  # since our last pause, or in this one
        self.seen = after
        if others_write:
            self.size = max(self.configured // 10, self.size // 2)
        else:
            self.size = min(self.configured * 4, self.size * 2)

    @staticmethod
    def _data_version() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA data_version")  # changes when another connection commits
            return cursor.fetchone()[0]


def _folder() -> Path:
    return Path(settings.VAR_DIR) / "uploads"


def _meta_path(token: str) -> Path:
    return _folder() / f"{token}.json"


def _lifetime() -> timedelta:
    return timedelta(hours=settings.PHONGDICH_UPLOAD_HOURS)


def _is_workbook(filename: str) -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm"))
