"""Reads of stations, teams and the workforce that count: what a commune has ready (for the epidemic-level
assessment and the bed board), how far a target is met, who works where by kind and origin."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from phongdich.core import clock
from phongdich.core.scoping import Scope, scope_filter, scope_of
from phongdich.places.choices import UnitLevel
from phongdich.places.models import AdminUnit, IndustrialPark

from .choices import TEAM_HOUSEHOLDS_NORM, TEAM_MEMBERS_NORM, StaffKind, StaffOrigin, TargetScope
from .models import CommunityTeam, MobileStation, StaffMember, StationTarget

# Readiness of communes -----------------------------------------------------------------------------------------


@dataclass
class CommuneReadiness:
    stations: int = 0  # mobile stations open on the day
    teams: int = 0  # community COVID teams (the F0 care teams) in its residential groups
    households: int = 0  # households those teams cover


def commune_readiness(units, on: date | None = None) -> dict[int, CommuneReadiness]:
    """Per commune (by id): open mobile stations, community teams and the households they cover. Three queries,
    however many communes; a commune with none of them answers zeros."""
    day = on or clock.today()
    ids = [unit.pk if isinstance(unit, AdminUnit) else unit for unit in units]
    found = {pk: CommuneReadiness() for pk in ids}
    stations = (
        MobileStation.objects.open_on(day)
        .filter(commune_id__in=ids)
        .order_by()
        .values("commune_id")
        .annotate(n=Count("id"))
    )
    for row in stations:
        found[row["commune_id"]].stations = row["n"]
    teams = (
        CommunityTeam.objects.filter(group__parent_id__in=ids)
        .order_by()
        .values("group__parent_id")
        .annotate(n=Count("id"))
    )
    for row in teams:
        found[row["group__parent_id"]].teams = row["n"]
    covered = (
        CommunityTeam.households.through.objects.filter(communityteam__group__parent_id__in=ids)
        .order_by()
        .values("communityteam__group__parent_id")
        .annotate(n=Count("household_id", distinct=True))
    )
    for row in covered:
        found[row["communityteam__group__parent_id"]].households = row["n"]
    return found


# Progress against a target -------------------------------------------------------------------------------------


@dataclass
class Missing:
    """A commune or industrial park without an open station on the day."""

    name: str
    district: str
    unit_id: int


@dataclass
class DistrictProgress:
    district: AdminUnit
    total: int = 0
    with_station: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.with_station / self.total) if self.total else 100


@dataclass
class TargetProgress:
    target: StationTarget
    on: date
    districts: list[DistrictProgress] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(row.total for row in self.districts)

    @property
    def with_station(self) -> int:
        return sum(row.with_station for row in self.districts)

    @property
    def percent(self) -> int:
        return round(100 * self.with_station / self.total) if self.total else 100

    @property
    def overdue(self) -> bool:
        """Past the due date with places still missing: the missing list is the overdue list."""
        return self.on > self.target.due_on and bool(self.missing)

    @property
    def days_left(self) -> int:
        return (self.target.due_on - self.on).days


def station_target_progress(user, target: StationTarget, on: date | None = None) -> TargetProgress:
    """How many communes (or industrial parks) of the user's area have a station open on `on` (the clock's today
    by default), by district, and which do not, each with its district. Five queries."""
    day = on or clock.today()
    progress = TargetProgress(target=target, on=day)
    area = scope_of(user, "care.view_mobilestation")
    root = target.unit.path if target.unit_id else AdminUnit.root_path()
    if target.scope == TargetScope.COMMUNE:
        places = _communes(area, root)
        covered = set(MobileStation.objects.open_on(day).values_list("commune_id", flat=True))
    else:
        places = _parks(area, root)
        covered = set(
            MobileStation.objects.open_on(day)
            .filter(industrial_park__isnull=False)
            .values_list("industrial_park_id", flat=True)
        )
    districts = {unit.pk: unit for unit in AdminUnit.objects.filter(pk__in={d for _p, _n, d in places})}
    by_district: dict[int, DistrictProgress] = {}
    for pk, name, district_id in places:
        row = by_district.setdefault(district_id, DistrictProgress(district=districts[district_id]))
        row.total += 1
        if pk in covered:
            row.with_station += 1
        else:
            progress.missing.append(Missing(name=name, district=districts[district_id].name, unit_id=pk))
    progress.districts = sorted(by_district.values(), key=lambda row: row.district.path)
    progress.missing.sort(key=lambda place: (place.district, place.name))
    return progress


def _communes(area, root: str) -> list[tuple[int, str, int]]:
    """(id, name, district id) of the communes of the area under `root`."""
    rows = _in_area(AdminUnit, area).filter(level=UnitLevel.COMMUNE, path__startswith=root)
    return list(rows.order_by("path").values_list("pk", "name", "parent_id"))


def _parks(area, root: str) -> list[tuple[int, str, int]]:
    """(id, name, district id) of the industrial parks whose commune is in the area under `root`."""
    rows = _in_area(IndustrialPark, area).filter(unit__path__startswith=root)
    return list(rows.order_by("name").values_list("pk", "name", "unit__parent_id"))


def _in_area(model, area: Scope):
    if area.everywhere:
        return model.objects.all()
    if area.is_empty:
        return model.objects.none()
    return model.objects.filter(scope_filter(model, area))


def targets_with_progress(user, on: date | None = None) -> list[TargetProgress]:
    return [station_target_progress(user, target, on) for target in StationTarget.objects.order_by("due_on")]


# Community teams -----------------------------------------------------------------------------------------------


def norm_warnings(members: int, households: int) -> list[str]:
    """What a team lacks or exceeds against the norm, in words: a warning, never a refusal."""
    warnings = []
    low, high = TEAM_MEMBERS_NORM
    norm = {"count": members, "low": low, "high": high}
    if members < low:
        warnings.append(
            ngettext(
                "The team has only %(count)d member: a team should have %(low)d to %(high)d members.",
                "The team has only %(count)d members: a team should have %(low)d to %(high)d members.",
                members,
            )
            % norm
        )
    elif members > high:
        warnings.append(_("The team has %(count)d members: a team should have %(low)d to %(high)d members.") % norm)
    low, high = TEAM_HOUSEHOLDS_NORM
    norm = {"count": households, "low": low, "high": high}
    if households < low:
        warnings.append(
            ngettext(
                "The team covers only %(count)d household: each team should cover %(low)d to %(high)d households.",
                "The team covers only %(count)d households: each team should cover %(low)d to %(high)d households.",
                households,
            )
            % norm
        )
    elif households > high:
        warnings.append(
            _("The team covers %(count)d households: each team should cover %(low)d to %(high)d households.") % norm
        )
    return warnings


def teams_with_counts(teams):
    """Teams annotated with `member_count` and `household_count`, in one query."""
    return teams.annotate(
        member_count=Count("members", distinct=True), household_count=Count("households", distinct=True)
    ).select_related("group")


# Workforce -----------------------------------------------------------------------------------------------------


@dataclass
class WorkforceCounts:
    total: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_origin: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, origin: str, n: int) -> None:
        self.total += n
        self.by_kind[kind] = self.by_kind.get(kind, 0) + n
        self.by_origin[origin] = self.by_origin.get(origin, 0) + n

    def kinds(self) -> list[tuple[str, int]]:
        return [(label, self.by_kind[value]) for value, label in StaffKind.choices if self.by_kind.get(value)]

    def origins(self) -> list[tuple[str, int]]:
        return [(label, self.by_origin[value]) for value, label in StaffOrigin.choices if self.by_origin.get(value)]


def workforce_counts(facilities, on: date | None = None) -> dict[int, WorkforceCounts]:
    """Staff working on `on` at each facility (by id), by kind and by origin: one query. A facility with nobody
    answers an empty count."""
    day = on or clock.today()
    ids = [getattr(facility, "pk", facility) for facility in facilities]
    counts: dict[int, WorkforceCounts] = defaultdict(WorkforceCounts)
    for pk in ids:
        counts[pk] = WorkforceCounts()
    rows = (
        StaffMember.objects.working_on(day)
        .filter(facility_id__in=ids)
        .order_by()
        .values("facility_id", "kind", "origin")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["facility_id"]].add(row["kind"], row["origin"], row["n"])
    return dict(counts)


def staff_counts_of_stations(stations, on: date | None = None) -> dict[int, int]:
    """People working at each station (by station id) on the day: the station's staff."""
    by_facility = workforce_counts([station.facility_id for station in stations], on)
    return {station.pk: by_facility[station.facility_id].total for station in stations}


def recovered_f0_trained(staff) -> int:
    """Recovered F0 among `staff` who completed a course (seed 000: trained as nurses)."""
    return staff.filter(origin=StaffOrigin.RECOVERED_F0).filter(Q(attendances__completed=True)).distinct().count()
