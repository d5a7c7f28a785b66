"""The daily figures: one row per unit and day, each the total of the unit's subtree, so that the dashboard and the
reports read a handful of rows instead of counting cases, samples, doses and beds on every page view.

Flows (cases, tests, doses, deaths) are what happened in the day; stocks (F0 under care, patients and beds by tier,
coverage, open alerts) are as at the day's end. A stock is counted from the day its record starts to the day before
it ends: stock(D) = stock(D − 1) + started on D − ended on D, so a range of days costs one base count and one
grouped count of starts and ends, however long the range.

The periodic refresh recomputes yesterday and today, and every day from the earliest one a record entered since the
last refresh falls on (a case confirmed last week, doses imported late, a backdated order): tables are read past a
watermark, the highest id already seen. Its first run of a day counts the stocks' base from the raw rows, which also
puts right a record changed in place on an earlier day (an order whose end was backdated); the runs after it carry
the stocks forward from the stored rows of the day before the range, each unit's own share being its row less its
children's, and count only what started and ended in the range (and the residents of that day, recounted at the
first run of the next). `figures_rebuild` re-derives any range from the raw rows.

A refresh counts moments into local days by range, one indexed query a day, rather than by converting each row's
moment (SQLite converts in Python): a day of a million test results would otherwise convert a million timestamps.
A rebuild of months groups by the converted day in one query per table."""

import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Min, Q, QuerySet
from django.db.models.functions import TruncDate

from phongdich.care.choices import OrderKind
from phongdich.care.models import IsolationOrder
from phongdich.care.tower.models import Admission, WardCapacity
from phongdich.core import clock
from phongdich.core.bulk import append_rows, db_date
from phongdich.labs.choices import Result
from phongdich.labs.models import Sample
from phongdich.people.models import Person
from phongdich.places.models import AdminUnit
from phongdich.surveillance.choices import CaseStatus, DetectionSetting
from phongdich.surveillance.models import Case
from phongdich.vaccination.models import Dose

from .models import Alert, DailyFigures, FiguresWatermark

LOCAL = ZoneInfo(settings.TIME_ZONE)
SETTING_COLUMN = {
    DetectionSetting.COMMUNITY: "cases_community",
    DetectionSetting.CHECKPOINT: "cases_screening",
    DetectionSetting.QUARANTINE: "cases_isolated",
    DetectionSetting.LOCKDOWN: "cases_isolated",
    DetectionSetting.IMPORTED_PROVINCE: "cases_imported",
    DetectionSetting.IMPORTED_ABROAD: "cases_imported",
}
TESTED = (Result.POSITIVE, Result.NEGATIVE)
SHORT_WINDOW = timedelta(days=7)  # counted day by day by range; longer windows group by the converted day
# Tables whose new rows can fall on an earlier day, and the field that says which.
WATCHED: dict[str, Any] = {"cases": Case, "doses": Dose, "orders": IsolationOrder, "admissions": Admission}

Figures = dict[int, Counter]  # unit id → column → count


@dataclass
class RefreshReport:
    days: list[date] = field(default_factory=list)
    rows: int = 0
    seconds: float = 0.0


def figures_refresh(*, days: list[date] | None = None) -> RefreshReport:
    """Recompute the given days, or (none given) yesterday, today and the days records entered since the last
    refresh fall on."""
    today = clock.today()
    with transaction.atomic():
        first = _first_dirty_day(today)
        if days is None:
            days = _days_between(min(first or today, today - timedelta(days=1)), today)
        return _recompute(days, carry=not _first_run_of(today))


def figures_rebuild(*, since: date, until: date) -> RefreshReport:
    """Re-derive every day of the range from the raw rows."""
    with transaction.atomic():
        _first_dirty_day(clock.today())  # what is read now needs no second pass
        return _recompute(_days_between(since, until))


def figures_for_window(unit: AdminUnit, start: datetime, end: datetime) -> dict[str, int]:
    """The unit's figures with flows counted in [start, end) and stocks as at `end`, from the raw rows (a report's
    figures frozen at its cut-off time)."""
    totals: Counter = Counter()
    for counts in _flows(start, end, path=unit.path).values():
        totals.update(counts)
    for source in _stock_sources(path=unit.path):
        totals.update(source.at_moment(end))
    totals.update(_beds_at([end])[end].subtree(unit.path))
    totals["residents"] = _residents(path=unit.path).total()
    return {name: totals.get(name, 0) for name in DailyFigures.COUNTS}


def _recompute(days: list[date], *, carry: bool = False) -> RefreshReport:
    """The rows of `days`; with `carry`, the stocks start from the stored rows of the day before the first (when
    there are any) instead of the raw rows."""
    started = time.perf_counter()
    report = RefreshReport(days=sorted(set(days)))
    if not report.days:
        return report
    first, last = report.days[0], report.days[-1]
    span = _days_between(first, last)
    tree = _Tree.load()
    stored = _stored_stocks(first - timedelta(days=1), tree) if carry else None
    by_day: dict[date, Figures] = {day: defaultdict(Counter) for day in span}
    flows = _flows(midnight(first), midnight(last + timedelta(days=1)))
    for (unit_id, day), counts in flows.items():
        by_day[day][unit_id].update(counts)
    for source in _stock_sources():
        base = stored.get(source.column, {}) if stored is not None else None
        for day, figures in source.by_day(span, base=base).items():
            for unit_id, counts in figures.items():
                by_day[day][unit_id].update(counts)
    moments = {midnight(day + timedelta(days=1)): day for day in span}
    for moment, beds in _beds_at(list(moments)).items():
        for unit_id, counts in beds.by_unit.items():
            by_day[moments[moment]][unit_id].update(counts)
    if stored is not None:
        residents = _UnitCounts({unit_id: Counter({"residents": n}) for unit_id, n in stored["residents"].items()}, {})
    else:
        residents = _residents()
    DailyFigures.objects.filter(day__in=report.days).delete()
    columns = ["unit_id", "unit_path", "day", *DailyFigures.COUNTS]
    table = connection.ops.quote_name(DailyFigures._meta.db_table)
    with connection.cursor() as cursor:
        for day in report.days:
            leaves = by_day[day]
            for unit_id, counts in residents.by_unit.items():
                leaves[unit_id]["residents"] = counts["residents"]
            stored = db_date(day)
            rows = [
                (unit_id, tree.paths[unit_id], stored, *(counts[name] for name in DailyFigures.COUNTS))
                for unit_id, counts in tree.roll_up(leaves).items()
                if any(counts.values())
            ]
            append_rows(cursor, table, columns, rows)  # database-ready tuples: the ORM's bulk_create took most of it
            report.rows += len(rows)
    report.seconds = time.perf_counter() - started
    return report


# ---- flows: what happened in a window, by leaf unit and local day


def _flows(start: datetime, end: datetime, *, path: str | None = None) -> dict[tuple[int, date], Counter]:
    figures: dict[tuple[int, date], Counter] = defaultdict(Counter)
    cases = _in_subtree(Case.objects.exclude(status=CaseStatus.RULED_OUT), path)
    for unit_id, day, setting, n in _by_day(cases, "confirmed_at", start, end, "detection_setting"):
        figures[unit_id, day][SETTING_COLUMN.get(setting, "cases_community")] += n
    for status, column in ((CaseStatus.DIED, "deaths"), (CaseStatus.RECOVERED, "recovered")):
        for unit_id, day, n in _by_day(cases.filter(status=status), "status_changed_at", start, end):
            figures[unit_id, day][column] += n
    samples = _in_subtree(Sample.objects.filter(result__in=TESTED), path)
    for unit_id, day, result, n in _by_day(samples, "result_at", start, end, "result"):
        figures[unit_id, day]["tests"] += n
        figures[unit_id, day]["positives"] += n if result == Result.POSITIVE else 0
    first, stop = _dates_in(start, end)
    doses = _in_subtree(Dose.objects.all(), path).filter(given_on__gte=first, given_on__lt=stop)
    for unit_id, day, n in doses.values_list("unit_id", "given_on").annotate(n=Count("pk")).order_by():
        figures[unit_id, day]["doses"] += n
    return figures


def _by_day(queryset: QuerySet, moment: str, start: datetime, end: datetime, *extra: str, unit: str = "unit_id"):
    """(unit, local day, *extra, count) of the rows whose `moment` falls in [start, end). A short window (a
    refresh's) takes one grouped query per local day, each an index range, so no row's moment is converted; a long
    one (a rebuild's) one query grouping by the converted day."""
    if end - start > SHORT_WINDOW:
        rows = queryset.filter(**{f"{moment}__gte": start, f"{moment}__lt": end})
        grouped = rows.annotate(day=TruncDate(moment, tzinfo=LOCAL)).values_list(unit, "day", *extra)
        yield from grouped.annotate(n=Count("pk")).order_by()
        return
    for low, high in _local_days(start, end):
        rows = queryset.filter(**{f"{moment}__gte": low, f"{moment}__lt": high})
        day = low.astimezone(LOCAL).date()
        for unit_id, *values in rows.values_list(unit, *extra).annotate(n=Count("pk")).order_by():
            yield (unit_id, day, *values)


def _local_days(start: datetime, end: datetime) -> Iterable[tuple[datetime, datetime]]:
    """[start, end) cut at local midnights."""
    low = start
    while low < end:
        high = min(end, midnight(low.astimezone(LOCAL).date() + timedelta(days=1)))
        yield low, high
        low = high


# ---- stocks: what stood at a day's end


@dataclass
class _StockSource:
    """Records that count towards `column` from their start day to the day before their end day."""

    column: str
    queryset: QuerySet
    unit: str
    start: str
    end: str | None
    dated: bool  # start and end are dates, not moments
    distinct: str | None = None  # count each value once (a person fully vaccinated twice over)

    def by_day(self, days: list[date], *, base: dict[int, int] | None = None) -> dict[date, Figures]:
        """The stock at each day's end; `base` the stock at the end of the day before (read from the raw rows when
        not given)."""
        running: Counter = Counter(self._at_day_end(days[0] - timedelta(days=1)) if base is None else base)
        changes: dict[date, Counter] = defaultdict(Counter)
        for unit_id, day, n in self._starts(days[0], days[-1]):
            changes[day][unit_id] += n
        for unit_id, day, n in self._ends(days[0], days[-1]):
            changes[day][unit_id] -= n
        result: dict[date, Figures] = {}
        for day in days:
            running.update(changes.get(day, Counter()))
            result[day] = {unit_id: Counter({self.column: n}) for unit_id, n in running.items() if n > 0}
        return result

    def at_moment(self, moment: datetime) -> Counter:
        if self.dated:
            day = (moment - timedelta(microseconds=1)).astimezone(LOCAL).date()
            counted = self._standing(Q(**{f"{self.start}__lte": day}), day, dated=True)
        else:
            counted = self._standing(Q(**{f"{self.start}__lt": moment}), moment, dated=False)
        return Counter({self.column: sum(counted.values())})

    def _at_day_end(self, day: date) -> dict[int, int]:
        if self.dated:
            return self._standing(Q(**{f"{self.start}__lte": day}), day, dated=True)
        moment = midnight(day + timedelta(days=1))
        return self._standing(Q(**{f"{self.start}__lt": moment}), moment, dated=False)

    def _standing(self, started: Q, when, *, dated: bool) -> dict[int, int]:
        rows = self.queryset.filter(started)
        if self.end:
            still = Q(**{f"{self.end}__isnull": True}) | Q(**{f"{self.end}__{'gt' if dated else 'gte'}": when})
            rows = rows.filter(still)
        return dict(self._counted(rows.values_list(self.unit)))

    def _counted(self, grouped: QuerySet):
        counter = Count(self.distinct, distinct=True) if self.distinct else Count("pk")
        return grouped.annotate(n=counter).order_by()

    def _starts(self, first: date, last: date):
        return self._grouped(self.queryset, self.start, first, last)

    def _ends(self, first: date, last: date):
        if not self.end:
            return []
        ended = self.queryset.filter(**{f"{self.end}__isnull": False}).filter(**{f"{self.end}__gte": F(self.start)})
        return self._grouped(ended, self.end, first, last)

    def _grouped(self, queryset: QuerySet, moment: str, first: date, last: date):
        if self.dated:
            rows = queryset.filter(**{f"{moment}__gte": first, f"{moment}__lte": last})
            return self._counted(rows.values_list(self.unit, moment))
        window = midnight(first), midnight(last + timedelta(days=1))
        return list(_by_day(queryset, moment, *window, unit=self.unit))


def _stock_sources(*, path: str | None = None) -> list[_StockSource]:
    orders = _in_subtree(IsolationOrder.objects.all(), path)
    admissions = _in_subtree(Admission.objects.all(), path, field="facility__unit__path")
    doses = _in_subtree(Dose.objects.all(), path)
    alerts = _in_subtree(Alert.objects.all(), path)
    return [
        _StockSource("f0_home", orders.filter(kind=OrderKind.F0_HOME), "unit_id", "starts_on", "ended_on", True),
        _StockSource("f0_site", orders.filter(kind=OrderKind.F0_SITE), "unit_id", "starts_on", "ended_on", True),
        *(
            _StockSource(
                f"f0_tier{tier}",
                admissions.filter(facility__tower__tier=tier),
                "facility__unit_id",
                "admitted_at",
                "ended_at",
                False,
            )
            for tier in (1, 2, 3)
        ),
        _StockSource("one_dose", doses.filter(number=1), "unit_id", "given_on", None, True),
        _FirstDoseSource("fully_vaccinated", doses.filter(completes_series=True), "unit_id", "given_on", None, True),
        _StockSource("open_alerts", alerts, "unit_id", "raised_at", "resolved_at", False),
    ]


@dataclass
class _FirstDoseSource(_StockSource):
    """A person counts once, from the first dose that completed their series."""

    firsts: list[tuple[int, date, int]] | None = None

    def _standing(self, started: Q, when, *, dated: bool) -> dict[int, int]:
        standing: Counter = Counter()
        for unit_id, day, n in self._firsts():
            if day <= when:
                standing[unit_id] += n
        return standing

    def _starts(self, first: date, last: date):
        if self.firsts is None:  # the base came from the stored rows: only the people completing in the range
            return self._read_firsts(first, last)
        return [(unit_id, day, n) for unit_id, day, n in self.firsts if first <= day <= last]

    def _firsts(self) -> list[tuple[int, date, int]]:
        """(unit, day, people) for the day each person's series was first completed (read once per refresh)."""
        if self.firsts is None:
            self.firsts = self._read_firsts()
        return self.firsts

    def _read_firsts(self, first: date | None = None, last: date | None = None) -> list[tuple[int, date, int]]:
        """Everyone's first completion, or (given a range) only of those whose first completion falls in it."""
        doses = self.queryset
        if first is not None:
            doses = doses.filter(
                person_id__in=doses.filter(given_on__gte=first, given_on__lte=last).values("person_id")
            )
        inner = doses.values("person_id").annotate(first=Min("given_on"), home=Min("unit_id")).order_by()
        if first is not None:
            inner = inner.filter(first__gte=first, first__lte=last)
        sql, params = inner.values_list("home", "first").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT home, first, COUNT(*) FROM ({sql}) firsts GROUP BY home, first", params)
            return [(unit_id, _as_date(day), n) for unit_id, day, n in cursor.fetchall()]

    def at_moment(self, moment: datetime) -> Counter:
        day = (moment - timedelta(microseconds=1)).astimezone(LOCAL).date()
        return Counter({self.column: sum(self._standing(Q(), day, dated=True).values())})


# ---- beds by tier and residents: small tables, or current only


@dataclass
class _UnitCounts:
    by_unit: Figures
    paths: dict[int, str]

    def subtree(self, path: str) -> Counter:
        total: Counter = Counter()
        for unit_id, counts in self.by_unit.items():
            if self.paths.get(unit_id, "").startswith(path):
                total.update(counts)
        return total

    def total(self) -> int:
        return sum(sum(counts.values()) for counts in self.by_unit.values())


def _beds_at(moments: list[datetime]) -> dict[datetime, _UnitCounts]:
    """Each ward's capacity as its history stood at each moment, by the tier of its facility."""
    history: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    wards: dict[int, tuple[int, int]] = {}
    paths: dict[int, str] = {}
    capacities = WardCapacity.objects.filter(ward__facility__tower__isnull=False).order_by("valid_from", "pk")
    for ward_id, valid_from, beds, tier, unit_id, path in capacities.values_list(
        "ward_id",
        "valid_from",
        "beds",
        "ward__facility__tower__tier",
        "ward__facility__unit_id",
        "ward__facility__unit__path",
    ):
        history[ward_id].append((valid_from, beds))
        wards[ward_id], paths[unit_id] = (tier, unit_id), path
    result = {}
    for moment in moments:
        by_unit: Figures = defaultdict(Counter)
        for ward_id, changes in history.items():
            beds = next((n for valid_from, n in reversed(changes) if valid_from < moment), 0)
            tier, unit_id = wards[ward_id]
            by_unit[unit_id][f"beds_tier{tier}"] += beds
        result[moment] = _UnitCounts(by_unit, paths)
    return result


def _residents(*, path: str | None = None) -> _UnitCounts:
    people = _in_subtree(Person.objects.filter(merged_into__isnull=True), path)
    rows = people.values_list("unit_id").annotate(n=Count("pk")).order_by()
    return _UnitCounts({unit_id: Counter({"residents": n}) for unit_id, n in rows}, {})


# ---- the unit tree


@dataclass
class _Tree:
    parents: dict[int, int | None]
    paths: dict[int, str]

    @classmethod
    def load(cls) -> "_Tree":
        rows = AdminUnit.objects.values_list("pk", "parent_id", "path")
        return cls({pk: parent for pk, parent, _path in rows}, {pk: path for pk, _parent, path in rows})

    def roll_up(self, leaves: Figures) -> dict[int, Counter]:
        """Every unit's subtree total: each leaf's counts added to it and to each of its ancestors."""
        totals: dict[int, Counter] = defaultdict(Counter)
        for unit_id, counts in leaves.items():
            node: int | None = unit_id
            while node is not None and node in self.paths:
                totals[node].update(counts)
                node = self.parents[node]
        return totals


# ---- stocks carried forward from the stored rows


CARRIED = ("residents", "f0_home", "f0_site", "f0_tier1", "f0_tier2", "f0_tier3", "one_dose", "fully_vaccinated",
           "open_alerts")  # fmt: skip
FULL_RUN = "stocks"  # the watermark whose time says when the stocks' base was last read from the raw rows


def _stored_stocks(day: date, tree: "_Tree") -> dict[str, dict[int, int]] | None:
    """Each unit's own share of each carried stock at the end of `day` (its stored row less its children's), or
    None when the day has no rows to carry."""
    own: dict[str, Counter] = {column: Counter() for column in CARRIED}
    rows = DailyFigures.objects.filter(day=day).values_list("unit_id", *CARRIED)
    found = False
    for unit_id, *values in rows.iterator(chunk_size=20_000):
        found = True
        parent = tree.parents.get(unit_id)
        for column, value in zip(CARRIED, values, strict=True):
            if value:
                own[column][unit_id] += value
                if parent is not None:
                    own[column][parent] -= value
    if not found:
        return None
    return {column: {unit_id: n for unit_id, n in counts.items() if n} for column, counts in own.items()}


def _first_run_of(today: date) -> bool:
    """Whether no refresh has read the stocks from the raw rows yet today (and mark that this one does)."""
    mark, _created = FiguresWatermark.objects.select_for_update().get_or_create(name=FULL_RUN)
    if mark.refreshed_at is not None and mark.refreshed_at.astimezone(LOCAL).date() >= today:
        return False
    mark.refreshed_at = clock.now()
    mark.save(update_fields=["refreshed_at"])
    return True


# ---- dirty days


def _first_dirty_day(today: date) -> date | None:
    """The earliest day a record entered since the last refresh falls on; the watermarks move past them."""
    earliest: list[date] = []
    for name, model in WATCHED.items():
        mark, _created = FiguresWatermark.objects.select_for_update().get_or_create(name=name)
        new = model.objects.filter(pk__gt=mark.last_id)
        last_id = new.order_by("-pk").values_list("pk", flat=True).first()
        if last_id is None:
            continue
        earliest += [day for day in _days_of(name, new) if day]
        mark.last_id, mark.refreshed_at = last_id, clock.now()
        mark.save(update_fields=["last_id", "refreshed_at"])
    return min((day for day in earliest if day <= today), default=None)


def _days_of(name: str, new: QuerySet) -> Iterable[date | None]:
    if name == "cases":
        first = new.aggregate(first=Min("confirmed_at"))["first"]
        return [first.astimezone(LOCAL).date() if first else None]
    if name == "doses":
        return [new.aggregate(first=Min("given_on"))["first"]]
    if name == "orders":
        return [new.aggregate(first=Min("starts_on"))["first"]]
    first = new.aggregate(first=Min("admitted_at"))["first"]
    return [first.astimezone(LOCAL).date() if first else None]


# ---- helpers


def _in_subtree(queryset: QuerySet, path: str | None, *, field: str = "unit__path") -> QuerySet:
    return queryset.filter(**{f"{field}__startswith": path}) if path else queryset


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL)


def _dates_in(start: datetime, end: datetime) -> tuple[date, date]:
    """The dates whose midnight falls in [start, end): a dated record happens as its day begins."""
    first = start.astimezone(LOCAL).date()
    if midnight(first) < start:
        first += timedelta(days=1)
    stop = end.astimezone(LOCAL).date()
    if midnight(stop) < end:
        stop += timedelta(days=1)
    return first, stop


def _days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
