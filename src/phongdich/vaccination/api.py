"""/api/v1/vaccination: doses, coverage, priority lists, certificates (issue, read, revoke), shipments; and
/api/v1/dcc: the public trust list, revocation list and verifier. Scoped and audited like the pages."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from phongdich.core import clock
from phongdich.core.api import lookup, lookup_field
from phongdich.core.pagination import keyset_page
from phongdich.core.scoping import require_permission
from phongdich.people.api import related_person
from phongdich.people.models import Person
from phongdich.people.selectors import name_people
from phongdich.places.forms import units_for

from .dcc import codec
from .forms import sites_for
from .models import Certificate, Dose, Shipment, VaccineProduct
from .selectors import (
    certificate_for_reading,
    coverage_by_child,
    coverage_of,
    is_revoked,
    priority_people,
    revoked_hashes,
    targets_for,
    trust_list,
    trusted_keys,
)
from .services import (
    allocation_set,
    certificate_issue,
    certificate_revoke,
    dose_record,
    shipment_approve,
    shipment_propose,
)
from .views import public_view

router = Router(tags=["vaccination"])
dcc_router = Router(tags=["certificates"])


class DoseOut(Schema):
    id: int
    person_id: int
    person_name: str
    number: int
    kind: str
    completes_series: bool
    product: str = Field(alias="product.code")
    lot: str
    given_on: date
    site_id: int | None
    source: str

    @staticmethod
    def resolve_person_name(dose, context) -> str | None:
        return related_person(dose, "person_id", context)  # a site sees the doses it gave to anyone


class DoseIn(Schema):
    person_id: int
    product: str = Field(description="value-set code, e.g. EU/1/20/1528 or BBIBP-CorV")
    given_on: date
    lot: str = ""
    site_id: int | None = None
    vaccinator: str = ""


class DosePage(Schema):
    items: list[DoseOut]
    next_cursor: str | None


@router.get("/doses", response=DosePage, summary="Doses of people in the caller's jurisdiction or given at their site")
def list_doses(request, person_id: int | None = None, cursor: str | None = None, limit: int = 50):
    require_permission(request.user, "vaccination.view_dose")
    doses = Dose.objects.visible_to(request.user).select_related("product")
    if person_id is not None:
        doses = doses.filter(person_id=person_id)
    rows, next_cursor = keyset_page(doses, ("-id",), cursor, max(1, min(limit, 200)))
    return {"items": name_people(request.user, rows, person_ref="person_id"), "next_cursor": next_cursor}


@router.post("/doses", response={201: DoseOut}, summary="Record a dose (order and intervals are checked)")
def create_dose(request, payload: DoseIn):
    require_permission(request.user, "vaccination.add_dose")
    user = request.user
    person = lookup_field(user, Person.objects.active(), payload.person_id, "person_id")
    site = lookup_field(user, sites_for(user, "vaccination.add_dose"), payload.site_id, "site_id", action=None)
    dose = dose_record(
        actor=user,
        person=person,
        product=_product(payload.product, VaccineProduct.objects.all()),
        given_on=payload.given_on,
        lot=payload.lot,
        site=site,
        vaccinator=payload.vaccinator,
    )
    return Status(201, dose)


class CoverageRow(Schema):
    population: str
    residents: int
    one_dose: int
    full: int
    boosted: int
    one_dose_percent: float | None
    full_percent: float | None
    boosted_percent: float | None


class TargetOut(Schema):
    indicator: str
    population: str
    percent: float
    deadline: date
    source_document: str
    reached: int
    residents: int
    gap_people: int
    days_left: int


class ChildCoverage(Schema):
    unit_id: int
    name: str
    rows: list[CoverageRow]


class CoverageOut(Schema):
    unit_id: int
    rows: list[CoverageRow]
    targets: list[TargetOut]
    children: list[ChildCoverage]


@router.get("/coverage/{unit_id}", response=CoverageOut, summary="Coverage by age band, targets and units below")
def unit_coverage(request, unit_id: int):
    require_permission(request.user, "vaccination.view_coveragecell")
    unit = lookup(request.user, units_for(request.user, "vaccination.view_coveragecell"), unit_id, action=None)
    figures = coverage_of(unit)
    targets = [
        {
            "indicator": p.target.indicator,
            "population": p.target.population,
            "percent": float(p.target.percent),
            "deadline": p.target.deadline,
            "source_document": p.target.source_document,
            "reached": p.reached,
            "residents": p.residents,
            "gap_people": p.gap_people,
            "days_left": p.days_left,
        }
        for p in targets_for(unit, figures)
    ]
    children = [{"unit_id": c.pk, "name": c.name, "rows": cov.rows()} for c, cov in coverage_by_child(unit)]
    return {"unit_id": unit.pk, "rows": figures.rows(), "targets": targets, "children": children}


class PriorityPerson(Schema):
    person_id: int = Field(alias="pk")
    full_name: str
    unit_id: int
    priority: int
    birth_date: date | None
    birth_year: int | None


@router.get("/priority/{unit_id}", response=list[PriorityPerson], summary="People with no dose yet, priority first")
def unit_priority(request, unit_id: int, limit: int = 1000):
    require_permission(request.user, "vaccination.view_coveragecell")
    unit = lookup(request.user, units_for(request.user, "people.view_person"), unit_id, action=None)
    people = priority_people(actor=request.user, unit=unit, limit=max(1, min(limit, 5000)), export=True)
    return people


class CertificateOut(Schema):
    id: int
    uvci: str
    person_id: int
    person_name: str
    dose_id: int
    kid: str = Field(alias="signing_key.kid")
    text: str = Field(description="The HC1 text; empty when the holder is outside the caller's jurisdiction")
    issued_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revocation_reason: str

    @staticmethod
    def resolve_person_name(certificate, context) -> str | None:
        return related_person(certificate, "person_id", context)  # a site sees the certificates of its doses

    @staticmethod
    def resolve_text(certificate, context) -> str:
        """The text carries the holder's name and birth date: only for a caller who may see the holder."""
        related_person(certificate, "person_id", context)
        return certificate.text if certificate.person_ref.visible else ""


class RevokeIn(Schema):
    reason: str


@router.post(
    "/persons/{person_id}/certificate",
    response={201: CertificateOut},
    summary="Issue (or return the valid) certificate",
)
def issue_certificate(request, person_id: int):
    require_permission(request.user, "vaccination.add_certificate")
    person = lookup(request.user, Person.objects.active(), person_id)
    return Status(201, certificate_issue(actor=request.user, person=person))


def _certificate(request, pk: int) -> Certificate:
    require_permission(request.user, "vaccination.view_certificate")
    return lookup(request.user, Certificate.objects.select_related("signing_key"), pk)


@router.get("/certificates/{certificate_id}", response=CertificateOut, summary="A certificate and its HC1 text")
def read_certificate(request, certificate_id: int):
    require_permission(request.user, "vaccination.view_certificate")
    return certificate_for_reading(request.user, certificate_id)


@router.post("/certificates/{certificate_id}/revoke", response=CertificateOut, summary="Revoke a certificate")
def revoke_certificate(request, certificate_id: int, payload: RevokeIn):
    require_permission(request.user, "vaccination.change_certificate")
    certificate = lookup(request.user, Certificate, certificate_id, "change")
    return certificate_revoke(actor=request.user, certificate=certificate, reason=payload.reason)


class AllocationOut(Schema):
    unit_id: int
    inputs: dict
    need: int
    proposed: int
    doses: int


class ShipmentOut(Schema):
    id: int
    product: str = Field(alias="product.code")
    doses: int
    received_on: date
    unit_id: int
    status: str
    formula: dict
    allocations: list[AllocationOut]

    @staticmethod
    def resolve_allocations(shipment):
        return list(shipment.allocations.all())


class ShipmentIn(Schema):
    product: str
    doses: int
    received_on: date
    unit_id: int
    reference: str = ""


class SharesIn(Schema):
    doses_by_unit: dict[int, int]
    approve: bool = False


@router.post("/shipments", response={201: ShipmentOut}, summary="Propose the split of a shipment")
def propose_shipment(request, payload: ShipmentIn):
    require_permission(request.user, "vaccination.add_shipment")
    user = request.user
    unit = lookup_field(user, units_for(user, "vaccination.add_shipment"), payload.unit_id, "unit_id", action=None)
    shipment = shipment_propose(
        actor=user,
        product=_product(payload.product, VaccineProduct.objects.filter(active=True)),
        doses=payload.doses,
        received_on=payload.received_on,
        unit=unit,
        reference=payload.reference,
    )
    return Status(201, shipment)


def _product(code: str, products) -> VaccineProduct:
    """A vaccine named by its value-set code: reference data, the same for every caller."""
    product = products.filter(code=code).first()
    if product is None:
        raise ValidationError({"product": _("Unknown vaccine product %(code)s.") % {"code": code}})
    return product


@router.get("/shipments/{shipment_id}", response=ShipmentOut, summary="A shipment's split with its inputs")
def read_shipment(request, shipment_id: int):
    require_permission(request.user, "vaccination.view_shipment")
    return lookup(request.user, Shipment.objects.select_related("product"), shipment_id)


@router.post("/shipments/{shipment_id}/shares", response=ShipmentOut, summary="Edit the split, and approve it")
def set_shares(request, shipment_id: int, payload: SharesIn):
    require_permission(request.user, "vaccination.change_shipment")
    shipment = lookup(request.user, Shipment, shipment_id, "change")
    if payload.doses_by_unit:
        allocation_set(actor=request.user, shipment=shipment, doses_by_unit=payload.doses_by_unit)
    if payload.approve:
        shipment_approve(actor=request.user, shipment=shipment)
    return Shipment.objects.select_related("product").get(pk=shipment.pk)


# ---- Public: trust list, revocations, verification ----------------------------------------------------------


class TrustEntry(Schema):
    kid: str
    country: str
    certificate: str
    not_before: datetime
    not_after: datetime
    signing: bool


class TrustList(Schema):
    certificates: list[TrustEntry]


class VerifyIn(Schema):
    text: str = Field(max_length=codec.MAX_TEXT * 2)


class VerifyOut(Schema):
    valid: bool
    verified: bool
    error: str | None
    message: str
    name: str | None = None
    dob: str | None = None
    doses: list[dict] = []
    expires_at: datetime | None = None


@dcc_router.get("/trust-list", auth=None, response=TrustList, summary="Document-signer certificates (base64 DER)")
def get_trust_list(request):
    return {"certificates": trust_list()}


@dcc_router.get("/revocations", auth=None, summary="Revoked certificates: SHA-256 of each UVCI")
def get_revocations(request):
    return {"hash": "sha256(uvci)", "revoked": revoked_hashes(), "generated_at": timezone.now()}


@dcc_router.post(
    "/verify", auth=None, response=VerifyOut, summary="Verify a certificate text; shows only what a check needs"
)
def verify_text(request, payload: VerifyIn):
    verdict = codec.verify(payload.text, keys=trusted_keys(), at=clock.now(), revoked=is_revoked)
    return public_view(verdict)
