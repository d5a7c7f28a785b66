"""The demo's vaccination campaign of summer 2021 up to the demo's day (31/8/2021, the platform's clock in the
demo): doses at the district sites (Sinopharm, AstraZeneca, Pfizer, Moderna) since mid-June, most adults
with a first dose, fewer with a full series (boosters came later); the directive's target, 100% of adults
fully vaccinated by the end of December, four months ahead; certificates for some residents of Lái Thiêu; a
shipment split proposed across the districts. Doses keep each product's interval and are written in bulk (a
service call per dose would make the demo slow); certificates, coverage and the split go through the
services."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.people.models import Person
from phongdich.places.choices import FacilityKind, Structure
from phongdich.places.models import AdminUnit, Facility
from phongdich.vaccination.choices import DoseKind, DoseSource
from phongdich.vaccination.models import Dose, SigningKey, VaccinationTarget, VaccineProduct
from phongdich.vaccination.services import (
    certificate_issue,
    coverage_refresh,
    shipment_propose,
    signing_key_create,
)

ACTOR = "demo"
FIRST_DAYS = (date(2021, 6, 15), date(2021, 8, 31))
PRODUCTS = [("BBIBP-CorV", 50), ("EU/1/21/1529", 25), ("EU/1/20/1528", 15), ("EU/1/20/1507", 10)]
DEADLINE = date(2021, 12, 31)
TARGET_DOCUMENT = (
    "Chỉ thị về tăng cường lãnh đạo phòng, chống dịch Covid-19 (11/2021): trong tháng 12/2021, 100% dân số "
    "trong diện được tiêm vắc xin được tiêm đủ 2 mũi"
)


@dataclass
class VaccinationResult:
    doses: int = 0
    certificates: int = 0


def build_vaccination(*, rng: random.Random) -> VaccinationResult:
    today = clock.today()
    products = {code: VaccineProduct.objects.get(code=code) for code, _weight in PRODUCTS}
    sites = {
        site.unit.path.split("/")[1]: site
        for site in Facility.objects.filter(kind=FacilityKind.VACCINATION_SITE).select_related("unit")
    }
    doses: list[Dose] = []
    people = Person.objects.values_list("pk", "unit_id", "unit__path", "birth_date", "birth_year")
    for pk, unit_id, path, birth_date, birth_year in people.iterator(chunk_size=5000):
        age = today.year - (birth_date.year if birth_date else birth_year or today.year)
        chance = 0.9 if age >= 18 else 0.6 if age >= 12 else 0.0
        if rng.random() >= chance:
            continue
        product = products[rng.choices([c for c, _w in PRODUCTS], [w for _c, w in PRODUCTS])[0]]
        site = sites.get(path.split("/")[1])
        first = FIRST_DAYS[0] + timedelta(days=rng.randrange((FIRST_DAYS[1] - FIRST_DAYS[0]).days))
        doses.append(_dose(pk, unit_id, 1, DoseKind.PRIMARY, False, product, first, site))
        second = first + timedelta(days=product.min_interval_days + rng.randrange(0, 40))
        if second <= today and rng.random() < 0.85:
            doses.append(_dose(pk, unit_id, 2, DoseKind.PRIMARY, True, product, second, site))
    Dose.objects.bulk_create(doses, batch_size=5000)
    audit.record(
        actor=ACTOR,
        action=AuditAction.IMPORT,
        object_type="vaccination.dose",
        object_repr="demo vaccination campaign",
        detail={"doses": len(doses)},
    )
    province = AdminUnit.objects.get(structure=Structure.LEGACY, code="74")
    VaccinationTarget.objects.get_or_create(
        unit=province,
        indicator="full",
        population="18+",
        deadline=DEADLINE,
        defaults={"percent": 100, "source_document": TARGET_DOCUMENT},
    )
    if not SigningKey.objects.filter(active=True).exists() and settings.DCC_KEY_DIR:
        signing_key_create(actor=ACTOR)
    certificates = 0
    lai_thieu = AdminUnit.objects.get(structure=Structure.LEGACY, code="25966")
    for person in Person.objects.filter(unit__path__startswith=lai_thieu.path, doses__number=2).distinct()[:20]:
        certificate_issue(actor=ACTOR, person=person)
        certificates += 1
    coverage_refresh()
    shipment_propose(
        actor=ACTOR,
        product=products["EU/1/20/1528"],
        doses=100_000,
        received_on=today,
        unit=province,
        reference="Lô phân bổ tháng 9/2021",
    )
    return VaccinationResult(doses=len(doses), certificates=certificates)


def _dose(person_id, unit_id, number, kind, completes, product, given_on, site) -> Dose:
    return Dose(
        person_id=person_id,
        unit_id=unit_id,
        number=number,
        kind=kind,
        completes_series=completes,
        product=product,
        lot=f"{product.code[-4:].upper()}-{given_on:%m%d}",
        given_on=given_on,
        site=site,
        site_name=site.name if site else "",
        source=DoseSource.SITE,
    )
