"""The demo's supplies on the outbreak's day: ten days of receipts and daily use at the hospitals, field hospitals,
concentrated isolation sites and commune health stations (whatever facilities of those kinds the demo has), one
field hospital low on oxygen (liquid oxygen and cylinders), an isolation site low on test kits and a commune health
station low on medicine packages, each at its own days of cover; oxygen concentrators counted as equipment (received,
never used up); and three donations in kind (two companies' and a person's), partly allocated, one of them received
by Bến Cát.

The ten days of movements are written in bulk (one audit row names them); the donations go through the services."""

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from phongdich.care.models import MedicineKind
from phongdich.care.supplies.models import StockLevel, StockMovement, SupplyItem
from phongdich.care.supplies.seeds import seed
from phongdich.care.supplies.services import donation_allocate, donation_record
from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.places.choices import FacilityKind, Structure
from phongdich.places.models import AdminUnit, Facility

ACTOR = "demo"
DAYS = 10
# What runs low on the demo's day, and how many days it lasts at its use: (the site that runs low, item, days).
LOW = [
    ("oxygen", "O2-LONG", 0.8),
    ("oxygen", "O2-BINH40", 2.2),
    ("test_kits", "TEST-NHANH", 1.4),
    ("medicine", "THUOC-A", 3.6),
]
# Equipment each kind of facility holds (received once, not used up): the range of its count.
EQUIPMENT = {
    FacilityKind.HOSPITAL: {"O2-MAYTAO": (12, 40)},
    FacilityKind.FIELD_HOSPITAL: {"O2-MAYTAO": (8, 25)},
    FacilityKind.ISOLATION_SITE: {"O2-MAYTAO": (2, 6)},
    FacilityKind.COMMUNE_HEALTH_STATION: {"O2-MAYTAO": (0, 2)},
}

# Items each kind of facility keeps, with a plausible daily use for one facility.
USE = {
    FacilityKind.HOSPITAL: {
        "O2-LONG": 6000,
        "O2-BINH40": 30,
        "THUOC-B": 20,
        "THUOC-C": 15,
        "DEXA-05": 300,
        "TEST-PCR": 80,
        "PPE-BO": 60,
        "KT-N95": 200,
    },
    FacilityKind.FIELD_HOSPITAL: {
        "O2-LONG": 4000,
        "O2-BINH40": 40,
        "THUOC-B": 30,
        "THUOC-C": 20,
        "DEXA-05": 400,
        "TEST-NHANH": 120,
        "PPE-BO": 80,
        "KT-N95": 300,
    },
    FacilityKind.ISOLATION_SITE: {
        "O2-BINH40": 6,
        "THUOC-A": 40,
        "PARA-500": 300,
        "TEST-NHANH": 150,
        "PPE-BO": 30,
        "KT-YTE": 10,
    },
    FacilityKind.COMMUNE_HEALTH_STATION: {
        "O2-BINH10": 2,
        "THUOC-A": 8,
        "THUOC-B": 2,
        "TEST-NHANH": 30,
        "KT-YTE": 2,
        "GANG-TAY": 1,
    },
}


@dataclass
class SuppliesResult:
    facilities: int = 0
    movements: int = 0
    low: str = ""
    donations: int = 0


def build_supplies(*, rng: random.Random) -> SuppliesResult:
    seed(SupplyItem, MedicineKind)  # the migration's catalogue, again if a test flushed it
    items = {item.code: item for item in SupplyItem.objects.all()}
    facilities = list(Facility.objects.filter(kind__in=list(USE)).select_related("unit").order_by("pk"))
    low_sites = _low_sites(facilities)
    low_days = {(low_sites[site].pk, code): days for site, code, days in LOW if low_sites.get(site)}
    today = clock.today()
    movements: list[StockMovement] = []
    levels: list[StockLevel] = []
    for facility in facilities:
        for code, base in USE[facility.kind].items():
            use = [max(0, round(base * rng.uniform(0.6, 1.4))) for _day in range(DAYS)]
            days = low_days.get((facility.pk, code))
            moved, on_hand = _history(facility, items[code], use, today, low_days=days, rng=rng)
            movements += moved
            levels.append(StockLevel(facility=facility, item=items[code], quantity=on_hand, updated_at=clock.now()))
        for code, (least, most) in EQUIPMENT.get(facility.kind, {}).items():
            if count := rng.randint(least, most):
                movements.append(_row(facility, items[code], "receipt", count, today - timedelta(days=DAYS - 1), 7))
                levels.append(StockLevel(facility=facility, item=items[code], quantity=count, updated_at=clock.now()))
    StockMovement.objects.bulk_create(movements, batch_size=2000)
    StockLevel.objects.bulk_create(levels, batch_size=2000)
    audit.record(
        actor=ACTOR,
        action=AuditAction.IMPORT,
        object_type="care.stockmovement",
        object_repr=f"demo supplies: {len(movements)} movements at {len(facilities)} facilities",
        detail={"movements": len(movements), "facilities": len(facilities)},
    )
    low_site = low_sites.get("oxygen")
    donations = _donations(items, facilities, low_site, today)
    return SuppliesResult(
        facilities=len(facilities), movements=len(movements), low=low_site.name if low_site else "", donations=donations
    )


def _low_sites(facilities: list[Facility]) -> dict[str, Facility]:
    """The sites that run low on the demo's day: the first field hospital (else an isolation site) on oxygen, an
    isolation site on test kits, a commune health station of Thuận An on medicine packages."""

    def first(kinds, skip=(), unit_path=""):
        return next(
            (
                f
                for kind in kinds
                for f in facilities
                if f.kind == kind and f not in skip and f.unit.path.startswith(unit_path)
            ),
            None,
        )

    sites: dict[str, Facility] = {}
    if oxygen := first((FacilityKind.FIELD_HOSPITAL, FacilityKind.ISOLATION_SITE)):
        sites["oxygen"] = oxygen
    if test_kits := first((FacilityKind.ISOLATION_SITE,), skip=(oxygen,)):
        sites["test_kits"] = test_kits
    thuan_an = AdminUnit.objects.filter(structure=Structure.LEGACY, code="725").first()
    if medicine := first((FacilityKind.COMMUNE_HEALTH_STATION,), unit_path=thuan_an.path if thuan_an else ""):
        sites["medicine"] = medicine
    return sites


def _history(facility, item, use: list[int], today, *, low_days: float | None, rng) -> tuple[list[StockMovement], int]:
    """A first receipt ten days ago, a second one halfway, and each day's use: the movements and the stock left.
    The stock of a low item ends at `low_days` of its last week's use."""
    start = today - timedelta(days=DAYS - 1)
    total_use, first_half, week_use = sum(use), sum(use[: DAYS // 2]), sum(use[-7:])
    if low_days is not None:
        end, first = round(week_use / 7 * low_days), first_half
    else:  # a week or more of stock left
        end, first = round(week_use * rng.uniform(0.9, 1.6)), first_half + round(week_use * rng.uniform(0.1, 0.5))
    second = total_use + end - first
    halfway = start + timedelta(days=DAYS // 2)
    rows = [_row(facility, item, "receipt", n, day, 7) for n, day in ((first, start), (second, halfway)) if n]
    for offset, quantity in enumerate(use):
        if quantity:
            rows.append(_row(facility, item, "issue", quantity, start + timedelta(days=offset), 17))
    return rows, end


def _row(facility, item, kind: str, quantity: int, day, hour: int) -> StockMovement:
    return StockMovement(
        facility=facility,
        item=item,
        kind=kind,
        quantity=quantity,
        effect=quantity if kind == "receipt" else -quantity,
        occurred_on=day,
        occurred_at=timezone.make_aware(datetime.combine(day, time(hour))),
        note="Nhập từ Sở Y tế" if kind == "receipt" else "",
    )


def _donations(items: dict, facilities: list[Facility], low_site, today) -> int:
    """A company's oxygen cylinders and concentrators, the concentrators partly sent to a hospital (the cylinders wait
    for the low field hospital); a person's masks and gloves, the gloves partly sent to two commune health stations
    of Thuận An; a company of Mỹ Phước's test kits and protective suits received by Bến Cát, partly sent to a commune
    health station there."""
    if not facilities:
        return 0
    province = AdminUnit.objects.get(structure=Structure.LEGACY, parent=None)
    company = donation_record(
        actor=ACTOR,
        donor_name="Công ty TNHH Thiết bị Y tế Phúc An",
        donor_kind="organisation",
        donor_contact="Phòng Hành chính, 0274 3822 155",
        unit=province,
        received_on=today - timedelta(days=2),
        lines=[(items["O2-BINH40"], 200), (items["O2-MAYTAO"], 30)],
        note="Hưởng ứng lời kêu gọi các tổ chức, cá nhân ủng hộ công tác phòng, chống dịch",
    )
    hospital = next((f for f in facilities if f.kind == FacilityKind.HOSPITAL and f != low_site), facilities[0])
    donation_allocate(actor=ACTOR, donation=company, facility=hospital, item=items["O2-MAYTAO"], quantity=10)
    district = AdminUnit.objects.filter(structure=Structure.LEGACY, code="725").first() or province
    person = donation_record(
        actor=ACTOR,
        donor_name="Bà Nguyễn Thị Kim Loan",
        donor_kind="individual",
        donor_contact="0908 214 377",
        unit=district,
        received_on=today - timedelta(days=1),
        lines=[(items["KT-N95"], 5000), (items["GANG-TAY"], 100)],
    )
    stations = [
        f for f in facilities if f.kind == FacilityKind.COMMUNE_HEALTH_STATION and f.unit.path.startswith(district.path)
    ]
    for station in stations[:2]:
        donation_allocate(actor=ACTOR, donation=person, facility=station, item=items["GANG-TAY"], quantity=20)
    ben_cat = AdminUnit.objects.filter(structure=Structure.LEGACY, code="721").first()
    if ben_cat is None:
        return 2
    factory = donation_record(
        actor=ACTOR,
        donor_name="Công ty TNHH May mặc Mỹ Phước",
        donor_kind="organisation",
        donor_contact="Công đoàn công ty, 0274 3556 218",
        unit=ben_cat,
        received_on=today - timedelta(days=3),
        lines=[(items["TEST-NHANH"], 2000), (items["PPE-BO"], 300)],
        note="Ủng hộ lực lượng tuyến đầu thị xã Bến Cát",
    )
    ben_cat_stations = [
        f for f in facilities if f.kind == FacilityKind.COMMUNE_HEALTH_STATION and f.unit.path.startswith(ben_cat.path)
    ]
    for station in ben_cat_stations[:1]:
        donation_allocate(actor=ACTOR, donation=factory, facility=station, item=items["TEST-NHANH"], quantity=500)
    return 3
