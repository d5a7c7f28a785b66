"""The directives' periodic work: each day's reminders of the tasks due soon or overdue (hourly, sending each task's
reminder once a day). `phongdich remind_tasks` does the same from cron."""

from phongdich.core.background import every, in_background

from .services import tasks_remind


@every(minutes=60)
@in_background
def directives_remind() -> dict[str, int]:
    return tasks_remind()
