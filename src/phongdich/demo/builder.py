"""Builds the demo province: Bình Dương (GSO 74) as in 2021, with synthetic residents.

Units are the real pre-2025 units. Residential groups, households, residents, enterprises, facilities and
venues are synthetic, drawn from a seeded generator so the same --seed builds the same province.
"""

import functools
import os
import random
import time
from bisect import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from phongdich.accounts.models import User
from phongdich.accounts.roles import Role
from phongdich.accounts.services import role_assign
from phongdich.core import audit, clock
from phongdich.core.arithmetic import largest_remainder
from phongdich.core.bulk import RowWriter, db_date, db_datetime
from phongdich.core.choices import AuditAction
from phongdich.core.text import fold, search_keys
from phongdich.core.validators import cccd_for
from phongdich.people.choices import ResidenceChangeKind
from phongdich.people.models import Household, Person, PersonSearchKey, ResidenceChange
from phongdich.places.choices import FacilityKind, OrganisationKind, PopulationSource, Structure, VenueKind
from phongdich.places.models import AdminUnit, Facility, IndustrialPark, Organisation, Population, Venue
from phongdich.places.services import population_rollup, residential_groups_create, units_load

from .care import CareResult, build_care
from .command import CommandResult, build_command
from .levels import LevelsResult, build_levels
from .names import FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES, OCCUPATIONS_ADULT, ORIGIN_PROVINCES
from .outbreak import AS_OF, OutbreakBuilder
from .outbreak import Result as OutbreakResult
from .stations import StationsResult, build_stations, station_name
from .supplies import SuppliesResult, build_supplies
from .testing import TestingResult, build_testing
from .tower import TowerResult, build_tower
from .vaccination import VaccinationResult, build_vaccination
from .zones import ZonesResult, build_zones

PROVINCE_CODE = 74
CENSUS_TOTAL_2019 = 2_426_561
POPULATION_YEAR = 2019
REFERENCE_DATE = date(2021, 7, 1)
# Approximate 2019 district populations, used only as weights to share the census total out.
DISTRICT_WEIGHTS = {
    "718": 321_607,
    "719": 97_000,
    "720": 115_780,
    "721": 290_459,
    "722": 93_000,
    "723": 370_512,
    "724": 474_681,
    "725": 596_227,
    "726": 66_000,
}
AGE_BANDS = [(0, 4, 8), (5, 11, 11), (12, 17, 7), (18, 29, 25), (30, 44, 27), (45, 64, 16), (65, 94, 6)]
HOUSEHOLD_SIZES = [(1, 12), (2, 20), (3, 25), (4, 23), (5, 12), (6, 8)]
STREETS = [
    "Nguyễn Trãi",
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Cách Mạng Tháng Tám",
    "Đại lộ Bình Dương",
    "Phú Lợi",
    "Yersin",
    "Ngô Quyền",
    "Hùng Vương",
    "Đường số 1",
    "Đường số 5",
    "ĐT743",
    "ĐT741",
    "Thích Quảng Đức",
]
INDUSTRIAL_PARKS = [
    ("KCN Việt Nam – Singapore (VSIP I)", "725"),
    ("KCN VSIP II", "718"),
    ("KCN Mỹ Phước", "721"),
    ("KCN Sóng Thần 1", "724"),
    ("KCN Tân Đông Hiệp B", "724"),
    ("KCN Đồng An", "725"),
    ("KCN Nam Tân Uyên", "723"),
    ("KCN Bàu Bàng", "719"),
]
ENTERPRISE_NAMES = [
    "Giày da Phước Thịnh",
    "May mặc Tân Hòa",
    "Điện tử Sao Việt",
    "Gỗ nội thất Bình Minh",
    "Thực phẩm An Phú",
    "Bao bì Thuận Phát",
    "Cơ khí Hưng Long",
    "Nhựa Đông Á",
    "Dệt may Hòa Bình",
    "Linh kiện Kim Long",
    "Thép Nam Việt",
    "Gốm sứ Minh Long Xanh",
]

HOUSEHOLD_COLUMNS = ["code", "unit", "address"]
PERSON_COLUMNS = [
    "full_name",
    "name_search",
    "birth_date",
    "birth_year",
    "sex",
    "id_number",
    "phone",
    "nationality",
    "unit",
    "household",
    "address",
    "occupation",
    "workplace",
    "chronic_disease",
    "pregnant",
    "merged_into",
    "created_at",
    "updated_at",
]
CHANGE_COLUMNS = ["person", "kind", "date", "from_unit", "to_unit", "origin", "note", "recorded_by", "recorded_at"]

# Residential groups that get a resident named in the guides, with her CCCD serial.
NAMED_RESIDENTS = {"25966-01": 123_456, "25741-01": 654_321}

# username: (role, how to find its place)
DEMO_ACCOUNTS = {
    "tinh.chihuy": (Role.PROVINCE_COMMANDER, ("unit", "74")),
    "tinh.phantich": (Role.PROVINCE_ANALYST, ("unit", "74")),
    "huyen.thuanan": (Role.DISTRICT_OFFICER, ("unit", "725")),
    "xa.laithieu": (Role.COMMUNE_OFFICER, ("unit", "25966")),
    "xa.hiepthanh": (Role.COMMUNE_OFFICER, ("unit", "25741")),
    "to.laithieu1": (Role.COMMUNITY_TEAM, ("unit", "25966-01")),
    "yte.laithieu": (Role.HEALTH_WORKER, ("facility", "Trạm Y tế Phường Lái Thiêu")),
    "xetnghiem.cdc": (Role.LAB_TECHNICIAN, ("facility", "Trung tâm Kiểm soát bệnh tật tỉnh Bình Dương")),
    "tiemchung.thuanan": (Role.VACCINATION_STAFF, ("facility", "Điểm tiêm chủng Thành phố Thuận An")),
    "chotkiem.dian": (Role.CHECKPOINT_OFFICER, ("unit", "724")),
    "ansinh.bencat": (Role.WELFARE_OFFICER, ("unit", "721")),
    "doanhnghiep.vsip": (Role.ENTERPRISE_REP, ("organisation", "first-in-park")),
    "quantri": (Role.SYSTEM_ADMIN, ("unit", "74")),
}


@dataclass
class DemoResult:
    persons: int = 0
    households: int = 0
    groups: int = 0
    seconds: float = 0.0
    accounts: list[str] = field(default_factory=list)
    outbreak: OutbreakResult | None = None
    testing: TestingResult | None = None
    vaccination: VaccinationResult | None = None
    care: CareResult | None = None
    tower: TowerResult | None = None
    stations: StationsResult | None = None
    supplies: SuppliesResult | None = None
    levels: LevelsResult | None = None
    zones: ZonesResult | None = None
    command: CommandResult | None = None


class Weighted:
    """Fast weighted choice from (value, weight) pairs with a given Random."""

    def __init__(self, pairs):
        self.values = [value for value, _weight in pairs]
        self.cumulative = list(accumulate(weight for _value, weight in pairs))

    def pick(self, rng: random.Random):
        return self.values[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


FAMILY = Weighted(FAMILY_NAMES)
MIDDLE = {sex: Weighted(pairs) for sex, pairs in MIDDLE_NAMES.items()}
AGE_BAND = Weighted([((lo, hi), w) for lo, hi, w in AGE_BANDS])
HOUSEHOLD_SIZE = Weighted(HOUSEHOLD_SIZES)
OCCUPATION = Weighted(OCCUPATIONS_ADULT)
ORIGIN = Weighted([((name, code), w) for name, code, w in ORIGIN_PROVINCES])


@functools.lru_cache(maxsize=65536)
def search_forms(full_name: str) -> tuple[str, tuple[str, ...]]:
    folded = fold(full_name)
    return folded, tuple(search_keys(folded))


class DemoBuilder:
    def __init__(self, *, scale: float, seed: int, log=print, outbreak: bool = True):
        self.rng = random.Random(seed)
        self.outbreak = outbreak
        self.scale = scale
        self.log = log
        self.result = DemoResult()
        self.cccd_serials: dict[tuple, int] = {}
        self.enterprises_by_district: dict[str, list[Organisation]] = defaultdict(list)

    def build(self) -> DemoResult:
        started = time.perf_counter()
        with transaction.atomic():
            units_load(actor="demo", province_code=PROVINCE_CODE, structure=Structure.LEGACY)
            if self.outbreak:  # the province as it was on the outbreak's day: its records are dated by that clock
                clock.demo_clock_set(actor="demo", day=AS_OF)
            province = AdminUnit.objects.get(structure=Structure.LEGACY, code=str(PROVINCE_CODE))
            districts = list(province.children.order_by("code"))
            self._places(districts)
        with transaction.atomic():
            self._residents(districts)
        with transaction.atomic():
            population_rollup(year=POPULATION_YEAR, structure=Structure.LEGACY)
            self._accounts()
            audit.record(
                actor="demo",
                action=AuditAction.IMPORT,
                object_type="people.person",
                object_repr=f"demo province scale={self.scale}",
                detail={"persons": self.result.persons, "households": self.result.households},
            )
        if self.outbreak:
            with transaction.atomic():
                self.result.outbreak = OutbreakBuilder(rng=self.rng, scale=self.scale, log=self.log).build()
            with transaction.atomic():
                self.result.testing = build_testing(rng=self.rng)
            with transaction.atomic():
                self.result.vaccination = build_vaccination(rng=self.rng)
            with transaction.atomic():
                self.result.care = build_care(rng=self.rng)
            with transaction.atomic():
                self.result.tower = build_tower(rng=self.rng, scale=self.scale)
            with transaction.atomic():
                self.result.stations = build_stations(rng=self.rng)
            with transaction.atomic():
                self.result.supplies = build_supplies(rng=self.rng)
            with transaction.atomic():
                self.result.levels = build_levels(rng=self.rng)
            with transaction.atomic():
                self.result.zones = build_zones(rng=self.rng)
            self.result.command = build_command()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.result.seconds = time.perf_counter() - started
        return self.result

    def _residents(self, districts: list[AdminUnit]) -> None:
        self.now = db_datetime(clock.now())
        self.households = RowWriter(Household, HOUSEHOLD_COLUMNS)
        self.persons = RowWriter(Person, PERSON_COLUMNS, parents=[self.households])
        self.changes = RowWriter(ResidenceChange, CHANGE_COLUMNS, parents=[self.persons])
        self.keys = RowWriter(PersonSearchKey, ["person", "unit", "key"], parents=[self.persons])
        self.person_defaults = {
            "phone": "",
            "id_number": "",
            "nationality": "VN",
            "household": None,
            "address": "",
            "occupation": "",
            "workplace": None,
            "chronic_disease": False,
            "pregnant": False,
            "merged_into": None,
            "created_at": self.now,
            "updated_at": self.now,
        }
        self.populations: list[Population] = []
        target = round(CENSUS_TOTAL_2019 * self.scale)
        district_totals = largest_remainder(target, [DISTRICT_WEIGHTS[d.code] for d in districts])
        for district, district_total in zip(districts, district_totals, strict=True):
            communes = list(district.children.order_by("code"))
            weights = [self.rng.lognormvariate(0, 0.5) for _ in communes]
            for commune, commune_total in zip(communes, largest_remainder(district_total, weights), strict=True):
                self._commune(district, commune, commune_total)
        for writer in (self.households, self.persons, self.keys, self.changes):
            writer.close()
        Population.objects.bulk_create(self.populations, batch_size=1000)
        self.result.persons += self.persons.written

    # Places ------------------------------------------------------------------------------------------------

    def _places(self, districts: list[AdminUnit]) -> None:
        by_code = {d.code: d for d in districts}
        tdm_ward = by_code["718"].children.order_by("code").first()
        Facility.objects.bulk_create(
            [
                Facility(name="Bệnh viện Đa khoa tỉnh Bình Dương", kind=FacilityKind.HOSPITAL, unit=tdm_ward),
                Facility(name="Trung tâm Kiểm soát bệnh tật tỉnh Bình Dương", kind=FacilityKind.LAB, unit=tdm_ward),
                Facility(
                    name="Bệnh viện dã chiến số 1",
                    kind=FacilityKind.FIELD_HOSPITAL,
                    unit=by_code["725"].children.order_by("code").first(),
                ),
                Facility(
                    name="Khu cách ly tập trung Ký túc xá Becamex",
                    kind=FacilityKind.ISOLATION_SITE,
                    unit=by_code["721"].children.order_by("code").first(),
                ),
            ]
        )
        facilities = []
        for district in districts:
            first_commune = district.children.order_by("code").first()
            facilities += [
                Facility(name=f"Trung tâm Y tế {district.name}", kind=FacilityKind.HOSPITAL, unit=first_commune),
                Facility(
                    name=f"Điểm tiêm chủng {district.name}", kind=FacilityKind.VACCINATION_SITE, unit=first_commune
                ),
            ]
        Facility.objects.bulk_create(facilities)
        names = list(ENTERPRISE_NAMES)
        self.rng.shuffle(names)
        for park_name, district_code in INDUSTRIAL_PARKS:
            commune = self.rng.choice(list(by_code[district_code].children.all()))
            park = IndustrialPark.objects.create(name=park_name, unit=commune)
            for _ in range(2):
                name = names.pop() if names else f"Sản xuất {park_name[-6:]} {self.rng.randint(1, 99)}"
                enterprise = Organisation.objects.create(
                    name=f"Công ty TNHH {name}",
                    kind=OrganisationKind.ENTERPRISE,
                    unit=commune,
                    industrial_park=park,
                    tax_code=f"37{self.rng.randint(0, 99_999_999):08d}",
                )
                self.enterprises_by_district[district_code].append(enterprise)
                Venue.objects.create(
                    name=f"Cổng {enterprise.name}", kind=VenueKind.WORKPLACE, unit=commune, organisation=enterprise
                )
            if park_name.startswith("KCN Việt Nam"):
                Facility.objects.create(
                    name=f"Khu cách ly {park_name}", kind=FacilityKind.ENTERPRISE_ISOLATION_SITE, unit=commune
                )

    # Residents ---------------------------------------------------------------------------------------------

    def _commune(self, district: AdminUnit, commune: AdminUnit, total: int) -> None:
        short = commune.name.removeprefix("Phường ").removeprefix("Xã ").removeprefix("Thị trấn ")
        group_word = "Ấp" if commune.division_type == "xã" else "Khu phố"
        n_groups = max(3, min(12, 3 + total // 2500)) if total else 3
        groups = residential_groups_create(
            actor="demo",
            commune=commune,
            names=[(f"{group_word} {i}", group_word.lower()) for i in range(1, n_groups + 1)],
        )
        self.result.groups += len(groups)
        Facility.objects.create(
            name=f"Trạm Y tế {commune.name}", kind=FacilityKind.COMMUNE_HEALTH_STATION, unit=commune
        )
        if self.rng.random() < 0.4:
            Facility.objects.create(name=station_name(commune.name), kind=FacilityKind.MOBILE_STATION, unit=commune)
        Venue.objects.bulk_create(
            [
                Venue(name=f"Chợ {short}", kind=VenueKind.MARKET, unit=groups[0]),
                Venue(name=f"Bách hóa Xanh {short}", kind=VenueKind.SUPERMARKET, unit=groups[-1]),
                Venue(name=f"Ủy ban nhân dân {commune.name}", kind=VenueKind.OFFICE, unit=commune),
            ]
        )
        for group, group_total in zip(groups, largest_remainder(total, [1.0] * len(groups)), strict=True):
            self._group(district, commune, group, group_total)

    def _group(self, district, commune, group, total: int) -> None:
        bands = dict.fromkeys(Population.BANDS, 0)
        enterprises = self.enterprises_by_district.get(district.code, [])
        written: list[dict] = []
        named = group.code in NAMED_RESIDENTS and total > 0
        remaining, number = total - named, 0
        household_id, address = None, ""
        while remaining > 0:
            size = min(HOUSEHOLD_SIZE.pick(self.rng), remaining)
            remaining -= size
            number += 1
            address = f"Số {self.rng.randint(1, 400)}, {self.rng.choice(STREETS)}"
            household_id = self.households.add((f"{group.code}-{number:04d}", group.pk, address))
            for spec in self._household_members(size):
                row = self._person_row(spec, group.pk, household_id, address, enterprises)
                person_id = self._add_person(row)
                written.append(row)
                self._count_band(bands, spec["age"])
                if spec["origin"] and 18 <= spec["age"] <= 45 and self.rng.random() < 0.4:
                    self._arrival(person_id, spec["origin"], group.pk)
        if named:
            self._add_person(self._named_resident(group, household_id, address))
            self._count_band(bands, REFERENCE_DATE.year - 1986)
        self._duplicates(written, group.pk)
        self.populations.append(Population(unit=group, year=POPULATION_YEAR, source=PopulationSource.IMPORTED, **bands))
        self.result.households += number

    def _household_members(self, size: int) -> list[dict]:
        rng = self.rng
        head_sex = "male" if rng.random() < 0.7 else "female"
        head_age = rng.randint(22, 75)
        family = FAMILY.pick(rng)
        origin = None if rng.random() < 0.55 else ORIGIN.pick(rng)
        specs = [{"sex": head_sex, "age": head_age, "family": family, "origin": origin}]
        if size >= 2:
            spouse_sex = "female" if head_sex == "male" else "male"
            specs.append(
                {
                    "sex": spouse_sex,
                    "age": max(18, head_age + rng.randint(-6, 4)),
                    "family": FAMILY.pick(rng),
                    "origin": origin,
                }
            )
        for _ in range(size - len(specs)):
            lo, hi = AGE_BAND.pick(rng)
            specs.append(
                {
                    "sex": "female" if rng.random() < 0.505 else "male",
                    "age": rng.randint(lo, hi),
                    "family": family,
                    "origin": origin,
                }
            )
        return specs

    def _person_row(self, spec: dict, unit_id: int, household_id: int, address: str, enterprises) -> dict:
        rng, sex, age = self.rng, spec["sex"], spec["age"]
        full_name = f"{spec['family']} {MIDDLE[sex].pick(rng)} {rng.choice(GIVEN_NAMES[sex])}"
        birth = REFERENCE_DATE - timedelta(days=age * 365 + rng.randint(0, 364))
        occupation, workplace_id = self._occupation(age, enterprises)
        return {
            "full_name": full_name,
            "birth_date": db_date(birth),
            "birth_year": birth.year,
            "sex": sex,
            "id_number": self._cccd(spec, birth),
            "phone": f"+849{rng.randint(0, 99_999_999):08d}" if age >= 15 and rng.random() < 0.92 else "",
            "unit": unit_id,
            "household": household_id,
            "address": address,
            "occupation": occupation,
            "workplace": workplace_id,
            "chronic_disease": rng.random() < (0.4 if age >= 65 else 0.15 if age >= 40 else 0.03),
            "pregnant": sex == "female" and 18 <= age <= 45 and rng.random() < 0.04,
        }

    def _cccd(self, spec: dict, birth: date) -> str:
        if spec["age"] < 14 or self.rng.random() > 0.88:
            return ""
        province = spec["origin"][1] if spec["origin"] else PROVINCE_CODE
        key = (province, birth.year, spec["sex"])
        if key not in self.cccd_serials:
            self.cccd_serials[key] = self.rng.randrange(1_000_000)
        self.cccd_serials[key] += self.rng.randint(1, 40)
        return cccd_for(province, birth, spec["sex"], self.cccd_serials[key])

    def _occupation(self, age: int, enterprises: list) -> tuple[str, int | None]:
        if age < 6:
            return "", None
        if age < 18:
            return "Học sinh", None
        if age >= 65:
            return "Hưu trí", None
        occupation = OCCUPATION.pick(self.rng)
        workplace = self.rng.choice(enterprises).pk if occupation == "Công nhân" and enterprises else None
        return occupation, workplace

    def _named_resident(self, group, household_id: int | None, address: str) -> dict:
        """A 'Nguyễn Thị Hằng' in each demo commune, so the guide's search example always finds someone."""
        birth = date(1986, 3, 14)
        return {
            "full_name": "Nguyễn Thị Hằng",
            "birth_date": db_date(birth),
            "birth_year": birth.year,
            "sex": "female",
            "id_number": cccd_for(PROVINCE_CODE, birth, "female", NAMED_RESIDENTS[group.code]),
            "phone": "+84912345678",
            "unit": group.pk,
            "household": household_id,
            "address": address,
            "occupation": "Buôn bán",
        }

    def _add_person(self, values: dict) -> int:
        """Queue a resident (columns not given take their defaults) and the forms their name is found by."""
        folded, keys = search_forms(values["full_name"])
        row = {**self.person_defaults, "name_search": folded, **values}
        person_id = self.persons.add(tuple(row[column] for column in PERSON_COLUMNS))
        for key in keys:
            self.keys.add((person_id, row["unit"], key))
        return person_id

    def _duplicates(self, rows: list[dict], unit_id: int) -> None:
        """A few residents registered twice, as happens when two teams enter the same person: once typed
        without diacritics and no CCCD, or with the same CCCD."""
        for row in self.rng.sample(rows, k=min(len(rows), max(1, len(rows) // 1500))):
            typed_plain = self.rng.random() < 0.5
            self._add_person(
                {
                    **{
                        key: row[key]
                        for key in (
                            "full_name",
                            "birth_date",
                            "birth_year",
                            "sex",
                            "id_number",
                            "address",
                            "occupation",
                        )
                    },
                    "unit": unit_id,
                    **({"full_name": fold(row["full_name"]).title(), "id_number": ""} if typed_plain else {}),
                }
            )

    def _arrival(self, person_id: int, origin: tuple[str, int], unit_id: int) -> None:
        kind = self.rng.choice([ResidenceChangeKind.ARRIVAL_OTHER_PROVINCE, ResidenceChangeKind.TEMPORARY_RESIDENT])
        day = REFERENCE_DATE - timedelta(days=self.rng.randint(30, 900))
        self.changes.add((person_id, kind, db_date(day), None, unit_id, origin[0], "", None, self.now))

    @staticmethod
    def _count_band(bands: dict, age: int) -> None:
        bands["total"] += 1
        if age >= 18:
            bands["age_18_plus"] += 1
        if age >= 65:
            bands["age_65_plus"] += 1
        if 12 <= age <= 17:
            bands["age_12_17"] += 1
        if 5 <= age <= 11:
            bands["age_5_11"] += 1

    # Accounts ----------------------------------------------------------------------------------------------

    def _accounts(self) -> None:
        password_hash = make_password(os.environ.get("PHONGDICH_DEMO_PASSWORD", "demo"))
        for username, (role, (kind, key)) in DEMO_ACCOUNTS.items():
            user, _created = User.objects.update_or_create(
                username=username, defaults={"password": password_hash, "full_name": username, "is_active": True}
            )
            place = self._place(kind, key)
            role_assign(actor="demo", user=user, role=role, **{kind: place})
            self.result.accounts.append(username)

    def _place(self, kind: str, key: str):
        if kind == "unit":
            return AdminUnit.objects.get(structure=Structure.LEGACY, code=key)
        if kind == "facility":
            return Facility.objects.get(name=key)
        return Organisation.objects.filter(industrial_park__isnull=False).order_by("pk").first()


def build_demo(*, scale: float, seed: int, log=print, outbreak: bool = True) -> DemoResult:
    """The demo province; `outbreak=False` builds the population without the 2021 epidemic (benchmarks)."""
    return DemoBuilder(scale=scale, seed=seed, log=log, outbreak=outbreak).build()


def demo_usernames() -> list[str]:
    return list(DEMO_ACCOUNTS)


def is_built() -> bool:
    return AdminUnit.objects.filter(structure=Structure.LEGACY, code=str(PROVINCE_CODE)).exists()
