"""Daily case series: read from a `date,count` file or from the national portal's per-province table, checked so that
a gap, a negative count or a date out of order is named rather than estimated over."""

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from django.utils.translation import gettext as _

MAX_DAYS = 3_660  # ten years of days: a bounded file
MAX_BYTES = 1_000_000


class SeriesError(ValueError):
    """A series the methods cannot use, with the reason in the user's language."""


@dataclass(frozen=True)
class DailySeries:
    start: date
    counts: np.ndarray  # one non-negative count per consecutive day from `start`

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(len(self.counts))]

    @property
    def end(self) -> date:
        return self.start + timedelta(days=len(self.counts) - 1)

    def until(self, day: date) -> "DailySeries":
        """The series as it was known on `day`."""
        return DailySeries(self.start, self.counts[: (day - self.start).days + 1])


def series_from_pairs(pairs: list[tuple[date, float]]) -> DailySeries:
    """Consecutive days with non-negative whole counts, in order; anything else is a SeriesError naming the day."""
    if not pairs:
        raise SeriesError(_("The series has no days."))
    if len(pairs) > MAX_DAYS:
        raise SeriesError(_("The series has more than %(n)s days.") % {"n": f"{MAX_DAYS:,}".replace(",", ".")})
    for (before, _count), (day, _next) in zip(pairs, pairs[1:], strict=False):
        if day <= before:
            raise SeriesError(
                _("%(day)s comes after %(before)s: the days must be in order, each once.")
                % {"day": f"{day:%d/%m/%Y}", "before": f"{before:%d/%m/%Y}"}
            )
        if day != before + timedelta(days=1):
            raise SeriesError(
                _("The series has a gap: no count for %(day)s.") % {"day": f"{before + timedelta(days=1):%d/%m/%Y}"}
            )
    for day, count in pairs:
        if count < 0 or count != int(count):
            raise SeriesError(
                _("The count on %(day)s is %(count)s: counts must be whole numbers, 0 or more.")
                % {"day": f"{day:%d/%m/%Y}", "count": count}
            )
    return DailySeries(pairs[0][0], np.array([int(count) for _day, count in pairs], dtype=float))


def read_series_csv(text: str) -> DailySeries:
    """A `date,count` file (a header row is optional; dates as YYYY-MM-DD or dd/mm/yyyy)."""
    if len(text.encode()) > MAX_BYTES:
        raise SeriesError(_("The file is larger than 1 MB."))
    pairs: list[tuple[date, float]] = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not "".join(row).strip():
            continue
        if len(row) != 2:
            raise SeriesError(_("Row %(row)s: two columns are expected, date and count.") % {"row": number})
        written_day, written_count = (cell.strip() for cell in row)
        day = _parse_day(written_day)
        if day is None:
            if number == 1 and not pairs:
                continue  # a header
            raise SeriesError(
                _("Row %(row)s, column 1: %(value)s is not a date.") % {"row": number, "value": written_day}
            )
        try:
            count = float(written_count)
        except ValueError:
            raise SeriesError(
                _("Row %(row)s, column 2: %(value)s is not a number.") % {"row": number, "value": written_count}
            ) from None
        pairs.append((day, count))
    return series_from_pairs(pairs)


def read_portal_province(path: Path, province_id: str) -> DailySeries:
    """One province's row of the national portal's table (one column per report day, `d/m/yyyy`). Days the portal
    has no column for had no report; they count as 0, so a backlog shows where it was reported, as it was."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    row = next((row for row in body if row and row[0].strip() == province_id), None)
    if row is None:
        raise SeriesError(_("The file has no row for province %(id)s.") % {"id": province_id})
    reported = {_parse_day(day): float(value or 0) for day, value in zip(header[1:], row[1:], strict=False)}
    days = sorted(day for day in reported if day)
    filled = [(days[0] + timedelta(days=n), 0.0) for n in range((days[-1] - days[0]).days + 1)]
    return series_from_pairs([(day, reported.get(day, count)) for day, count in filled])


def _parse_day(text: str) -> date | None:
    try:
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        return None
