"""Periodic work of the command centre."""

from .directives import tasks as directives_tasks  # noqa: F401  (the daily reminders of tasks due or overdue)
