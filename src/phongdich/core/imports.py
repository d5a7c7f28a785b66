"""Reading tabular files for imports, and the row-level error report every importer returns."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .templatetags.humanize_vi import num
from .text import fold


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


def _utf8(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileFormatError(
            _("The file is not UTF-8 text (byte %(pos)d). Save it as 'CSV UTF-8' and upload it again.")
            % {"pos": error.start}
        ) from error


DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def parse_day(text: str) -> date:
    """A date as Vietnamese files write it (dd/mm/yyyy) or in ISO; a time after it is ignored."""
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip().split(" ")[0], form).date()
        except ValueError:
            continue
    raise ValueError(_("%(value)s is not a date (dd/mm/yyyy).") % {"value": text})


def read_rows(source: str | Path | bytes, required: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) from a UTF-8 CSV (with or without BOM). Line 1 is the header."""
    raw = Path(source).read_bytes() if isinstance(source, str | Path) else source
    reader = csv.DictReader(_short_lines(_utf8(raw)))
    header = _checked_header([name.strip() for name in (reader.fieldnames or [])])
    missing = [name for name in required if name not in header]
    if missing:
        raise FileFormatError(
            _("Line 1: missing column(s) %(missing)s; the file has %(found)s.")
            % {"missing": ", ".join(missing), "found": ", ".join(header) or _("no header")}
        )
    reader.fieldnames = header
    for row in reader:
        yield reader.line_num, {key: (value or "").strip() for key, value in row.items() if key is not None}


# ---- Tables with a mapping step (CSV or Excel) -------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A field an importer fills, with the header names it is recognised by (compared without diacritics)."""

    name: str
    label: str | Promise
    required: bool = False
    aliases: tuple[str, ...] = ()


def read_table(raw: bytes, filename: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and (line, row) pairs of a CSV (UTF-8) or an Excel workbook (.xlsx, first sheet)."""
    table = iter_table(raw, filename)
    rows = []
    for line, values in table.lines:
        row = {name: value.strip() for name, value in zip(table.header, values, strict=False) if name}
        if any(row.values()):
            rows.append((line, row))
    return table.header, rows


@dataclass
class Table:
    """A file's header and its lines as (line number, cell texts), read lazily: for files of a million rows,
    where a dict per row would cost more than the import. `size` is the number of data lines, or close to it."""

    header: list[str]
    lines: Iterator[tuple[int, list[str]]]
    size: int


def iter_table(raw: bytes, filename: str) -> Table:
    """The file's header and lazily read lines, refusing files wider or with longer lines than the limits
    (a 100,000-column header held a worker for minutes): checked before any line is split into cells."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        return _iter_workbook(raw)
    text = _utf8(raw)
    header_line = text[: text.find("\n") + 1 or len(text)]
    if len(header_line) > limit("MAX_HEADER_CHARS"):
        raise FileFormatError(
            _("Line 1 (the column names) is longer than %(limit)s characters; this is not a list to import.")
            % {"limit": _grouped(limit("MAX_HEADER_CHARS"))}
        )
    reader = csv.reader(_short_lines(text), strict=False)
    header = _checked_header([name.strip() for name in next(reader, [])])
    lines = ((number, values) for number, values in enumerate(reader, start=2) if any(values))
    return Table(header, lines, max(text.count("\n") - 1, 0))


def limit(name: str) -> int:
    return settings.PHONGDICH_IMPORT_LIMITS[name]


def _grouped(value: int) -> str:
    return num(value)


def _short_lines(text: str) -> Iterator[str]:
    """The text's lines for the CSV reader, refusing a line longer than the limit before it is parsed."""
    longest = limit("MAX_LINE_CHARS")
    for index, line in enumerate(io.StringIO(text, newline=""), start=1):
        if len(line) > longest:
            raise FileFormatError(
                _("Line %(line)d is longer than %(limit)s characters; check the file.")
                % {"line": index, "limit": _grouped(longest)}
            )
        yield line


def _checked_header(header: list[str]) -> list[str]:
    if not any(header):
        raise FileFormatError(_("Line 1 should name the columns; it is empty."))
    _refuse_wider_than_limit(len(header))
    return header


def _refuse_wider_than_limit(columns: int) -> None:
    if columns > limit("MAX_COLUMNS"):
        raise FileFormatError(
            _("The file has more than %(limit)s columns; remove the columns that are not needed and upload it again.")
            % {"limit": _grouped(limit("MAX_COLUMNS"))}
        )


def _iter_workbook(raw: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).worksheets[0]
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        raise FileFormatError(_("The file is not an Excel workbook (.xlsx) that can be read.")) from error
    widest = limit("MAX_COLUMNS")
    _refuse_wider_than_limit(sheet.max_column or 0)  # the sheet's declared size, read before any cell
    cells = sheet.iter_rows(values_only=True, max_col=min(sheet.max_column or widest + 1, widest + 1))
    header = [_cell(value) for value in next(cells, ())]
    while header and not header[-1]:  # rows come padded to max_col
        header.pop()
    header = _checked_header(header)
    lines = ((number, [_cell(v) for v in values]) for number, values in enumerate(cells, start=2) if any(values))
    return Table(header, lines, max((sheet.max_row or 1) - 1, 0))


def _cell(value) -> str:
    """Excel cells as the text a person would have typed: whole numbers without ".0", dates in ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def guess_mapping(header: list[str], columns: list[Column]) -> dict[str, str]:
    """field name -> the file's column whose header matches the field's label or aliases."""
    folded = {fold(name): name for name in header if name}
    mapping = {}
    for column in columns:
        for candidate in (column.name, column.label, *column.aliases):
            if (key := fold(str(candidate))) in folded:
                mapping[column.name] = folded[key]
                break
    return mapping


def mapped_rows(rows: list[tuple[int, dict[str, str]]], mapping: dict[str, str]) -> Iterator[tuple[int, dict]]:
    """Rows renamed to the importer's field names (fields the user left unmapped are empty)."""
    for line, row in rows:
        yield line, {name: row.get(source, "") for name, source in mapping.items()}
