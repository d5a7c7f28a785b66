"""Reading tabular files for imports, and the row-level error report every importer returns."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = _("line %(line)d") % {"line": self.line}
        if self.column:
            where += ", " + _("column %(column)s") % {"column": self.column}
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, line: int, column: str, message: str) -> None:
        self.errors.append(RowError(line, column, message))


class FileFormatError(ValueError):
    """The file as a whole cannot be read (encoding, missing columns)."""


def read_rows(source: str | Path | bytes, required: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) from a UTF-8 CSV (with or without BOM). Line 1 is the header."""
    raw = Path(source).read_bytes() if isinstance(source, str | Path) else source
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileFormatError(
            _("The file is not UTF-8 text (byte %(pos)d). Save it as 'CSV UTF-8' and upload it again.")
            % {"pos": error.start}
        ) from error
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in required if name not in header]
    if missing:
        raise FileFormatError(
            _("Line 1: missing column(s) %(missing)s; the file has %(found)s.")
            % {"missing": ", ".join(missing), "found": ", ".join(header) or _("no header")}
        )
    reader.fieldnames = header
    for row in reader:
        yield reader.line_num, {key: (value or "").strip() for key, value in row.items() if key is not None}
