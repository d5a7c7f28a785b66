"""Writing files an officer opens in Excel or LibreOffice (CSV, .xlsx): every writer goes through here.

A download is UTF-8 CSV with a byte-order mark (without it Excel reads Vietnamese as Windows-1252), its header in
the reader's language, and cells written as the page shows them: choices by their label, yes/no in words, dates
as dd/mm/yyyy. Numbers stay plain digits, so the spreadsheet can add them up.

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by spreadsheets as a formula
(`=HYPERLINK(...)` in a person's name runs when the export is opened), so such cells are written with a leading
apostrophe, which spreadsheets show as plain text. Numbers, dates and booleans are written as they are.
"""

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

BOM = "\ufeff"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A cell's value with text that a spreadsheet would run as a formula made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


class SafeCsvWriter:
    """csv.writer whose rows pass through `safe_cell`."""

    def __init__(self, stream, **options):
        self._writer = csv.writer(stream, **options)

    def writerow(self, values: Iterable[Any]):
        return self._writer.writerow(safe_row(values))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for values in rows:
            self._writer.writerow(safe_row(values))


def csv_writer(stream, **options) -> SafeCsvWriter:
    return SafeCsvWriter(stream, **options)


def cell_text(value: Any) -> Any:
    """A value as an officer reads it in a spreadsheet cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return value


class _Echo:
    def write(self, value):
        return value


def csv_download(filename: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> StreamingHttpResponse:
    """A CSV file for Excel, streamed row by row: the byte-order mark, the header, then each row's cells."""
    writer = csv_writer(_Echo())

    def lines():
        yield BOM + writer.writerow([str(label) for label in header])
        for row in rows:
            yield writer.writerow([cell_text(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def refused_lines_download(filename: str, stored: str) -> StreamingHttpResponse:
    """The lines an import refused (kept as CSV rows of line, column, message) as a file for Excel."""
    return csv_download(filename, [_("Line"), _("Column"), _("Problem")], csv.reader(io.StringIO(stored)))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_download(filename: str, sheets: Iterable[tuple[str, Iterable[Any], Iterable[Iterable[Any]]]]) -> HttpResponse:
    """An Excel workbook of (sheet title, header, rows): the header bold, wrapped and frozen, each column as wide
    as its header's longest word allows; cells as `cell_text` writes them and made inert like CSV cells; numbers
    stay numbers, so the sheet can add them up."""
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=str(title)[:31])
        sheet.freeze_panes = "A2"
        labels = [str(label) for label in header]
        for index, label in enumerate(labels, start=1):
            longest_word = max((len(word) for word in label.split()), default=0)
            width = max(longest_word + 2, len(label) // 2 + 2)  # a header on two lines at most
            sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, width))
        bold = []
        for label in labels:
            cell = WriteOnlyCell(sheet, value=label)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            bold.append(cell)
        sheet.append(bold)
        for row in rows:
            sheet.append(safe_row(cell_text(value) for value in row))
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
