"""The demo's command centre: the daily figures of the whole outbreak, counted from the records the other parts of
the demo built, so the dashboard opens full; then the command centre's own work on them: the five seed directives
with their tasks at every stage, the targets they set and the alerts of the day, a week of duty log and briefings,
a week of situation reports rolled up to the province, last night's forecasts and three scenarios."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from phongdich.command.figures import figures_rebuild
from phongdich.core import clock
from phongdich.surveillance.models import Case

from .command_alerts import CommandAlertsResult, build_targets_and_alerts
from .command_directives import DirectivesResult, build_directives
from .command_duty import DutyResult, build_duty
from .command_forecast import ForecastsResult, build_forecasts
from .command_reports import ReportsResult, build_reports

ACTOR = "demo"


@dataclass
class CommandResult:
    days: int = 0
    figure_rows: int = 0
    directives: DirectivesResult | None = None
    targets: CommandAlertsResult | None = None
    duty: DutyResult | None = None
    reports: ReportsResult | None = None
    forecasts: ForecastsResult | None = None


def build_command() -> CommandResult:
    """Every day from two weeks before the outbreak's first case to today, rebuilt from the raw rows; then the
    command centre's work, each part in its own transaction."""
    result = CommandResult()
    first = Case.objects.aggregate(first=Min("confirmed_at"))["first"]
    today = clock.today()
    since = (timezone.localdate(first) if first else today) - timedelta(days=14)
    with transaction.atomic():
        report = figures_rebuild(since=since, until=today)
    result.days, result.figure_rows = len(report.days), report.rows
    with transaction.atomic():
        result.directives = build_directives(ACTOR)
    with transaction.atomic():
        result.targets = build_targets_and_alerts(ACTOR)
    with transaction.atomic():
        result.duty = build_duty(ACTOR)
    with transaction.atomic():
        result.reports = build_reports(ACTOR)
    with transaction.atomic():
        result.forecasts = build_forecasts()
    return result
