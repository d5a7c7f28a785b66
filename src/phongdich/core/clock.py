"""The time of the domain: what "today", "overdue", "due", an age or "in the future" are measured against.

In production it is the real time (`timezone.now()`). A demonstration database records the day it shows (the
`demo` command writes a `DemoClock` row): the platform then reads that day at the current time of day, so the
demo province reads as it did on its day of 2021 for as long as it is served, and every process serving the same
database (web workers, the task worker) agrees on the time. A page shows a banner while the clock is set.

The machine's own bookkeeping keeps the real time: audit rows, the automatic `created_at`/`recorded_at` stamps,
import jobs, sessions, token and upload expiry, rate limits, backups.
"""

from datetime import date, datetime, time

from django.db import DatabaseError, transaction
from django.utils import timezone

_UNREAD = object()
_demo_day: object = _UNREAD  # read from the database once per process: a demo is rebuilt with the server stopped
_pinned_time: time | None = None  # tests only: a fixed time of day instead of the current one


def demo_day() -> date | None:
    """The day the demo clock is set at, or None when the platform runs on the real time."""
    global _demo_day
    if _demo_day is _UNREAD:
        _demo_day = _read_demo_day()
    return _demo_day  # type: ignore[return-value]


def now() -> datetime:
    real = timezone.now()
    day = demo_day()
    if day is None:
        return real
    time_of_day = timezone.localtime(real).time() if _pinned_time is None else _pinned_time
    return timezone.make_aware(datetime.combine(day, time_of_day))


def today() -> date:
    return timezone.localdate(now())


def use(day: date | None, *, at: time | None = None) -> None:
    """Set this process's clock without the database (tests, and the demo builder while it builds); a test that
    depends on the time of day also pins it (`at`, local time), and the clock then stands still."""
    global _demo_day, _pinned_time
    _demo_day = day
    _pinned_time = at if day is not None else None


def forget() -> None:
    """Read the demo day from the database again on the next use."""
    global _demo_day, _pinned_time
    _demo_day, _pinned_time = _UNREAD, None


def demo_clock_set(*, actor, day: date | None) -> None:
    """Record the day this database's demo shows (None: back to the real time), audited."""
    from . import audit
    from .choices import AuditAction
    from .models import DemoClock

    with transaction.atomic():
        DemoClock.objects.all().delete()
        if day is not None:
            DemoClock.objects.create(day=day)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="core.democlock",
            object_repr=f"demo clock {day.isoformat() if day else 'off'}",
            after={"day": day.isoformat() if day else None},
        )
    use(day)


def _read_demo_day() -> date | None:
    from .models import DemoClock

    try:
        with transaction.atomic():  # a savepoint: a database not yet migrated has no table, and that is not an error
            return DemoClock.objects.values_list("day", flat=True).first()
    except DatabaseError:
        return None
