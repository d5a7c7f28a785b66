"""Writing files an officer opens in Excel or LibreOffice (CSV, .xlsx): every writer goes through here.

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by spreadsheets as a formula
(`=HYPERLINK(...)` in a person's name runs when the export is opened), so such cells are written with a leading
apostrophe, which spreadsheets show as plain text. Numbers, dates and booleans are written as they are.
"""

import csv
from collections.abc import Iterable
from typing import Any

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
