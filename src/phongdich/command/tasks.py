"""Periodic work of the command centre: the daily figures kept fresh a few minutes behind the records."""

from phongdich.core.background import every, in_background

from .figures import figures_refresh


@every(minutes=10)
@in_background
def command_figures() -> None:
    """Count the records entered since the last run into the daily figures."""
    figures_refresh()
