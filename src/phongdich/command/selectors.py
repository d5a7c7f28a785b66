"""Reads of the daily figures: a unit's day, its series, its running totals and its children's day. Each is a
handful of indexed rows, whatever the size of the province."""

from datetime import date, timedelta

from django.db.models import Sum

from phongdich.places.models import AdminUnit

from .models import DailyFigures

Row = dict[str, int]


def figures_on(unit: AdminUnit, day: date) -> Row:
    row = DailyFigures.objects.filter(unit=unit, day=day).values(*DailyFigures.COUNTS).first()
    return row or _zeros()


def figures_series(unit: AdminUnit, start: date, end: date) -> list[tuple[date, Row]]:
    """Every day from `start` to `end` inclusive, zeros where nothing was counted."""
    rows = {
        row.pop("day"): row
        for row in DailyFigures.objects.filter(unit=unit, day__gte=start, day__lte=end).values(
            "day", *DailyFigures.COUNTS
        )
    }
    days = (end - start).days + 1
    return [(start + timedelta(days=n), rows.get(start + timedelta(days=n)) or _zeros()) for n in range(max(days, 0))]


def figures_cumulative(unit: AdminUnit, day: date) -> Row:
    """The flows summed over every day up to `day`."""
    sums = DailyFigures.objects.filter(unit=unit, day__lte=day).aggregate(
        **{name: Sum(name) for name in DailyFigures.FLOWS}
    )
    return {name: sums[name] or 0 for name in DailyFigures.FLOWS}


def children_figures(unit: AdminUnit, day: date) -> list[tuple[AdminUnit, Row]]:
    children = list(AdminUnit.objects.filter(parent=unit).order_by("name"))
    rows = {
        row.pop("unit_id"): row
        for row in DailyFigures.objects.filter(unit__in=children, day=day).values("unit_id", *DailyFigures.COUNTS)
    }
    return [(child, rows.get(child.pk) or _zeros()) for child in children]


def _zeros() -> Row:
    return dict.fromkeys(DailyFigures.COUNTS, 0)
