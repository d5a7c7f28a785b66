"""Reads of lockdown areas: who lives inside one (from the register), which are open, which cover a unit, their
figures (early endings, durations), how far the residents are with the test to leave, and the testing rounds
over a zone's area.

A zone holds units (their whole subtree is inside), address lines (people registered in the zone's unit whose
address contains the line, compared without accents, case or punctuation, word for word), or a drawn boundary.
The register has no coordinates, so a boundary alone puts nobody inside: it is shown, not searched.
"""

import re
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from phongdich.core import clock
from phongdich.core.text import fold
from phongdich.labs.choices import Result as TestResult
from phongdich.labs.choices import SampleKind
from phongdich.labs.models import Sample, TestingRound
from phongdich.people.models import Person
from phongdich.places.models import AdminUnit

from ..choices import LeaveTest
from ..models import Zone

_WORDS = re.compile(r"[0-9a-z]+")
DAY_SECONDS = 86_400

# The samples that count as a zone's test to leave: RT-PCR (alone or pooled) for a PCR test; an antigen test
# by a health worker, or an RT-PCR, for a rapid test (a self-test is not a test to leave a lockdown on).
LEAVE_TEST_KINDS: dict[str, tuple[str, ...]] = {
    LeaveTest.PCR: (SampleKind.RT_PCR, SampleKind.RT_PCR_POOLED),
    LeaveTest.RAPID: (SampleKind.ANTIGEN, SampleKind.RT_PCR, SampleKind.RT_PCR_POOLED),
}


def address_words(text: str) -> tuple[str, ...]:
    """'Số 12/3, Nguyễn Trãi' -> ('so', '12', '3', 'nguyen', 'trai'): what an address line is compared by."""
    return tuple(_WORDS.findall(fold(text or "")))


class AddressMatcher:
    """Whether an address holds one of a zone's lines as consecutive whole words: "Số 12, Nguyễn Trãi" matches
    "số 12 Nguyễn Trãi, Khu phố 1" but not "Số 125, Nguyễn Trãi". Lines are looked up by their first word, so a
    list of hundreds of lines costs little more per address than one."""

    def __init__(self, lines: Iterable[str]):
        self.by_first: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for line in lines:
            words = address_words(line)
            if words:
                self.by_first[words[0]].append(words)

    def __bool__(self) -> bool:
        return bool(self.by_first)

    def matches(self, *addresses: str) -> bool:
        for address in addresses:
            words = address_words(address)
            for index, word in enumerate(words):
                for line in self.by_first.get(word, ()):
                    if words[index : index + len(line)] == line:
                        return True
        return False


def subtree_units(paths: Iterable[str]) -> QuerySet:
    """The ids of the units in the subtrees of these paths, as a subquery."""
    condition = Q(pk__in=[])
    for path in set(paths):
        condition |= Q(path__prefix=path)
    return AdminUnit.objects.filter(condition).values("pk")


def _address_candidates(paths: Iterable[str]):
    """(person id, address, household address, unit path) of the active people registered under these paths."""
    return (
        Person.objects.active()
        .filter(unit__in=subtree_units(paths))
        .values_list("pk", "address", "household__address", "unit__path")
        .order_by()
        .iterator(chunk_size=5000)
    )


def address_residents(zone: Zone) -> list[int]:
    """The ids of the people registered in the zone's unit whose address holds one of its lines."""
    matcher = AddressMatcher(zone.addresses or [])
    if not matcher:
        return []
    return [
        pk
        for pk, address, household_address, _path in _address_candidates([zone.unit.path])
        if matcher.matches(address or "", household_address or "")
    ]


def zone_residents(zone: Zone) -> QuerySet[Person]:
    """The people living inside the zone, from the register: those registered in its units' subtrees, and those
    in its unit's subtree at one of its addresses."""
    condition = Q(pk__in=[])
    paths = [unit.path for unit in zone.units.all()]
    if paths:
        condition |= Q(unit__in=subtree_units(paths))
    if zone.addresses:
        condition |= Q(pk__in=address_residents(zone))
    return Person.objects.active().filter(condition)


def open_zones(at: datetime | None = None) -> QuerySet[Zone]:
    """The zones in force at `at` (now by default): started, and not ended by then."""
    at = at or clock.now()
    return Zone.objects.filter(starts_at__lte=at).filter(Q(ended_at__isnull=True) | Q(ended_at__gt=at))


def zones_covering(unit: AdminUnit, at: datetime | None = None) -> QuerySet[Zone]:
    """The zones in force at `at` that hold this unit or one of its ancestors, or lie in it (a red point of its
    addresses)."""
    paths = [unit.path, *unit.ancestor_paths()]
    holding = Zone.units.through.objects.filter(adminunit__path__in=paths).values("zone_id")
    return open_zones(at).filter(Q(pk__in=holding) | Q(unit=unit))


def state_of(zone: Zone, now: datetime | None = None) -> str:
    """planned (not started), open, overdue (past its planned end, not ended), ended or ended_early."""
    now = now or clock.now()
    if zone.ended_at is not None:
        return "ended_early" if zone.ended_early else "ended"
    if zone.starts_at > now:
        return "planned"
    return "overdue" if zone.planned_end_at <= now else "open"


def days_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / DAY_SECONDS


@dataclass
class ZoneFigures:
    open: int = 0
    planned: int = 0
    overdue: int = 0  # open past its planned end
    ended: int = 0
    ended_early: int = 0
    median_days: float | None = None  # of the ended zones, from start to end
    mean_days: float | None = None
    residents: int = 0  # people inside the open zones, each counted once

    @property
    def early_share(self) -> float | None:
        return self.ended_early / self.ended if self.ended else None


def zone_figures(queryset: QuerySet[Zone]) -> ZoneFigures:
    """Counts over a set of zones: open (overdue among them), planned, ended and ended early; the median and mean
    duration in days of the ended ones; the people living inside the open ones. Four queries however many zones."""
    now = clock.now()
    figures = ZoneFigures()
    durations = []
    open_ids, address_zones = [], []
    rows = queryset.order_by().values_list("pk", "starts_at", "planned_end_at", "ended_at", "unit__path", "addresses")
    for pk, starts_at, planned_end_at, ended_at, unit_path, addresses in rows:
        if ended_at is not None:
            figures.ended += 1
            figures.ended_early += ended_at < planned_end_at
            durations.append(days_between(starts_at, ended_at))
        elif starts_at > now:
            figures.planned += 1
        else:
            figures.open += 1
            figures.overdue += planned_end_at <= now
            open_ids.append(pk)
            if addresses:
                address_zones.append((unit_path, AddressMatcher(addresses)))
    if durations:
        figures.median_days = statistics.median(durations)
        figures.mean_days = statistics.fmean(durations)
    figures.residents = _residents_inside(open_ids, address_zones)
    return figures


def _residents_inside(zone_ids: list[int], address_zones: list[tuple[str, AddressMatcher]]) -> int:
    """People inside any of these zones, each once: a count by units, plus the address matches outside them."""
    if not zone_ids:
        return 0
    paths = set(
        Zone.units.through.objects.filter(zone_id__in=zone_ids).values_list("adminunit__path", flat=True).order_by()
    )
    by_units = Person.objects.active().filter(unit__in=subtree_units(paths)).count() if paths else 0
    extra = set()
    if address_zones:
        for pk, address, household_address, unit_path in _address_candidates(path for path, _m in address_zones):
            if any(unit_path.startswith(path) for path in paths):
                continue  # counted with the units
            for zone_path, matcher in address_zones:
                if unit_path.startswith(zone_path) and matcher.matches(address or "", household_address or ""):
                    extra.add(pk)
                    break
    return by_units + len(extra)


@dataclass
class LeaveTestProgress:
    """Where the residents of a zone stand with its test to leave, counting their samples of that test taken
    since the zone started: negative (the last result), positive (any), waiting for a result, not yet sampled."""

    test: str
    residents: int = 0
    negative: int = 0
    positive: int = 0
    waiting: int = 0

    @property
    def not_sampled(self) -> int:
        return self.residents - self.negative - self.positive - self.waiting

    @property
    def still_to_test(self) -> int:
        """Residents without a negative test to leave: the ones who still need testing."""
        return self.residents - self.negative


def leave_test_results(zone: Zone, person_ids: Iterable[int] | QuerySet) -> dict[int, str]:
    """person id -> "negative", "positive" or "waiting": their standing with the zone's test to leave (absent:
    not sampled since the zone started)."""
    kinds = LEAVE_TEST_KINDS.get(zone.leave_test)
    if not kinds:
        return {}
    samples = Sample.objects.filter(person_id__in=person_ids, kind__in=kinds, sampled_at__gte=zone.starts_at)
    if zone.ended_at is not None:
        samples = samples.filter(sampled_at__lte=zone.ended_at)
    standing: dict[int, str] = {}
    rows = samples.order_by("person_id", "sampled_at", "pk").values_list("person_id", "result")
    for person_id, result in rows.iterator(chunk_size=5000):
        if standing.get(person_id) == "positive":
            continue
        if result == TestResult.POSITIVE:
            standing[person_id] = "positive"
        elif result == TestResult.NEGATIVE:
            standing[person_id] = "negative"
        elif person_id not in standing:
            standing[person_id] = "waiting"  # no result yet (or one to test again)
    return standing


def leave_test_progress(zone: Zone, residents: QuerySet[Person] | None = None) -> LeaveTestProgress | None:
    """The residents' standing with the zone's test to leave; None for a zone that asks no test."""
    if not zone.leave_test:
        return None
    residents = zone_residents(zone) if residents is None else residents
    progress = LeaveTestProgress(test=zone.leave_test, residents=residents.count())
    for standing in leave_test_results(zone, residents.values("pk")).values():
        setattr(progress, standing, getattr(progress, standing) + 1)
    return progress


def local_day(moment: datetime) -> date:
    return timezone.localdate(moment)


def rounds_over(zone: Zone, user) -> QuerySet[TestingRound]:
    """The testing rounds the user may see over the zone's area (its units, their ancestors and descendants, or
    its unit for an address list) that run while the zone is in force."""
    paths = [unit.path for unit in zone.units.all()] or [zone.unit.path]
    ancestors = {ancestor for path in paths for ancestor in _ancestor_paths(path)}
    area = Q(unit__path__in=ancestors | set(paths)) | Q(unit__in=subtree_units(paths))
    rounds = TestingRound.objects.visible_to(user).filter(area, ends_on__gte=local_day(zone.starts_at))
    last = zone.ended_at or zone.planned_end_at
    return rounds.filter(starts_on__lte=local_day(last)).select_related("unit").order_by("starts_on", "pk")


def _ancestor_paths(path: str) -> list[str]:
    head, *codes = path.rstrip("/").split("/")
    found, current = [], ""
    for part in [head, *codes][:-1]:
        current += part + "/"
        found.append(current)
    return found
