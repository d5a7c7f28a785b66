"""Writes of stations, teams and the workforce: each checks the actor's scope, validates, saves and audits in one
transaction. Records named by id are resolved through the caller's scope before they reach these functions."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phongdich.core import audit
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.people.models import Household, Person
from phongdich.places.choices import FacilityKind, UnitLevel
from phongdich.places.models import AdminUnit, Facility, IndustrialPark

from .choices import StationStatus, TeamRole
from .models import (
    CommunityTeam,
    CommunityTeamMember,
    CourseAttendance,
    MobileStation,
    StaffMember,
    StationTarget,
    TrainingCourse,
)

STATION_FIELDS = [
    "opened_on",
    "closed_on",
    "status",
    "oxygen_concentrators",
    "oxygen_cylinders",
    "spo2_meters",
    "beds",
    "catchment_note",
    "industrial_park_id",
]
STAFF_FIELDS = ["full_name", "phone", "kind", "origin", "facility_id", "from_on", "to_on", "person_id", "note"]


def _require_in_scope(actor, permission: str, unit: AdminUnit, message: str) -> None:
    if not scope_of(actor, permission).covers_path(unit.path):
        raise OutOfScope(message)


# Stations ------------------------------------------------------------------------------------------------------


@dataclass
class StationData:
    name: str
    commune: AdminUnit
    opened_on: date
    industrial_park: IndustrialPark | None = None
    closed_on: date | None = None
    status: str = StationStatus.OPERATING
    oxygen_concentrators: int = 0
    oxygen_cylinders: int = 0
    spo2_meters: int = 0
    beds: int = 0
    catchment_units: tuple[AdminUnit, ...] = ()
    catchment_note: str = ""
    address: str = ""
    phone: str = ""


def _check_station(data: StationData) -> None:
    errors: dict[str, str] = {}
    if data.commune.level != UnitLevel.COMMUNE:
        errors["commune"] = _("A mobile station belongs to a commune, ward or town.")
    if data.industrial_park and data.industrial_park.unit_id != data.commune.pk:
        errors["industrial_park"] = _("This industrial park is not in the commune chosen.")
    if data.closed_on and data.closed_on < data.opened_on:
        errors["closed_on"] = _("A station cannot close before it opens.")
    if data.status == StationStatus.CLOSED and not data.closed_on:
        errors["closed_on"] = _("Give the day the station closed.")
    outside = [unit.name for unit in data.catchment_units if not unit.path.startswith(data.commune.path)]
    if outside:
        errors["catchment_units"] = _("Not in this commune: %(units)s.") % {"units": ", ".join(outside)}
    if not data.name.strip():
        errors["name"] = _("Give the station a name.")
    if errors:
        raise ValidationError(errors)


def station_create(*, actor, data: StationData, facility: Facility | None = None) -> MobileStation:
    """A mobile station and the facility it is (kind mobile_station, in its commune), audited together. Given
    `facility`, a mobile station facility already recorded in the commune (with no station yet), the station is that
    facility, renamed to `data.name`, rather than a second facility for the same place."""
    with transaction.atomic():
        _require_in_scope(actor, "care.add_mobilestation", data.commune, _("No such commune in your jurisdiction."))
        _check_station(data)
        if facility is None:
            facility = Facility.objects.create(
                name=data.name.strip(),
                kind=FacilityKind.MOBILE_STATION,
                unit=data.commune,
                address=data.address,
                phone=data.phone,
            )
        else:
            facility = Facility.objects.select_for_update().get(pk=facility.pk)
            _check_existing_facility(facility, data)
            facility.name = data.name.strip()
            facility.address, facility.phone = data.address or facility.address, data.phone or facility.phone
            facility.save(update_fields=["name", "address", "phone"])
        station = MobileStation.objects.create(
            facility=facility,
            commune=data.commune,
            created_by=audit.user_of(actor),
            **{name.removesuffix("_id"): getattr(data, name.removesuffix("_id")) for name in STATION_FIELDS},
        )
        station.catchment_units.set(data.catchment_units)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=station,
            object_repr=facility.name,
            unit_path=data.commune.path,
            after=audit.snapshot(station, STATION_FIELDS) | {"catchment_units": [u.pk for u in data.catchment_units]},
        )
    return station


def _check_existing_facility(facility: Facility, data: StationData) -> None:
    if facility.kind != FacilityKind.MOBILE_STATION:
        raise ValidationError({"name": _("This facility is not a mobile station.")})
    if facility.unit_id != data.commune.pk:
        raise ValidationError({"commune": _("This facility is not in the commune chosen.")})
    if MobileStation.objects.filter(facility=facility).exists():
        raise ValidationError({"name": _("This facility is already a station.")})


def station_update(*, actor, station: MobileStation, data: StationData) -> MobileStation:
    """Dates, status, equipment and catchment of a station; its commune stays (a new commune is a new station)."""
    with transaction.atomic():
        station = MobileStation.objects.select_for_update().select_related("facility", "commune").get(pk=station.pk)
        _require_in_scope(
            actor, "care.change_mobilestation", station.commune, _("No such station in your jurisdiction.")
        )
        data.commune = station.commune
        _check_station(data)
        before = audit.snapshot(station, STATION_FIELDS) | {"name": station.facility.name}
        before["catchment_units"] = sorted(station.catchment_units.values_list("pk", flat=True))
        for name in STATION_FIELDS:
            setattr(station, name.removesuffix("_id"), getattr(data, name.removesuffix("_id")))
        station.save(update_fields=[name.removesuffix("_id") for name in STATION_FIELDS])
        station.catchment_units.set(data.catchment_units)
        facility = station.facility
        facility.name, facility.address, facility.phone = data.name.strip(), data.address, data.phone
        facility.save(update_fields=["name", "address", "phone"])
        after = audit.snapshot(station, STATION_FIELDS) | {"name": facility.name}
        after["catchment_units"] = sorted(unit.pk for unit in data.catchment_units)
        changed_before, changed_after = audit.diff(before, after)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=station,
            object_repr=facility.name,
            unit_path=station.commune.path,
            before=changed_before,
            after=changed_after,
        )
    return station


def station_target_add(*, actor, scope: str, due_on: date, source_document: str, unit=None) -> StationTarget:
    """A new target, for a province administrator."""
    with transaction.atomic():
        if not scope_of(actor, "care.add_stationtarget").is_provincial:
            raise OutOfScope(_("Only the province sets station targets."))
        if StationTarget.objects.filter(scope=scope, due_on=due_on).exists():
            raise ValidationError({"due_on": _("A target of this kind already falls due on this day.")})
        target = StationTarget.objects.create(scope=scope, due_on=due_on, source_document=source_document, unit=unit)
        audit.record(
            actor=actor, action=AuditAction.CREATE, instance=target, after=audit.snapshot(target, ["scope", "due_on"])
        )
    return target


# Community teams -----------------------------------------------------------------------------------------------


@dataclass
class MemberData:
    full_name: str
    phone: str = ""
    role: str = TeamRole.MEMBER
    user_id: int | None = None


def _check_team(group: AdminUnit, name: str, members: list[MemberData], households: list[Household]) -> None:
    errors: dict[str, list[str]] = {}
    if group.level != UnitLevel.GROUP:
        errors["group"] = [_("A community team belongs to a residential group.")]
    if not name.strip():
        errors["name"] = [_("Give the team a name.")]
    if not members:
        errors["members"] = [_("A team has at least one member.")]
    if sum(member.role == TeamRole.LEADER for member in members) > 1:
        errors.setdefault("members", []).append(_("A team has one leader."))
    foreign = [household.code for household in households if household.unit_id != group.pk]
    if foreign:
        errors["households"] = [
            _("Households %(codes)s are not in %(group)s: a team covers the households of its own group only.")
            % {"codes": ", ".join(foreign), "group": group.label}
        ]
    if errors:
        raise ValidationError(errors)


def team_save(
    *,
    actor,
    group: AdminUnit,
    name: str,
    members: list[MemberData],
    households: list[Household],
    note: str = "",
    team: CommunityTeam | None = None,
) -> CommunityTeam:
    """A new team of a residential group, or its new name, members and households. Members outside the 3–5 norm
    or households outside 30–50 are allowed (the page warns); a household of another group is refused."""
    permission = "care.change_communityteam" if team else "care.add_communityteam"
    with transaction.atomic():
        if team is not None:
            team = CommunityTeam.objects.select_for_update().select_related("group").get(pk=team.pk)
            group = team.group
        _require_in_scope(actor, permission, group, _("No such residential group in your jurisdiction."))
        _check_team(group, name, members, households)
        if CommunityTeam.objects.filter(group=group, name=name.strip()).exclude(pk=getattr(team, "pk", None)).exists():
            raise ValidationError({"name": _("This group already has a team of that name.")})
        before = _team_snapshot(team) if team else None
        if team is None:
            team = CommunityTeam.objects.create(group=group, name=name.strip(), note=note)
        else:
            team.name, team.note = name.strip(), note
            team.save(update_fields=["name", "note"])
            team.members.all().delete()
        CommunityTeamMember.objects.bulk_create(
            CommunityTeamMember(team=team, full_name=m.full_name.strip(), phone=m.phone, role=m.role, user_id=m.user_id)
            for m in members
        )
        team.households.set(households)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            instance=team,
            unit_path=group.path,
            before=before,
            after=_team_snapshot(team),
        )
    return team


def _team_snapshot(team: CommunityTeam) -> dict:
    return {
        "name": team.name,
        "members": [[m.full_name, m.phone, m.role] for m in team.members.order_by("role", "full_name")],
        "households": sorted(team.households.values_list("pk", flat=True)),
    }


# Workforce -----------------------------------------------------------------------------------------------------


@dataclass
class StaffData:
    full_name: str
    kind: str
    facility: Facility
    from_on: date
    origin: str = "regular"
    phone: str = ""
    to_on: date | None = None
    person: Person | None = None
    note: str = ""


def _check_staff(data: StaffData) -> None:
    errors = {}
    if not data.full_name.strip():
        errors["full_name"] = _("Give the full name.")
    if data.to_on and data.to_on < data.from_on:
        errors["to_on"] = _("The last day cannot come before the first.")
    if errors:
        raise ValidationError(errors)


def _facility_in_scope(actor, permission: str, facility: Facility) -> None:
    scope = scope_of(actor, permission)
    if not (scope.covers_path(facility.unit.path) or facility.pk in scope.facility_ids):
        raise OutOfScope(_("No such facility in your jurisdiction."))


def staff_add(*, actor, data: StaffData) -> StaffMember:
    with transaction.atomic():
        _facility_in_scope(actor, "care.add_staffmember", data.facility)
        _check_staff(data)
        staff = StaffMember.objects.create(
            **{name.removesuffix("_id"): getattr(data, name.removesuffix("_id")) for name in STAFF_FIELDS}
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=staff,
            person_id=staff.person_id,
            unit_path=data.facility.unit.path,
            after=audit.snapshot(staff, STAFF_FIELDS),
        )
    return staff


def staff_update(*, actor, staff: StaffMember, data: StaffData) -> StaffMember:
    with transaction.atomic():
        staff = StaffMember.objects.select_for_update().select_related("facility__unit").get(pk=staff.pk)
        _facility_in_scope(actor, "care.change_staffmember", staff.facility)
        _facility_in_scope(actor, "care.change_staffmember", data.facility)
        _check_staff(data)
        before = audit.snapshot(staff, STAFF_FIELDS)
        for name in STAFF_FIELDS:
            setattr(staff, name.removesuffix("_id"), getattr(data, name.removesuffix("_id")))
        staff.save(update_fields=[name.removesuffix("_id") for name in STAFF_FIELDS])
        changed_before, changed_after = audit.diff(before, audit.snapshot(staff, STAFF_FIELDS))
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=staff,
            person_id=staff.person_id,
            unit_path=data.facility.unit.path,
            before=changed_before,
            after=changed_after,
        )
    return staff


def course_add(
    *,
    actor,
    title: str,
    starts_on: date,
    ends_on: date,
    unit: AdminUnit,
    topic: str = "",
    place: str = "",
    facility: Facility | None = None,
) -> TrainingCourse:
    with transaction.atomic():
        _require_in_scope(actor, "care.add_trainingcourse", unit, _("No such unit in your jurisdiction."))
        if ends_on < starts_on:
            raise ValidationError({"ends_on": _("A course cannot end before it starts.")})
        if not title.strip():
            raise ValidationError({"title": _("Give the course a title.")})
        course = TrainingCourse.objects.create(
            title=title.strip(),
            topic=topic,
            starts_on=starts_on,
            ends_on=ends_on,
            place=place,
            unit=unit,
            facility=facility,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=course,
            unit_path=unit.path,
            after=audit.snapshot(course, ["title", "starts_on", "ends_on"]),
        )
    return course


def attendance_set(
    *, actor, course: TrainingCourse, staff: StaffMember, attended: bool, completed: bool
) -> CourseAttendance:
    """Who came to a course and who completed it; completing implies attending."""
    with transaction.atomic():
        course = TrainingCourse.objects.select_related("unit").get(pk=course.pk)
        _require_in_scope(actor, "care.change_courseattendance", course.unit, _("No such course in your jurisdiction."))
        if completed and not attended:
            raise ValidationError({"completed": _("Only someone who attended can complete the course.")})
        attendance = CourseAttendance.objects.select_for_update().filter(course=course, staff=staff).first()
        before = audit.snapshot(attendance, ["attended", "completed"]) if attendance else None
        if attendance is None:
            attendance = CourseAttendance.objects.create(
                course=course, staff=staff, attended=attended, completed=completed
            )
        else:
            attendance.attended, attendance.completed = attended, completed
            attendance.save(update_fields=["attended", "completed"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            instance=attendance,
            object_repr=f"{course.title}: {staff.full_name}",
            person_id=staff.person_id,
            unit_path=course.unit.path,
            before=before,
            after={"attended": attended, "completed": completed},
        )
    return attendance
