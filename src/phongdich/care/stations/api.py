"""/api/v1/care/stations, /care/teams, /care/staff: lists and creates, scoped and audited like the pages; the same
services do the writes."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from phongdich.core import audit
from phongdich.core.api import lookup_field, lookup_fields
from phongdich.core.choices import AuditAction
from phongdich.core.pagination import keyset_page
from phongdich.core.scoping import require_permission, scope_of
from phongdich.people.models import Household, Person
from phongdich.places.choices import UnitLevel
from phongdich.places.models import AdminUnit, Facility, IndustrialPark

from .choices import StaffKind, StaffOrigin, StationStatus, TargetScope, TeamRole
from .models import CommunityTeam, MobileStation, StaffMember, StationTarget
from .selectors import norm_warnings, station_target_progress, teams_with_counts
from .services import MemberData, StaffData, StationData, staff_add, station_create, team_save

router = Router(tags=["care"])


def _limit(limit: int) -> int:
    return max(1, min(limit, 200))


# Stations ------------------------------------------------------------------------------------------------------


class StationOut(Schema):
    id: int
    facility_id: int
    name: str
    commune_id: int
    industrial_park_id: int | None
    opened_on: date
    closed_on: date | None
    status: str
    oxygen_concentrators: int
    oxygen_cylinders: int
    spo2_meters: int
    beds: int
    catchment_note: str

    @staticmethod
    def resolve_name(station) -> str:
        return station.facility.name


class StationPage(Schema):
    items: list[StationOut]
    next_cursor: str | None


class StationIn(Schema):
    name: str
    commune_id: int
    industrial_park_id: int | None = Field(None, description="Only for a station of an industrial park.")
    opened_on: date
    closed_on: date | None = None
    status: StationStatus = StationStatus.OPERATING
    oxygen_concentrators: int = Field(0, ge=0)
    oxygen_cylinders: int = Field(0, ge=0)
    spo2_meters: int = Field(0, ge=0)
    beds: int = Field(0, ge=0)
    catchment_unit_ids: list[int] = Field([], description="Residential groups it serves.")
    catchment_note: str = ""
    address: str = ""
    phone: str = ""


@router.get("/stations", response=StationPage, summary="Mobile medical stations in the caller's jurisdiction")
def list_stations(request, commune: int | None = None, cursor: str | None = None, limit: int = 50):
    require_permission(request.user, "care.view_mobilestation")
    stations = MobileStation.objects.visible_to(request.user).select_related("facility")
    if commune is not None:
        stations = stations.filter(commune_id=commune)
    rows, next_cursor = keyset_page(stations, ("-id",), cursor, _limit(limit))
    return {"items": rows, "next_cursor": next_cursor}


@router.post("/stations", response={201: StationOut}, summary="Open a mobile station (its facility is created too)")
def create_station(request, payload: StationIn):
    require_permission(request.user, "care.add_mobilestation")
    user = request.user
    communes = AdminUnit.objects.filter(level=UnitLevel.COMMUNE)
    commune = lookup_field(user, communes, payload.commune_id, "commune_id", None)
    commune = _in_permission_scope(user, "care.add_mobilestation", commune, "commune_id")
    park = lookup_field(user, IndustrialPark, payload.industrial_park_id, "industrial_park_id")
    catchment = lookup_fields(user, AdminUnit, payload.catchment_unit_ids, "catchment_unit_ids")
    values = payload.dict(exclude={"commune_id", "industrial_park_id", "catchment_unit_ids"})
    data = StationData(commune=commune, industrial_park=park, catchment_units=tuple(catchment), **values)
    return Status(201, station_create(actor=user, data=data))


def _in_permission_scope(user, permission: str, unit: AdminUnit, field: str) -> AdminUnit:
    """A unit named in a body, answered like a missing one unless the caller holds `permission` there."""
    if not scope_of(user, permission).covers_path(unit.path):
        raise ValidationError({field: _("Not found in your jurisdiction.")})
    return unit


class DistrictProgressOut(Schema):
    district_id: int
    district: str
    total: int
    with_station: int
    percent: int


class MissingOut(Schema):
    unit_id: int
    name: str
    district: str


class TargetProgressOut(Schema):
    target_id: int
    scope: TargetScope
    due_on: date
    source_document: str
    on: date
    total: int
    with_station: int
    percent: int
    overdue: bool
    districts: list[DistrictProgressOut]
    missing: list[MissingOut] = Field(description="Communes (parks) without an open station; overdue past due_on.")


@router.get("/stations/targets", response=list[TargetProgressOut], summary="Each station target and how far it is met")
def list_target_progress(request, on: date | None = None):
    require_permission(request.user, "care.view_stationtarget")
    return [_progress_out(station_target_progress(request.user, t, on)) for t in StationTarget.objects.all()]


def _progress_out(progress) -> dict:
    target = progress.target
    return {
        "target_id": target.pk,
        "scope": target.scope,
        "due_on": target.due_on,
        "source_document": target.source_document,
        "on": progress.on,
        "total": progress.total,
        "with_station": progress.with_station,
        "percent": progress.percent,
        "overdue": progress.overdue,
        "districts": [
            {
                "district_id": row.district.pk,
                "district": row.district.name,
                "total": row.total,
                "with_station": row.with_station,
                "percent": row.percent,
            }
            for row in progress.districts
        ],
        "missing": [vars(place) for place in progress.missing],
    }


# Community teams -----------------------------------------------------------------------------------------------


class MemberSchema(Schema):
    full_name: str
    phone: str = ""
    role: TeamRole = TeamRole.MEMBER
    user_id: int | None = None


class TeamOut(Schema):
    id: int
    group_id: int
    name: str
    note: str
    member_count: int
    household_count: int
    warnings: list[str] = Field(description="Outside the norm of 3–5 members and 30–50 households.")

    @staticmethod
    def resolve_warnings(team) -> list[str]:
        return norm_warnings(team.member_count, team.household_count)


class TeamPage(Schema):
    items: list[TeamOut]
    next_cursor: str | None


class TeamIn(Schema):
    group_id: int
    name: str
    note: str = ""
    members: list[MemberSchema] = Field(min_length=1, max_length=12)
    household_ids: list[int] = Field([], max_length=200)


@router.get("/teams", response=TeamPage, summary="Community COVID teams with their counts (members not listed)")
def list_teams(request, commune: int | None = None, cursor: str | None = None, limit: int = 50):
    require_permission(request.user, "care.view_communityteam")
    teams = CommunityTeam.objects.visible_to(request.user)
    if commune is not None:
        teams = teams.filter(group__parent_id=commune)
    rows, next_cursor = keyset_page(teams_with_counts(teams), ("-id",), cursor, _limit(limit))
    return {"items": rows, "next_cursor": next_cursor}


@router.post("/teams", response={201: TeamOut}, summary="Form a community team of a residential group")
def create_team(request, payload: TeamIn):
    require_permission(request.user, "care.add_communityteam")
    user = request.user
    group = lookup_field(user, AdminUnit.objects.filter(level=UnitLevel.GROUP), payload.group_id, "group_id", None)
    group = _in_permission_scope(user, "care.add_communityteam", group, "group_id")
    households = lookup_fields(user, Household, payload.household_ids, "household_ids")
    team = team_save(
        actor=user,
        group=group,
        name=payload.name,
        note=payload.note,
        members=[MemberData(**member.dict()) for member in payload.members],
        households=households,
    )
    return Status(201, teams_with_counts(CommunityTeam.objects.filter(pk=team.pk)).get())


# Workforce -----------------------------------------------------------------------------------------------------


class StaffOut(Schema):
    id: int
    full_name: str
    phone: str
    kind: StaffKind
    origin: StaffOrigin
    facility_id: int
    from_on: date
    to_on: date | None
    person_id: int | None
    note: str


class StaffPage(Schema):
    items: list[StaffOut]
    next_cursor: str | None


class StaffIn(Schema):
    full_name: str
    phone: str = ""
    kind: StaffKind
    origin: StaffOrigin = StaffOrigin.REGULAR
    facility_id: int
    from_on: date
    to_on: date | None = None
    person_id: int | None = Field(None, description="The person in the register, e.g. a recovered F0.")
    note: str = ""


@router.get("/staff", response=StaffPage, summary="Staff at the facilities of the caller's jurisdiction")
def list_staff(request, facility: int | None = None, cursor: str | None = None, limit: int = 50):
    require_permission(request.user, "care.view_staffmember")
    staff = StaffMember.objects.visible_to(request.user)
    if facility is not None:
        staff = staff.filter(facility_id=facility)
    rows, next_cursor = keyset_page(staff, ("-id",), cursor, _limit(limit))
    if rows:
        audit.record(
            actor=request.user,
            action=AuditAction.READ,
            object_type="care.staffmember",
            object_repr=f"API: {len(rows)} staff",
            unit_path=audit.top_unit_path(request.user),
        )
    return {"items": rows, "next_cursor": next_cursor}


@router.post("/staff", response={201: StaffOut}, summary="Record a staff member at a facility")
def create_staff(request, payload: StaffIn):
    require_permission(request.user, "care.add_staffmember")
    user = request.user
    facility = lookup_field(user, Facility.objects.select_related("unit"), payload.facility_id, "facility_id")
    person = lookup_field(user, Person.objects.active(), payload.person_id, "person_id")
    values = payload.dict(exclude={"facility_id", "person_id"})
    return Status(201, staff_add(actor=user, data=StaffData(facility=facility, person=person, **values)))
