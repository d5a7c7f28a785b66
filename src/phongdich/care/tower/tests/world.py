"""The tower of the tests: Becamex International Hospital at tier 3 in Thuận An, the Phú Chánh field hospital at
tier 2 in Tân Uyên, and an F0 treatment site at tier 1 in Lái Thiêu, with their beds; each hospital's staff; and
F0 at home in Lái Thiêu. Facilities are put in the tower through the service; patients are admitted through it."""

from dataclasses import dataclass
from decimal import Decimal

from phongdich.accounts.models import User
from phongdich.accounts.roles import Role
from phongdich.accounts.services import role_assign
from phongdich.core.testing import unit
from phongdich.places.choices import FacilityKind
from phongdich.places.models import AdminUnit, Facility

from ..models import TreatmentFacility
from ..services.facilities import facility_enrol

BECAMEX = "Bệnh viện Quốc tế Becamex"
PHU_CHANH = "Bệnh viện dã chiến Phú Chánh"
LAI_THIEU_SITE = "Khu điều trị F0 Phường Lái Thiêu"


@dataclass
class Tower:
    becamex: Facility
    phu_chanh: Facility
    site: Facility
    becamex_staff: User
    phu_chanh_staff: User


def a_facility(name: str, kind: str, unit_code: str, tier: int, beds: dict, place: tuple[str, str]) -> Facility:
    facility = Facility.objects.create(name=name, kind=kind, unit=unit(unit_code))
    facility_enrol(
        actor=User.objects.get(username="province_commander"),
        facility=facility,
        tier=tier,
        beds=beds,
        latitude=Decimal(place[0]),
        longitude=Decimal(place[1]),
    )
    return facility


def staff_of(facility: Facility, username: str) -> User:
    user = User.objects.create_user(username=username, password="correct horse battery staple", full_name=username)
    role_assign(actor="test", user=user, role=Role.HEALTH_WORKER, facility=facility)
    return user


def build_tower() -> Tower:
    AdminUnit.objects.filter(pk=unit("25966").pk).update(latitude=Decimal("10.9050"), longitude=Decimal("106.7000"))
    becamex = a_facility(
        BECAMEX, FacilityKind.HOSPITAL, "25966", 3, {"regular": 20, "oxygen": 10, "icu": 2}, ("10.9105", "106.7090")
    )
    phu_chanh = a_facility(
        PHU_CHANH, FacilityKind.FIELD_HOSPITAL, "25741", 2, {"regular": 50, "oxygen": 3}, ("11.0130", "106.6620")
    )
    site = a_facility(
        LAI_THIEU_SITE, FacilityKind.ISOLATION_SITE, "25966-02", 1, {"regular": 2}, ("10.9060", "106.7030")
    )
    return Tower(
        becamex=becamex,
        phu_chanh=phu_chanh,
        site=site,
        becamex_staff=staff_of(becamex, "becamex_doctor"),
        phu_chanh_staff=staff_of(phu_chanh, "phu_chanh_doctor"),
    )


def ward_of(facility: Facility, kind: str):
    return facility.wards.get(bed_kind=kind)


def tier_of(facility: Facility) -> int:
    return TreatmentFacility.objects.get(facility=facility).tier
