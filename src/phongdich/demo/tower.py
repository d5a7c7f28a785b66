"""The demo's 3-tier treatment tower (seed 000, item 4): the provincial general hospital's Phú Chánh treatment
area and Becamex International Hospital at tier 3, the province hospital, the field hospital and each district's
medical centre at tier 2, and about forty F0 treatment sites at tier 1 (schools and factories lent for the
outbreak, a few already closing or handed back), with the concentrated site of care's demo among them.

Patients are the demo's cases: the moderate, severe and critical active cases are in tier-2 and tier-3 beds now,
the F0 at the concentrated site in its beds, and the cases confirmed over the last weeks went through the tiers
and left (discharged, or died), so the 7-day occupancy follows the outbreak curve. Capacity is set from those
numbers (most facilities 55–95 % full, one full) and the demo's scale, with a dated capacity history. Transfers
wait for the F0 at home whose last reading raised an alert: the nearest facilities are asked, one has accepted,
holds a bed and has the 115 ambulance on its way."""

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from phongdich.care.choices import AlertStatus, OrderKind, OrderStatus
from phongdich.care.models import Alert, IsolationOrder
from phongdich.care.tower.choices import AdmissionStatus, BedKind, DeathCause, FacilityStatus, PatientSeverity
from phongdich.care.tower.models import Admission, TowerRules, TreatmentFacility, Ward, WardCapacity
from phongdich.care.tower.rules import tower_rules_on
from phongdich.care.tower.services.facilities import wards_recount
from phongdich.care.tower.services.transfers import ambulance_dispatch, offer_answer, transfer_request
from phongdich.core import clock
from phongdich.places.choices import FacilityKind, Structure, UnitLevel
from phongdich.places.models import AdminUnit, Facility
from phongdich.surveillance.choices import CaseStatus, Severity
from phongdich.surveillance.models import Case

ACTOR = "demo"
TIER_1_SITES = 40
STAY_DAYS = {"mild": 10, "moderate": 14, "severe": 18, "critical": 21}
# Approximate centres of Bình Dương's districts, by GSO code: where the distances of transfers are measured from.
DISTRICT_CENTRES = {
    "718": ("10.9804", "106.6519"),
    "719": ("11.2500", "106.6200"),
    "720": ("11.3000", "106.3700"),
    "721": ("11.1500", "106.5800"),
    "722": ("11.3000", "106.8000"),
    "723": ("11.0600", "106.7800"),
    "724": ("10.9000", "106.7700"),
    "725": ("10.9300", "106.7100"),
    "726": ("11.1500", "106.8500"),
}
SITE_NAMES = (
    "Trường THCS {commune}",
    "Trường Tiểu học {commune}",
    "Ký túc xá công nhân {commune}",
    "Nhà xưởng {commune}",
)


@dataclass
class TowerResult:
    facilities: int = 0
    beds: int = 0
    in_beds: int = 0
    left: int = 0
    transfers: int = 0


def build_tower(*, rng: random.Random, scale: float) -> TowerResult:
    centres = _district_centres()
    tier_3, tier_2, tier_1 = _facilities(rng, centres)
    patients = _patients(rng, tier_3, tier_2, tier_1)
    Admission.objects.bulk_create(patients, batch_size=1000)
    _capacity(rng, [*tier_3, *tier_2, *tier_1], scale)
    wards_recount()
    result = TowerResult(
        facilities=len(tier_3) + len(tier_2) + len(tier_1),
        in_beds=sum(1 for admission in patients if admission.status == AdmissionStatus.ADMITTED),
        left=sum(1 for admission in patients if admission.status != AdmissionStatus.ADMITTED),
    )
    result.beds = sum(Ward.objects.values_list("beds", flat=True))
    result.transfers = _transfers(rng)
    return result


def _district_centres() -> dict[str, tuple[Decimal, Decimal]]:
    districts = AdminUnit.objects.filter(structure=Structure.LEGACY, level=UnitLevel.DISTRICT)
    centres = {}
    for district in districts:
        if district.code in DISTRICT_CENTRES:
            lat, lon = (Decimal(value) for value in DISTRICT_CENTRES[district.code])
            if district.latitude is None:
                AdminUnit.objects.filter(pk=district.pk).update(latitude=lat, longitude=lon)
            centres[district.path] = (lat, lon)
    return centres


def _near(rng: random.Random, centre: tuple[Decimal, Decimal] | None) -> tuple[Decimal | None, Decimal | None]:
    if centre is None:
        return None, None
    return tuple(Decimal(f"{float(value) + rng.uniform(-0.03, 0.03):.6f}") for value in centre)  # type: ignore[return-value]


def _centre_of(unit: AdminUnit, centres: dict) -> tuple[Decimal, Decimal] | None:
    return next((centre for path, centre in centres.items() if unit.path.startswith(path)), None)


def _enrol(rng, facility: Facility, tier: int, centres: dict, **equipment) -> Facility:
    latitude, longitude = _near(rng, _centre_of(facility.unit, centres))
    TreatmentFacility.objects.create(facility=facility, tier=tier, latitude=latitude, longitude=longitude, **equipment)
    for kind in BedKind.values:
        Ward.objects.create(facility=facility, bed_kind=kind)
    return facility


def _commune(code: str) -> AdminUnit:
    return AdminUnit.objects.get(structure=Structure.LEGACY, code=code)


def _facilities(rng: random.Random, centres: dict) -> tuple[list, list, list]:
    phu_chanh = Facility.objects.create(
        name="Khu điều trị COVID-19 Bệnh viện Đa khoa tỉnh (cơ sở Phú Chánh)",
        kind=FacilityKind.HOSPITAL,
        unit=_commune("25924"),
        address="Phường Phú Chánh, Thành phố Tân Uyên",
    )
    becamex = Facility.objects.create(
        name="Bệnh viện Quốc tế Becamex",
        kind=FacilityKind.HOSPITAL,
        unit=_commune("25972"),
        address="Đại lộ Bình Dương, Phường Thuận Giao, Thành phố Thuận An",
    )
    tier_3 = [
        _enrol(rng, phu_chanh, 3, centres, ventilators=60, high_flow_oxygen=80, ecmo=4),
        _enrol(rng, becamex, 3, centres, ventilators=40, high_flow_oxygen=50, ecmo=2),
    ]
    tier_2 = [
        _enrol(rng, facility, 2, centres, ventilators=rng.randint(2, 10), high_flow_oxygen=rng.randint(5, 20))
        for facility in Facility.objects.filter(kind__in=[FacilityKind.HOSPITAL, FacilityKind.FIELD_HOSPITAL])
        .exclude(pk__in=[phu_chanh.pk, becamex.pk])
        .order_by("pk")
    ]
    tier_1 = [
        _enrol(rng, facility, 1, centres) for facility in Facility.objects.filter(kind=FacilityKind.ISOLATION_SITE)
    ]
    communes = list(AdminUnit.objects.filter(structure=Structure.LEGACY, level=UnitLevel.COMMUNE).order_by("code"))
    for commune in rng.sample(communes, min(TIER_1_SITES - len(tier_1), len(communes))):
        name = rng.choice(SITE_NAMES).format(
            commune=commune.name.replace("Phường ", "").replace("Xã ", "").replace("Thị trấn ", "")
        )
        site = Facility.objects.create(
            name=f"Cơ sở thu dung điều trị F0 {name}", kind=FacilityKind.F0_TREATMENT_SITE, unit=commune
        )
        tier_1.append(_enrol(rng, site, 1, centres))
    return tier_3, tier_2, tier_1


def _patients(rng: random.Random, tier_3: list, tier_2: list, tier_1: list) -> list[Admission]:
    """An admission for each active hospital case and each F0 at the concentrated site, and for the cases of the
    last four weeks that went through the tiers and left."""
    rules = tower_rules_on(clock.today()) or TowerRules.objects.order_by("effective_from").first()
    now = clock.now()
    since = now - timedelta(days=28)
    admissions = []
    at_site = dict(
        IsolationOrder.objects.filter(kind=OrderKind.F0_SITE, status=OrderStatus.ACTIVE).values_list(
            "person_id", "site_id"
        )
    )
    site_tier_1 = {facility.pk: facility for facility in tier_1}
    cases = (
        Case.objects.filter(confirmed_at__gte=since).exclude(status=CaseStatus.RULED_OUT).order_by("confirmed_at", "pk")
    )
    for case in cases.values("person_id", "severity", "status", "confirmed_at", "status_changed_at"):
        place = _place_for(rng, case, at_site, site_tier_1, tier_1, tier_2, tier_3)
        if place is None:
            continue
        facility, bed_kind, severity = place
        admitted = case["confirmed_at"] + timedelta(hours=rng.randint(2, 30))
        if admitted >= now:
            admitted = now - timedelta(minutes=rng.randint(10, 120))
        admission = Admission(
            person_id=case["person_id"],
            facility=facility,
            bed_kind=bed_kind,
            severity=severity,
            vitals=_vitals(rng, severity),
            rules=rules,
            admitted_at=admitted,
            admitted_by=None,
        )
        _outcome(rng, admission, case, now)
        admissions.append(admission)
    return admissions


def _place_for(rng, case, at_site, site_tier_1, tier_1, tier_2, tier_3):
    severity = case["severity"]
    if case["status"] == CaseStatus.ACTIVE:
        if severity == Severity.MODERATE:  # most need oxygen; some are watched in a regular bed
            kind = BedKind.OXYGEN if rng.random() < 0.7 else BedKind.REGULAR
            return rng.choice(tier_2), kind, PatientSeverity.MODERATE
        if severity in (Severity.SEVERE, Severity.CRITICAL):
            kind = BedKind.ICU if severity == Severity.CRITICAL or rng.random() < 0.4 else BedKind.OXYGEN
            return rng.choice(tier_3), kind, PatientSeverity(severity)
        site = site_tier_1.get(at_site.get(case["person_id"]))
        return (site, BedKind.REGULAR, PatientSeverity.MILD) if site is not None else None
    if severity in (Severity.ASYMPTOMATIC, Severity.MILD):
        return rng.choice(tier_1), BedKind.REGULAR, PatientSeverity.MILD
    if severity == Severity.MODERATE:
        kind = BedKind.OXYGEN if rng.random() < 0.7 else BedKind.REGULAR
        return rng.choice(tier_2), kind, PatientSeverity.MODERATE
    return rng.choice(tier_3), BedKind.ICU, PatientSeverity(severity)


def _vitals(rng: random.Random, severity: str) -> dict:
    if severity == PatientSeverity.MILD:
        return {"breathing_rate": rng.randint(14, 19), "spo2": rng.randint(97, 99), "pulse": rng.randint(62, 96)}
    if severity == PatientSeverity.MODERATE:
        return {"breathing_rate": rng.randint(20, 25), "spo2": rng.randint(94, 96), "pulse": rng.randint(80, 110)}
    return {"breathing_rate": rng.randint(26, 34), "spo2": rng.randint(82, 93), "pulse": rng.randint(95, 130)}


def _outcome(rng: random.Random, admission: Admission, case: dict, now: datetime) -> None:
    """A case no longer active left its bed: died on its status date, or discharged after a stay of its severity."""
    if case["status"] == CaseStatus.ACTIVE:
        return
    stay = timedelta(days=STAY_DAYS.get(admission.severity, 10) + rng.randint(-2, 3))
    left = min(case["status_changed_at"] or admission.admitted_at + stay, now - timedelta(hours=1))
    left = max(left, admission.admitted_at + timedelta(hours=6))
    if case["status"] == CaseStatus.DIED:
        admission.status, admission.died_on = AdmissionStatus.DIED, timezone.localdate(left)
        admission.death_cause = rng.choice([DeathCause.COVID, DeathCause.COVID_COMORBIDITY])
    else:
        admission.status = AdmissionStatus.DISCHARGED
    admission.ended_at = left


def _capacity(rng: random.Random, facilities: list[Facility], scale: float) -> None:
    """Beds for each ward from its patients now and at its busiest over the last week (55–95 % full; the first
    tier-3 facility's ICU full), recorded a month ago, with a few wards enlarged during the week."""
    now = clock.now()
    opened = now - timedelta(days=30)
    ends = [timezone.make_aware(datetime.combine(clock.today() - timedelta(days=back), time.max)) for back in range(7)]
    rows = list(Admission.objects.values_list("facility_id", "bed_kind", "admitted_at", "ended_at"))
    wards = list(Ward.objects.filter(facility__in=facilities).select_related("facility__tower"))
    history, full_icu = [], facilities[0].pk
    for ward in wards:
        mine = [
            (start, end)
            for facility, kind, start, end in rows
            if facility == ward.facility_id and kind == ward.bed_kind
        ]
        peak = max(
            [
                sum(1 for start, end in mine if start <= moment and (end is None or end > moment))
                for moment in [now, *ends]
            ]
        )
        if ward.facility_id == full_icu and ward.bed_kind == BedKind.ICU:
            beds = peak
        else:
            beds = max(round(peak / rng.uniform(0.55, 0.95)) + (1 if peak else 0), _reserve(rng, ward, scale))
        earlier = beds if rng.random() < 0.8 else max(peak, round(beds * 0.8))
        history.append(WardCapacity(ward=ward, beds=earlier, valid_from=opened, reason="Thiết lập ban đầu"))
        if earlier != beds:
            history.append(
                WardCapacity(
                    ward=ward, beds=beds, valid_from=now - timedelta(days=rng.randint(1, 5)), reason="Mở thêm giường"
                )
            )
        ward.beds = beds
    Ward.objects.bulk_update(wards, ["beds"])
    WardCapacity.objects.bulk_create(history)
    _winding_down(rng, facilities)


def _reserve(rng: random.Random, ward: Ward, scale: float) -> int:
    """The fewest beds a ward of its kind and tier has, patients or not, at the demo's scale (its residents and
    cases are a share of the province's, so are its beds): a site's few hundred beds and some oxygen, a
    hospital's regular and oxygen beds, ICU beds at tier 2 and 3 only."""
    tier = ward.facility.tower.tier
    real = {
        BedKind.REGULAR: (150, 400) if tier == 1 else (100, 250),
        BedKind.OXYGEN: (10, 40) if tier == 1 else (60, 150),
        BedKind.ICU: (0, 0) if tier == 1 else (10, 30),
    }[ward.bed_kind]
    return round(rng.randint(*real) * scale)


def _winding_down(rng: random.Random, facilities: list[Facility]) -> None:
    """Seed 000: schools and factories used as sites are handed back; a few are closing, an empty one returned."""
    empty = [
        facility
        for facility in facilities
        if facility.tower.tier == 1
        and not Admission.objects.filter(facility=facility, status=AdmissionStatus.ADMITTED).exists()
    ]
    for facility in empty[:2]:
        TreatmentFacility.objects.filter(facility=facility).update(
            status=FacilityStatus.RETURNED, status_note="Đã bàn giao lại cho trường học"
        )
    for facility in empty[2:5]:
        TreatmentFacility.objects.filter(facility=facility).update(
            status=FacilityStatus.CLOSING, status_note="Thu gọn theo chỉ đạo của Tỉnh ủy"
        )


def _transfers(rng: random.Random) -> int:
    """A transfer for each F0 at home whose open alert shows a moderate or severe reading; the first accepted."""
    alerts = (
        Alert.objects.filter(
            status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED],
            report__isnull=False,
            order__status=OrderStatus.ACTIVE,  # not those released today
        )
        .select_related("report", "person")
        .order_by("raised_at")[:6]
    )
    made = 0
    for alert in alerts:
        request = transfer_request(
            actor=ACTOR, person=alert.person, alert=alert, reason="SpO₂ giảm khi theo dõi tại nhà"
        )
        made += 1
        if made == 1 and (offer := request.offers.order_by("distance_km").first()) is not None:
            offer_answer(actor=ACTOR, offer=offer, accept=True)
            ambulance_dispatch(actor=ACTOR, request=request, reference="115-BD-3108-0417")
    return made
