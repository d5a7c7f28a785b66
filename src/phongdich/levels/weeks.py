"""ISO weeks as the levels read them: Monday to Sunday, local time."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def last_full_week(on: date) -> date:
    """The Monday of the last whole week before `on`: an assessment on Monday 18/10 reads 11–17/10."""
    return monday_of(on) - timedelta(days=7)


def week_bounds(week: date) -> tuple[datetime, datetime]:
    """The aware start of the week's Monday and of the next Monday."""
    start = timezone.make_aware(datetime.combine(week, time.min))
    return start, timezone.make_aware(datetime.combine(week + timedelta(days=7), time.min))


def week_end(week: date) -> date:
    return week + timedelta(days=6)


def weeks_between(first: date, last: date) -> list[date]:
    weeks, week = [], monday_of(first)
    while week <= monday_of(last):
        weeks.append(week)
        week += timedelta(days=7)
    return weeks
