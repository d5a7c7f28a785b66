"""The demo's command centre: the daily figures of the whole outbreak, counted from the records the other parts of
the demo built, so the dashboard opens full; then the command centre's own work on them."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Min
from django.utils import timezone

from phongdich.command.figures import figures_rebuild
from phongdich.core import clock
from phongdich.surveillance.models import Case


@dataclass
class CommandResult:
    days: int = 0
    figure_rows: int = 0


def build_command() -> CommandResult:
    """Every day from two weeks before the outbreak's first case to today, rebuilt from the raw rows."""
    result = CommandResult()
    first = Case.objects.aggregate(first=Min("confirmed_at"))["first"]
    today = clock.today()
    since = (timezone.localdate(first) if first else today) - timedelta(days=14)
    report = figures_rebuild(since=since, until=today)
    result.days, result.figure_rows = len(report.days), report.rows
    return result
