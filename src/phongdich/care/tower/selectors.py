"""What the tower's pages read: facilities in a user's scope, the bed board, its trend, transfer suggestions and
the capacity figures the epidemic-level assessment reads."""

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from phongdich.core import clock
from phongdich.core.scoping import scope_filter, scope_of
from phongdich.places.choices import UnitLevel
from phongdich.places.models import AdminUnit, Facility, Population

from .choices import AdmissionStatus, BedKind, FacilityStatus, OfferAnswer, Tier, TransferStatus
from .models import Admission, TransferOffer, TransferRequest, TreatmentFacility, Ward, WardCapacity

PER = 100_000


def towers_for(user, permission: str = "care.view_ward") -> QuerySet:
    """The tower's facilities inside the user's scope for `permission` (a ward, admission or transfer permission:
    they all reach their unit through the facility)."""
    scope = scope_of(user, permission)
    towers = TreatmentFacility.objects.select_related("facility__unit")
    if scope.everywhere:
        return towers
    if scope.is_empty:
        return towers.none()
    return towers.filter(scope_filter(TreatmentFacility, scope))


@dataclass
class Beds:
    beds: int = 0
    occupied: int = 0
    held: int = 0

    @property
    def free(self) -> int:
        return self.beds - self.occupied - self.held

    @property
    def percent(self) -> int | None:
        return round(100 * (self.occupied + self.held) / self.beds) if self.beds else None

    @property
    def tone(self) -> str:
        """ "full" with no bed free, "low" with under one in ten free, "" otherwise (and with no beds)."""
        if not self.beds:
            return ""
        if self.free <= 0:
            return "full"
        return "low" if self.free * 10 < self.beds else ""

    def add(self, other: "Beds") -> None:
        self.beds += other.beds
        self.occupied += other.occupied
        self.held += other.held


def _by_kind() -> dict[str, Beds]:
    return {kind: Beds() for kind in BedKind.values}


@dataclass
class BoardRow:
    tower: TreatmentFacility
    district: str
    kinds: dict[str, Beds] = field(default_factory=_by_kind)
    incoming: int = 0  # transfers waiting for this facility's answer

    @property
    def total(self) -> Beds:
        total = Beds()
        for beds in self.kinds.values():
            total.add(beds)
        return total

    @property
    def in_order(self) -> list[Beds]:
        """The beds of each kind, in the board's column order."""
        return [self.kinds[kind] for kind in BedKind.values]

    @property
    def low(self) -> bool:
        """Under one bed in ten free in a kind it has."""
        return any(beds.beds and beds.free * 10 < beds.beds for beds in self.kinds.values())


@dataclass
class BoardGroup:
    label: str
    kinds: dict[str, Beds] = field(default_factory=_by_kind)
    facilities: int = 0
    waiting: int = 0  # for a tier: open transfer requests needing it

    @property
    def in_order(self) -> list[Beds]:
        return [self.kinds[kind] for kind in BedKind.values]

    @property
    def total(self) -> Beds:
        total = Beds()
        for beds in self.kinds.values():
            total.add(beds)
        return total


@dataclass
class Board:
    rows: list[BoardRow]
    tiers: list[BoardGroup]
    districts: list[BoardGroup]
    total: BoardGroup
    waiting: dict[int, int]  # open transfer requests without a bed, by tier needed
    escalated: int

    @property
    def waiting_total(self) -> int:
        return sum(self.waiting.values())


def board(user, *, unit: AdminUnit | None = None, tier: int | None = None) -> Board:
    """The bed board of the facilities in the user's scope (under `unit`, of `tier`): a few queries whatever the
    number of facilities."""
    towers = towers_for(user)
    if unit is not None:
        towers = towers.filter(facility__unit__path__startswith=unit.path)
    if tier:
        towers = towers.filter(tier=tier)
    towers = list(towers.exclude(status=FacilityStatus.RETURNED).order_by("tier", "facility__name"))
    rows = {tower.facility_id: BoardRow(tower=tower, district="") for tower in towers}
    districts = _district_names({row.tower.facility.unit.path for row in rows.values()})
    for row in rows.values():
        row.district = districts.get(_district_path(row.tower.facility.unit.path), "")
    for facility_id, kind, beds, occupied, held in Ward.objects.filter(facility_id__in=rows).values_list(
        "facility_id", "bed_kind", "beds", "occupied", "held"
    ):
        rows[facility_id].kinds[kind] = Beds(beds, occupied, held)
    for facility_id, count in _pending_offers(list(rows)):
        rows[facility_id].incoming = count
    waiting, escalated = _waiting_transfers(user, unit)
    ordered = list(rows.values())
    tiers = _grouped(ordered, lambda row: str(Tier(row.tower.tier).label))
    for group, tier_value in zip(tiers, sorted({row.tower.tier for row in ordered}), strict=True):
        group.waiting = waiting.get(tier_value, 0)
    return Board(
        rows=ordered,
        tiers=tiers,
        districts=_grouped(ordered, lambda row: row.district),
        total=_grouped(ordered, lambda row: "")[0] if ordered else BoardGroup(label=""),
        waiting=waiting,
        escalated=escalated,
    )


def _grouped(rows: list[BoardRow], key) -> list[BoardGroup]:
    groups: dict[str, BoardGroup] = {}
    for row in rows:
        group = groups.setdefault(key(row), BoardGroup(label=key(row)))
        group.facilities += 1
        for kind, beds in row.kinds.items():
            group.kinds[kind].add(beds)
    return list(groups.values())


def _district_path(path: str) -> str:
    head, *codes = path.rstrip("/").split("/")
    return "/".join([head, *codes[:1]]) + "/" if codes else path


def _district_names(paths: set[str]) -> dict[str, str]:
    wanted = {_district_path(path) for path in paths}
    return dict(AdminUnit.objects.filter(path__in=wanted).values_list("path", "name"))


def _pending_offers(facility_ids: list[int]):
    return (
        TransferOffer.objects.filter(
            facility_id__in=facility_ids, answer=OfferAnswer.PENDING, request__status=TransferStatus.WAITING
        )
        .order_by()
        .values("facility_id")
        .annotate(count=Count("id"))
        .values_list("facility_id", "count")
    )


def _waiting_transfers(user, unit: AdminUnit | None) -> tuple[dict[int, int], int]:
    waiting = TransferRequest.objects.visible_to(user).filter(status=TransferStatus.WAITING)
    if unit is not None:
        waiting = waiting.filter(unit__path__startswith=unit.path)
    by_tier = dict(waiting.order_by().values("tier").annotate(count=Count("id")).values_list("tier", "count"))
    return by_tier, waiting.filter(escalated_at__isnull=False).count()


@dataclass
class TrendDay:
    day: object
    beds: int
    occupied: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.occupied / self.beds) if self.beds else None


def trend(user, *, unit: AdminUnit | None = None, tier: int | None = None, days: int = 7) -> list[TrendDay]:
    """Patients in beds and beds at the end of each of the last `days` days, today's as of now.

    A closed day's figures cannot change: admissions, departures and capacities are all stamped with the moment
    they are recorded. So they are computed once a day for each scope and kept until midnight; today's come
    from the wards' counters."""
    towers = towers_for(user)
    if unit is not None:
        towers = towers.filter(facility__unit__path__startswith=unit.path)
    if tier:
        towers = towers.filter(tier=tier)
    facility_ids = towers.values("facility_id")
    today = clock.today()
    closed_days = [today - timedelta(days=back) for back in range(days - 1, 0, -1)]
    asked = f"{today}:{days}:{scope_of(user, 'care.view_ward')}:{unit.pk if unit else ''}:{tier or ''}"
    key = "tower-trend:" + hashlib.sha256(asked.encode()).hexdigest()
    seconds_left = int((_end_of(today) - clock.now()).total_seconds())
    closed = cache.get(key)
    if closed is None:
        closed = _closed_days(facility_ids, closed_days)
        cache.set(key, closed, timeout=max(seconds_left, 1))
    now = Ward.objects.filter(facility_id__in=facility_ids).aggregate(beds=Sum("beds"), occupied=Sum("occupied"))
    return [*closed, TrendDay(day=today, beds=now["beds"] or 0, occupied=now["occupied"] or 0)]


def _closed_days(facility_ids, day_list: list[date]) -> list[TrendDay]:
    """Patients in beds at the end of each day: those in beds now, less those admitted since, plus those who left
    since (one admitted and gone since counts in both and cancels out); beds from the dated capacity history."""
    ends = [_end_of(day) for day in day_list]
    # The facility compared through an expression: SQLite then reads the window by its time index instead of
    # every admission of every facility in scope by the facility index.
    in_scope = Admission.objects.annotate(at=F("facility_id") + 0).filter(at__in=facility_ids)
    admitted = _since_each(in_scope, "admitted_at", ends)
    left = _since_each(in_scope, "ended_at", ends)
    wards = Ward.objects.filter(facility_id__in=facility_ids)
    now_in_beds = wards.aggregate(total=Sum("occupied"))["total"] or 0
    beds = _capacity_at(wards.values("id"), ends)
    return [
        TrendDay(day=day, beds=beds[index], occupied=now_in_beds - admitted[index] + left[index])
        for index, day in enumerate(day_list)
    ]


def _since_each(rows: QuerySet, moment: str, ends: list[datetime]) -> list[int]:
    """How many of `rows` have `moment` at or after each of `ends`."""
    found = rows.filter(**{f"{moment}__gte": ends[0]}).aggregate(
        **{f"d{index}": Count("id", filter=Q(**{f"{moment}__gte": end})) for index, end in enumerate(ends)}
    )
    return [found[f"d{index}"] or 0 for index in range(len(ends))]


def _end_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _capacity_at(ward_ids, ends: list[datetime]) -> list[int]:
    """Total beds at each moment: per ward, the capacity recorded last before it."""
    history: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    rows = WardCapacity.objects.filter(ward_id__in=ward_ids, valid_from__lt=ends[-1]).order_by("valid_from", "id")
    for ward_id, valid_from, beds in rows.values_list("ward_id", "valid_from", "beds"):
        history[ward_id].append((valid_from, beds))
    totals = []
    for end in ends:
        total = 0
        for changes in history.values():
            current = [beds for valid_from, beds in changes if valid_from < end]
            total += current[-1] if current else 0
        totals.append(total)
    return totals


@dataclass
class Suggestion:
    tower: TreatmentFacility
    free: int
    beds: int
    distance_km: float | None

    @property
    def load(self) -> float:
        return 1 - self.free / self.beds if self.beds else 1.0


def suggestions(
    *, tier: int, bed_kind: str, origin: tuple[float, float] | None, exclude: set[int] = frozenset(), limit: int = 5
) -> list[Suggestion]:
    """Open facilities of `tier` with a free bed of `bed_kind`, nearest first (straight-line distance from the
    facility's coordinates, else its unit's), then the least loaded; facilities with no known place come last."""
    wards = (
        Ward.objects.filter(bed_kind=bed_kind, facility__tower__tier=tier, facility__tower__status=FacilityStatus.OPEN)
        .exclude(facility_id__in=exclude)
        .annotate(free_beds=F("beds") - F("occupied") - F("held"))
        .filter(free_beds__gt=0)
        .select_related("facility__tower", "facility__unit__parent")
    )
    found = []
    for ward in wards:
        place = coordinates_of(ward.facility)
        distance = distance_km(origin, place)
        found.append(Suggestion(tower=ward.facility.tower, free=ward.free_beds, beds=ward.beds, distance_km=distance))
    found.sort(key=lambda item: (item.distance_km is None, item.distance_km or 0, item.load))
    return found[:limit]


def coordinates_of(facility: Facility) -> tuple[float, float] | None:
    tower = getattr(facility, "tower", None)
    if tower is not None and tower.latitude is not None and tower.longitude is not None:
        return float(tower.latitude), float(tower.longitude)
    return unit_coordinates(facility.unit)


def unit_coordinates(unit: AdminUnit | None) -> tuple[float, float] | None:
    """The unit's centroid, else its commune's or district's (residential groups have none of their own)."""
    while unit is not None:
        if unit.latitude is not None and unit.longitude is not None:
            return float(unit.latitude), float(unit.longitude)
        unit = unit.parent
    return None


def distance_km(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float | None:
    """Straight-line distance between two points (latitude, longitude), None when either is unknown."""
    if a is None or b is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return round(2 * 6371 * math.asin(math.sqrt(h)), 1)


@dataclass
class CapacityFigures:
    """What the epidemic-level assessment reads of treatment capacity in a unit."""

    population: int | None
    beds: int
    icu_beds: int
    free_beds: int

    @property
    def beds_per_100k(self) -> float | None:
        return round(self.beds * PER / self.population, 1) if self.population else None

    @property
    def icu_beds_per_100k(self) -> float | None:
        return round(self.icu_beds * PER / self.population, 1) if self.population else None


def area_of(user, unit: AdminUnit | None) -> AdminUnit | None:
    """The unit the board's capacity figures are for: the district chosen, else the one unit the user's scope
    covers (a province, a district); none for a facility's staff or a scope of several units."""
    if unit is not None:
        return unit
    scope = scope_of(user, "care.view_ward")
    if scope.everywhere:
        return AdminUnit.objects.filter(path=AdminUnit.root_path()).first()
    if len(scope.unit_paths) == 1 and not scope.facility_ids:
        return AdminUnit.objects.filter(path=scope.unit_paths[0]).first()
    return None


def capacity_figures(unit: AdminUnit) -> CapacityFigures:
    """Beds and ICU beds per 100,000 people, and free COVID beds, at the open facilities in the unit."""
    wards = Ward.objects.filter(
        facility__unit__path__startswith=unit.path, facility__tower__status=FacilityStatus.OPEN
    ).values_list("bed_kind", "beds", "occupied", "held")
    beds = icu = free = 0
    for kind, count, occupied, held in wards:
        beds += count
        icu += count if kind == BedKind.ICU else 0
        free += count - occupied - held
    population = Population.objects.filter(unit=unit).order_by("-year").values_list("total", flat=True).first()
    return CapacityFigures(population=population, beds=beds, icu_beds=icu, free_beds=free)


def admissions_of(user, person) -> QuerySet:
    """A person's stays in the tower that the user may see, newest first."""
    return Admission.objects.visible_to(user).filter(person=person).select_related("facility").order_by("-admitted_at")


def patients_at(facility: Facility) -> QuerySet:
    return (
        Admission.objects.filter(facility=facility, status=AdmissionStatus.ADMITTED)
        .select_related("person")
        .order_by("bed_kind", "admitted_at")
    )


def districts_of(user) -> QuerySet:
    return AdminUnit.objects.visible_to(user).filter(level=UnitLevel.DISTRICT).order_by("name")
