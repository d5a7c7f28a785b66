"""What an order needs before its person is released, read from the results the labs already released.

An order is due on its planned end. Its release test (`order.release_test`, from the rules it was planned
under) must be a negative result released by the labs services, of the order's person, of a kind the test
accepts, sampled on or after the last test day (`test_from`). A rule version may let the test be taken a few
days earlier: `"release_test_days_early": n` in the order kind's plan for the person's condition (0 when
absent). Self-tests never count: a release needs a test done by a health worker or a lab. A positive result
sampled after the negative (or at the same time) holds the release back.

`release_check(order, on)` answers for one order; `readiness_of(orders, on)` for a page of them, with one
query for all their samples."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import django_filters
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phongdich.core import clock
from phongdich.labs.choices import Result, SampleKind, SampleStatus
from phongdich.labs.models import Sample
from phongdich.surveillance.filtersets import UnitFilterSet

from .choices import OrderKind, OrderStatus, ReleaseTest
from .models import IsolationOrder

RT_PCR_KINDS = frozenset({SampleKind.RT_PCR.value, SampleKind.RT_PCR_POOLED.value})
ACCEPTED_KINDS: dict[str, frozenset[str]] = {
    ReleaseTest.NONE: frozenset(),
    ReleaseTest.ANTIGEN: frozenset({SampleKind.ANTIGEN.value}),
    ReleaseTest.RT_PCR: RT_PCR_KINDS,
    ReleaseTest.ANY: RT_PCR_KINDS | {SampleKind.ANTIGEN.value},
}
# The tests that count as the day's test on a test day when the order needs none for release.
HEALTH_WORKER_TESTS = RT_PCR_KINDS | {SampleKind.ANTIGEN.value}
SAMPLE_COLUMNS = ("id", "person_id", "barcode", "kind", "sampled_at", "status", "result")


@dataclass(frozen=True)
class TestTaken:
    """One of the person's samples, as much of it as a release needs."""

    id: int
    person_id: int
    barcode: str
    kind: str
    sampled_at: datetime
    status: str
    result: str

    @property
    def day(self) -> date:
        return timezone.localdate(self.sampled_at)

    @property
    def negative(self) -> bool:
        return self.status == SampleStatus.RELEASED and self.result == Result.NEGATIVE

    @property
    def positive(self) -> bool:
        return self.status == SampleStatus.RELEASED and self.result == Result.POSITIVE


@dataclass
class Readiness:
    """Whether an order can be released on a day, and if not, what is missing, in words."""

    order: IsolationOrder
    on: date
    due: bool
    test_from: date | None  # the first sampling day a release test counts from (None: no test needed)
    sample: TestTaken | None = None  # the negative result the release rests on
    missing: list[str] = field(default_factory=list)
    missed_test_days: list[date] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.missing

    @property
    def overdue_days(self) -> int:
        return max(0, (self.on - self.order.planned_end).days)


def release_check(order: IsolationOrder, on: date) -> Readiness:
    return readiness_of([order], on)[order.pk]


def readiness_of(orders: list[IsolationOrder], on: date) -> dict[int, Readiness]:
    """Each order's readiness on `on`, its person's samples read with one query for all the orders."""
    tests = tests_of(orders)
    return {order.pk: _readiness(order, on, tests.get(order.person_id, [])) for order in orders}


def tests_of(orders: list[IsolationOrder]) -> dict[int, list[TestTaken]]:
    """The samples of the orders' persons taken since the earliest start among them, by person, oldest first."""
    if not orders:
        return {}
    since = timezone.make_aware(datetime.combine(min(order.starts_on for order in orders), time.min))
    rows = (
        Sample.objects.filter(person_id__in={order.person_id for order in orders}, sampled_at__gte=since)
        .exclude(status=SampleStatus.REJECTED)
        .order_by("sampled_at", "id")
        .values_list(*SAMPLE_COLUMNS)
    )
    by_person: dict[int, list[TestTaken]] = {}
    for row in rows:
        test = TestTaken(*row)
        by_person.setdefault(test.person_id, []).append(test)
    return by_person


def last_test_day(order: IsolationOrder) -> date:
    """The order's last test day; its planned end when the rules named no test day."""
    days = [date.fromisoformat(day) for day in order.test_days or []]
    return max(days) if days else order.planned_end


def test_from(order: IsolationOrder) -> date | None:
    """The first sampling day a release test counts from: the last test day, or a few days before it when the
    order's rules allow it."""
    if order.release_test == ReleaseTest.NONE:
        return None
    return last_test_day(order) - timedelta(days=days_early(order))


def days_early(order: IsolationOrder) -> int:
    plan = (order.rules.durations or {}).get(order.kind, {}).get(order.condition, {})
    return max(0, int(plan.get("release_test_days_early", 0) or 0))


def _readiness(order: IsolationOrder, on: date, tests: list[TestTaken]) -> Readiness:
    readiness = Readiness(
        order=order,
        on=on,
        due=on >= order.planned_end,
        test_from=test_from(order),
        missed_test_days=missed_test_days(order, on, tests),
    )
    if order.status != OrderStatus.ACTIVE:
        readiness.missing.append(
            _("The order has ended already (%(status)s).") % {"status": order.get_status_display()}
        )
        return readiness
    if not readiness.due:
        readiness.missing.append(_("The order ends on %(day)s.") % {"day": _day(order.planned_end)})
    if readiness.test_from is not None:
        _check_release_test(readiness, [test for test in tests if readiness.test_from <= test.day <= on])
    return readiness


def _check_release_test(readiness: Readiness, window: list[TestTaken]) -> None:
    """The latest negative of an accepted kind in the window, unless a positive came at or after it."""
    order, start = readiness.order, _day(readiness.test_from)
    accepted = ACCEPTED_KINDS[order.release_test]
    negatives = [test for test in window if test.negative and test.kind in accepted]
    if not negatives:
        readiness.missing.append(_missing_test_text(order.release_test) % {"day": start})
        if order.release_test == ReleaseTest.ANTIGEN and any(
            test.negative and test.kind == SampleKind.ANTIGEN_SELF for test in window
        ):
            readiness.missing.append(_("A self-test does not count: the test must be done by a health worker."))
        return
    latest = negatives[-1]
    if positive := next((test for test in window if test.positive and test.sampled_at >= latest.sampled_at), None):
        readiness.missing.append(
            _("A test sampled on %(day)s is positive: the person cannot be released.") % {"day": _day(positive.day)}
        )
        return
    readiness.sample = latest


def _missing_test_text(release_test: str) -> str:
    if release_test == ReleaseTest.ANTIGEN:
        return _("No negative rapid antigen test done by a health worker from %(day)s yet.")
    if release_test == ReleaseTest.RT_PCR:
        return _("No negative RT-PCR result from %(day)s yet.")
    return _("No negative RT-PCR or rapid antigen result from %(day)s yet.")


def missed_test_days(order: IsolationOrder, on: date, tests: list[TestTaken]) -> list[date]:
    """The order's test days before `on` on which the person gave no sample of a kind the order counts."""
    counted = ACCEPTED_KINDS[order.release_test] or HEALTH_WORKER_TESTS
    tested_on = {test.day for test in tests if test.kind in counted}
    days = sorted(date.fromisoformat(day) for day in order.test_days or [])
    return [day for day in days if day < on and day not in tested_on]


def _day(day: date | None) -> str:
    return date_format(day, "d/m/Y") if day else ""


# -- The list of releases due ------------------------------------------------------------------------------------


class DueState(models.TextChoices):
    TODAY = "today", gettext_lazy("Due today")
    OVERDUE = "overdue", gettext_lazy("Overdue")


def due_orders(user, on: date):
    """Active orders the user may see whose planned end is `on` or earlier, a unit's residential groups together."""
    return (
        IsolationOrder.objects.visible_to(user)
        .filter(status=OrderStatus.ACTIVE, planned_end__lte=on)
        .select_related("unit", "rules")
        .order_by("unit__path", "planned_end", "id")
    )


class DueFilterSet(UnitFilterSet):
    """The release list's filters, shared by the page, its printed copy and the API."""

    state = django_filters.ChoiceFilter(label=gettext_lazy("Due"), choices=DueState.choices, method="by_state")
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=OrderKind.choices)

    class Meta:
        model = IsolationOrder
        fields = ["unit", "state", "kind"]

    def by_state(self, queryset, name, value):
        today = clock.today()
        if value == DueState.TODAY:
            return queryset.filter(planned_end=today)
        if value == DueState.OVERDUE:
            return queryset.filter(planned_end__lt=today)
        return queryset
