"""Periodic work of the command centre: the daily figures kept a few minutes behind the records and the alert rules
swept right after them; targets measured every hour; each part's own jobs registered from its package."""

from phongdich.core.background import every, in_background

from .alerts.services import alerts_sweep
from .directives import tasks as directives_tasks  # noqa: F401  (the daily reminders of tasks due or overdue)
from .figures import figures_refresh
from .forecast import runs as forecast_runs  # noqa: F401  (the nightly forecasts)
from .targets.services import targets_measure


@every(minutes=10)
@in_background
def command_figures() -> None:
    """Count the records entered since the last run into the daily figures, then sweep the alert rules over them."""
    figures_refresh()
    alerts_sweep()


@every(minutes=60)
@in_background
def command_targets() -> None:
    """Measure every target as at today and set its status (on track, at risk, met, missed)."""
    targets_measure()
