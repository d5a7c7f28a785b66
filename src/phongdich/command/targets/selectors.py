"""Reads of targets: those a user may see with their progress, a target's readings and its chart."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from phongdich.core import clock

from .. import charts
from ..metrics import METRICS, Metric
from ..models import DirectivePoint, Target, TargetReading

CHART_DAYS_MAX = 400


def targets_for(user) -> QuerySet:
    return Target.objects.visible_to(user).select_related("unit", "point__directive")


def metric_of(target: Target) -> Metric | None:
    return METRICS.get(target.metric)


@dataclass(frozen=True)
class Progress:
    """How far a target has come: its latest value against the value to reach; `percent` (0–100, for a bar) only
    where more is better."""

    value: Decimal | None
    target_value: Decimal
    higher_is_better: bool
    percent: int | None
    days_left: int
    whole: bool  # a count: shown without decimals


def progress_of(target: Target, today: date | None = None) -> Progress:
    metric = metric_of(target)
    higher = metric.higher_is_better if metric else True
    value = target.latest_value
    percent = None
    if higher and value is not None and target.target_value > 0:
        percent = int(min(max(value * 100 / target.target_value, Decimal(0)), Decimal(100)))
    return Progress(
        value=value,
        target_value=target.target_value,
        higher_is_better=higher,
        percent=percent,
        days_left=(target.deadline - (today or clock.today())).days,
        whole=metric is not None and metric.kind == "count",
    )


def readings_of(target: Target) -> list[TargetReading]:
    return list(TargetReading.objects.filter(target=target).order_by("day"))


def chart_of(target: Target, readings: list[TargetReading]) -> str:
    """The target's readings from its start to its deadline (today, if the deadline is far) as a line, with the value
    to reach as a second line: SVG drawn on the server, its numbers in the readings' table and their Excel file."""
    end = max(min(target.deadline, clock.today()), target.starts_on)
    end = max(end, readings[-1].day) if readings else end
    start = max(target.starts_on, end - timedelta(days=CHART_DAYS_MAX - 1))
    by_day = {reading.day: float(reading.value) for reading in readings}
    days = [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
    metric = metric_of(target)
    percent = metric is None or metric.kind == "percent"
    label = str(metric.label) if metric else target.metric
    values = [by_day.get(day) for day in days]
    top = 100 if percent else max([float(target.target_value), *(value or 0 for value in values)])
    return charts.lines(
        _("Progress of %(name)s") % {"name": target.name},
        days,
        [
            charts.Series(label, "#0b6e4f", values),
            charts.Series(_("Target value"), "#c62828", [float(target.target_value)] * len(days)),
        ],
        top=top,
        suffix=" %" if percent else "",
    )


def points_for(user) -> QuerySet:
    """The points of the directives a user may see: what may have set a target."""
    from ..models import Directive

    return (
        DirectivePoint.objects.filter(directive__in=Directive.objects.visible_to(user))
        .select_related("directive")
        .order_by("-directive__issued_on", "directive__number", "position")
    )
