"""The demo's mobile stations, community teams and workforce: a station in most communes (some missing, so the
commune target of seed 000 shows a gap) and in some industrial parks, opened from mid-August to early October 2021
(a commune whose mobile station facility the builder already recorded gets its station on that facility, never a
second one); community teams in the residential groups of a few communes (Lái Thiêu, where the README's steps go,
first), about forty households and three to five members each, Hiệp Thành's small groups below the norm; staff at
the hospitals (dozens at tier 3, fewer at a district's medical centre) and stations, with recalled retirees and
recovered F0 volunteers who start after they recovered, and two training courses. Built through the services, on
the demo's clock."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from phongdich.care.stations.choices import StaffKind, StaffOrigin, TeamRole
from phongdich.care.stations.models import MobileStation, StaffMember
from phongdich.care.stations.services import (
    MemberData,
    StaffData,
    StationData,
    attendance_set,
    course_add,
    staff_add,
    station_create,
    team_save,
)
from phongdich.core import clock
from phongdich.people.models import Household
from phongdich.places.choices import FacilityKind, Structure, UnitLevel
from phongdich.places.models import AdminUnit, Facility, IndustrialPark
from phongdich.surveillance.choices import CaseStatus
from phongdich.surveillance.models import Case

from .names import FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES

ACTOR = "demo"
PROVINCE_CODE = "74"
# Lái Thiêu first; Thuận Giao and Bình Hòa in the same district; Hiệp Thành, whose groups are small, below the norm.
TEAM_COMMUNES = ("25966", "25972", "25987", "25741")
HOUSEHOLDS_PER_TEAM = 40  # a group's households are shared among teams of about this many (the norm is 30 to 50)
COMMUNES_WITH_STATION = 0.85
PARKS_WITH_STATION = 0.5
FIRST_OPENING, LAST_OPENING = date(2021, 8, 15), date(2021, 10, 8)
LAI_THIEU_OPENING = date(2021, 8, 20)  # open on the demo's day, for the README's steps
# Doctors and nurses of a hospital by its tier in the tower (a district's medical centre: tier 2, fewer); the range.
HOSPITAL_STAFF = {
    3: {StaffKind.DOCTOR: (25, 40), StaffKind.NURSE: (50, 80)},
    2: {StaffKind.DOCTOR: (12, 22), StaffKind.NURSE: (25, 40)},
    "district": {StaffKind.DOCTOR: (6, 12), StaffKind.NURSE: (12, 24)},
}
HOSPITAL_VOLUNTEERS = (2, 6)
RECOVERED_REST = (3, 10)  # days between a volunteer's recovery and their first day of work


@dataclass
class StationsResult:
    stations: int = 0
    teams: int = 0
    staff: int = 0


def build_stations(*, rng: random.Random) -> StationsResult:
    result = StationsResult()
    province = AdminUnit.objects.get(structure=Structure.LEGACY, code=PROVINCE_CODE)
    communes = list(AdminUnit.objects.filter(path__startswith=province.path, level=UnitLevel.COMMUNE).order_by("path"))
    recorded = {  # the mobile station facilities the builder recorded, by commune: each becomes its commune's station
        facility.unit_id: facility
        for facility in Facility.objects.filter(kind=FacilityKind.MOBILE_STATION, mobile_station__isnull=True)
    }
    for commune in communes:
        if commune.pk in recorded or commune.code == TEAM_COMMUNES[0] or rng.random() < COMMUNES_WITH_STATION:
            _station(rng, commune, None, result, facility=recorded.get(commune.pk))
    for park in IndustrialPark.objects.select_related("unit").order_by("name"):
        if rng.random() < PARKS_WITH_STATION:
            _station(rng, park.unit, park, result)
    for code in TEAM_COMMUNES:
        _teams(rng, AdminUnit.objects.get(structure=Structure.LEGACY, code=code), result)
    _workforce(rng, result)
    _courses(rng, province)
    return result


def _opening(rng: random.Random) -> date:
    return FIRST_OPENING + timedelta(days=rng.randint(0, (LAST_OPENING - FIRST_OPENING).days))


def station_name(place: str) -> str:
    """The one spelling of a mobile station's name, for a commune or an industrial park (demo/builder.py too)."""
    return f"Trạm Y tế lưu động {place}"


def _station(
    rng: random.Random,
    commune: AdminUnit,
    park: IndustrialPark | None,
    result: StationsResult,
    facility: Facility | None = None,
) -> None:
    name = station_name(park.name) if park else (facility.name if facility else station_name(commune.name))
    groups = list(commune.children.order_by("path")[:4]) if park is None else []
    station_create(
        actor=ACTOR,
        facility=facility,
        data=StationData(
            name=name,
            commune=commune,
            industrial_park=park,
            opened_on=LAI_THIEU_OPENING if commune.code == TEAM_COMMUNES[0] and park is None else _opening(rng),
            oxygen_concentrators=rng.randint(1, 5),
            oxygen_cylinders=rng.randint(4, 20),
            spo2_meters=rng.randint(5, 30),
            beds=rng.randint(5, 20),
            catchment_units=tuple(groups),
            catchment_note=f"Người lao động trong {park.name}" if park else f"Người dân {commune.name}",
        ),
    )
    result.stations += 1


def _full_name(rng: random.Random) -> str:
    sex = rng.choice(["female", "male"])
    family = rng.choices([n for n, _w in FAMILY_NAMES], [w for _n, w in FAMILY_NAMES])[0]
    middle = rng.choices([n for n, _w in MIDDLE_NAMES[sex]], [w for _n, w in MIDDLE_NAMES[sex]])[0]
    return f"{family} {middle} {rng.choice(GIVEN_NAMES[sex])}"


def _phone(rng: random.Random) -> str:
    return f"09{rng.randint(0, 99_999_999):08d}"


def _teams(rng: random.Random, commune: AdminUnit, result: StationsResult) -> None:
    """Each group's households shared among teams of about HOUSEHOLDS_PER_TEAM (one team for a small group), each
    of three to five members (now and then two or six, which the page warns about)."""
    for group in commune.children.order_by("path"):
        households = list(Household.objects.filter(unit=group).order_by("pk"))
        if not households:
            continue
        count = max(1, round(len(households) / HOUSEHOLDS_PER_TEAM))
        for number in range(1, count + 1):
            covered = households[(number - 1) * len(households) // count : number * len(households) // count]
            size = rng.choices([2, 3, 4, 5, 6], [4, 30, 36, 26, 4])[0]
            members = [
                MemberData(
                    full_name=_full_name(rng),
                    phone=_phone(rng),
                    role=TeamRole.LEADER if i == 0 else TeamRole.MEMBER,
                )
                for i in range(size)
            ]
            team_save(
                actor=ACTOR,
                group=group,
                name=f"Tổ COVID cộng đồng số {number}",
                members=members,
                households=covered,
            )
            result.teams += 1


def _workforce(rng: random.Random, result: StationsResult) -> None:
    recovered_by = clock.now() - timedelta(days=RECOVERED_REST[1])  # so they start by the demo's day
    recovered = list(
        Case.objects.filter(status=CaseStatus.RECOVERED, status_changed_at__lte=recovered_by)
        .select_related("person")
        .order_by("pk")[:20]
    )
    hospitals = Facility.objects.filter(kind__in=[FacilityKind.HOSPITAL, FacilityKind.FIELD_HOSPITAL])
    for hospital in hospitals.select_related("unit", "tower").order_by("pk"):
        kinds: list[str] = []
        for kind, (least, most) in HOSPITAL_STAFF[_size_of(hospital)].items():
            kinds += [kind] * rng.randint(least, most)
        kinds += [StaffKind.VOLUNTEER] * rng.randint(*HOSPITAL_VOLUNTEERS)
        for kind in kinds:
            _staff_member(rng, hospital, kind, recovered)
            result.staff += 1
    for station in MobileStation.objects.select_related("facility__unit").order_by("pk"):
        for kind in (StaffKind.DOCTOR, StaffKind.NURSE, rng.choice([StaffKind.NURSE, StaffKind.VOLUNTEER])):
            _staff_member(rng, station.facility, kind, recovered, from_on=station.opened_on)
            result.staff += 1


def _size_of(hospital: Facility) -> int | str:
    """The tier of a hospital in the tower (2 when it has none), or "district" for a district's medical centre."""
    tower = getattr(hospital, "tower", None)
    if hospital.name.startswith("Trung tâm Y tế"):
        return "district"
    return tower.tier if tower and tower.tier in HOSPITAL_STAFF else 2


def _staff_member(rng, facility: Facility, kind: str, recovered: list, from_on: date | None = None) -> None:
    origin = rng.choices(
        [StaffOrigin.REGULAR, StaffOrigin.RETIREE, StaffOrigin.RECOVERED_F0, StaffOrigin.STUDENT],
        [70, 12, 10, 8],
    )[0]
    case = recovered.pop() if origin == StaffOrigin.RECOVERED_F0 and recovered else None
    if origin == StaffOrigin.RECOVERED_F0:
        kind = StaffKind.NURSE if kind == StaffKind.DOCTOR else kind
    start = from_on or FIRST_OPENING - timedelta(days=rng.randint(0, 400))
    if case:  # a recovered F0 starts after they recovered (a few days to rest), never before
        recovered_on = timezone.localdate(case.status_changed_at)
        start = max(start, recovered_on + timedelta(days=rng.randint(*RECOVERED_REST)))
    staff_add(
        actor=ACTOR,
        data=StaffData(
            full_name=case.person.full_name if case else _full_name(rng),
            phone=_phone(rng),
            kind=kind,
            origin=origin,
            facility=facility,
            from_on=start,
            person=case.person if case else None,
        ),
    )


def _courses(rng: random.Random, province: AdminUnit) -> None:
    nursing = course_add(
        actor=ACTOR,
        title="Đào tạo rút gọn điều dưỡng cho F0 đã khỏi bệnh tình nguyện",
        topic="Chăm sóc người bệnh COVID-19 tầng 1 và tầng 2",
        starts_on=date(2021, 8, 23),
        ends_on=date(2021, 8, 29),
        place="Trường Cao đẳng Y tế Bình Dương",
        unit=province,
    )
    stations = course_add(
        actor=ACTOR,
        title="Tập huấn vận hành Trạm Y tế lưu động",
        topic="Tiếp nhận, phân loại, theo dõi F0 tại nhà; sử dụng máy tạo oxy",
        starts_on=date(2021, 8, 16),
        ends_on=date(2021, 8, 18),
        place="Sở Y tế tỉnh Bình Dương",
        unit=province,
    )
    for member in StaffMember.objects.filter(origin=StaffOrigin.RECOVERED_F0).order_by("pk"):
        attendance_set(actor=ACTOR, course=nursing, staff=member, attended=True, completed=rng.random() < 0.8)
    station_staff = StaffMember.objects.filter(facility__kind=FacilityKind.MOBILE_STATION).order_by("pk")
    for member in station_staff[:40]:
        attended = rng.random() < 0.9
        attendance_set(actor=ACTOR, course=stations, staff=member, attended=attended, completed=attended)
