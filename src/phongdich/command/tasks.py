"""Periodic work of the command centre: the daily figures kept fresh a few minutes behind the records; each part's
own jobs are registered from its package."""

from phongdich.core.background import every, in_background

from .directives import tasks as directives_tasks  # noqa: F401  (the daily reminders of tasks due or overdue)
from .figures import figures_refresh


@every(minutes=10)
@in_background
def command_figures() -> None:
    """Count the records entered since the last run into the daily figures."""
    figures_refresh()
