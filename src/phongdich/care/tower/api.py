"""/api/v1/care/tower: the bed board, transfer suggestions, admissions and transfer requests. Scoped and audited
like the pages; the same services do the writes. An admission to a full bed kind answers 409 "no_free_bed"."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from phongdich.core.api import ErrorOut, lookup, lookup_field
from phongdich.core.pagination import keyset_page
from phongdich.core.scoping import require_permission
from phongdich.people.api import related_person
from phongdich.people.models import Person
from phongdich.people.selectors import name_people
from phongdich.places.models import AdminUnit

from ..models import Alert, IsolationOrder
from .choices import AdmissionStatus, BedKind, DeathCause, PatientSeverity, Tier
from .models import Admission, TransferOffer, TransferRequest
from .selectors import board, suggestions, towers_for, unit_coordinates
from .services.admissions import NoFreeBed, admit, death_record, discharge
from .services.facilities import capacity_set
from .services.transfers import ambulance_dispatch, offer_answer, transfer_cancel, transfer_request

router = Router(tags=["care: tower"])


class BedsOut(Schema):
    beds: int
    occupied: int
    held: int
    free: int


class BoardRowOut(Schema):
    facility_id: int
    name: str
    tier: int
    status: str
    district: str
    incoming: int
    beds: dict[str, BedsOut] = Field(description="By bed kind: regular, oxygen, icu.")


class BoardGroupOut(Schema):
    label: str
    facilities: int
    beds: dict[str, BedsOut]


class BoardOut(Schema):
    facilities: list[BoardRowOut]
    tiers: list[BoardGroupOut]
    districts: list[BoardGroupOut]
    total: BoardGroupOut
    waiting_by_tier: dict[int, int]
    escalated: int


def _beds(kinds) -> dict:
    return {kind: {"beds": b.beds, "occupied": b.occupied, "held": b.held, "free": b.free} for kind, b in kinds.items()}


def _group(group) -> dict:
    return {"label": group.label, "facilities": group.facilities, "beds": _beds(group.kinds)}


@router.get("/board", response=BoardOut, summary="The bed board of the caller's area (under a unit, of a tier)")
def read_board(request, unit_id: int | None = None, tier: Tier | None = None):
    require_permission(request.user, "care.view_ward")
    unit = lookup(request.user, AdminUnit, unit_id) if unit_id else None
    found = board(request.user, unit=unit, tier=tier)
    return {
        "facilities": [
            {
                "facility_id": row.tower.facility_id,
                "name": row.tower.facility.name,
                "tier": row.tower.tier,
                "status": row.tower.status,
                "district": row.district,
                "incoming": row.incoming,
                "beds": _beds(row.kinds),
            }
            for row in found.rows
        ],
        "tiers": [_group(group) for group in found.tiers],
        "districts": [_group(group) for group in found.districts],
        "total": _group(found.total),
        "waiting_by_tier": found.waiting,
        "escalated": found.escalated,
    }


class WardOut(Schema):
    bed_kind: str
    beds: int
    occupied: int
    held: int
    free: int


class BedsIn(Schema):
    bed_kind: BedKind
    beds: int = Field(description="The ward's beds from now on; refused below the patients in it and the beds held.")
    reason: str = ""


@router.post(
    "/facilities/{int:facility_id}/beds",
    response=WardOut,
    summary="Set a ward's beds from now on (a dated capacity change)",
)
def set_beds(request, facility_id: int, payload: BedsIn):
    require_permission(request.user, "care.change_ward")
    tower = towers_for(request.user, "care.change_ward").filter(facility_id=facility_id).first()
    if tower is None:
        raise Http404
    return capacity_set(actor=request.user, facility=tower.facility, **payload.dict())


class SuggestionOut(Schema):
    facility_id: int
    name: str
    tier: int
    free: int
    beds: int
    distance_km: float | None


@router.get("/suggestions", response=list[SuggestionOut], summary="Facilities with a free bed, nearest first")
def read_suggestions(request, tier: Tier, bed_kind: BedKind, unit_id: int, limit: int = Query(5, ge=1, le=20)):
    require_permission(request.user, "care.view_ward")
    unit = lookup(request.user, AdminUnit.objects.select_related("parent__parent"), unit_id)
    found = suggestions(tier=tier, bed_kind=bed_kind, origin=unit_coordinates(unit), limit=limit)
    return [
        {
            "facility_id": item.tower.facility_id,
            "name": item.tower.facility.name,
            "tier": item.tower.tier,
            "free": item.free,
            "beds": item.beds,
            "distance_km": item.distance_km,
        }
        for item in found
    ]


class AdmissionOut(Schema):
    id: int
    person_id: int
    person_name: str | None = Field(description="The patient's name, or a masked reference outside your jurisdiction.")
    facility_id: int
    bed_kind: str
    severity: str
    vitals: dict
    status: str
    admitted_at: datetime
    ended_at: datetime | None
    previous_id: int | None
    transfer_id: int | None
    order_id: int | None
    discharge_override: str
    died_on: date | None
    death_cause: str

    @staticmethod
    def resolve_person_name(admission, context) -> str | None:
        return related_person(admission, "person_id", context)


class AdmissionPage(Schema):
    items: list[AdmissionOut]
    next_cursor: str | None


class Vitals(Schema):
    breathing_rate: int | None = Field(None, description="Breaths per minute.")
    spo2: int | None = Field(None, description="SpO₂ on room air, %.")
    pulse: int | None = None


class AdmissionIn(Schema):
    person_id: int
    facility_id: int
    bed_kind: BedKind
    vitals: Vitals = Vitals()
    severity: PatientSeverity | None = Field(None, description="Left out: banded from the vital signs by the rules.")
    transfer_id: int | None = Field(None, description="The accepted transfer whose held bed the patient takes.")
    note: str = ""
    client_key: str = Field("", max_length=64, description="Sent again with a retry, it gives back the same admission.")


@router.get("/admissions", response=AdmissionPage, summary="Admissions at facilities in the caller's area")
def list_admissions(
    request,
    facility_id: int | None = None,
    status: AdmissionStatus | None = None,
    cursor: str | None = None,
    limit: int = 50,
):
    require_permission(request.user, "care.view_admission")
    rows = Admission.objects.visible_to(request.user)
    if facility_id is not None:
        rows = rows.filter(facility_id=facility_id)
    if status is not None:
        rows = rows.filter(status=status)
    items, next_cursor = keyset_page(rows, ("-admitted_at", "-id"), cursor, min(max(limit, 1), 200))
    name_people(request.user, items, person_ref="person_id")
    return {"items": items, "next_cursor": next_cursor}


@router.post(
    "/admissions",
    response={201: AdmissionOut, 409: ErrorOut},
    summary="Admit a patient to a bed of a kind (409 no_free_bed when none is free)",
)
def create_admission(request, payload: AdmissionIn):
    require_permission(request.user, "care.add_admission")
    user = request.user
    transfer = lookup_field(user, TransferRequest, payload.transfer_id, "transfer_id")
    person = _patient(user, payload.person_id, transfer)
    tower = towers_for(user, "care.add_admission").filter(facility_id=payload.facility_id).first()
    if tower is None:
        raise ValidationError({"facility_id": _("Not found in your jurisdiction.")})
    try:
        admission = admit(
            actor=user,
            person=person,
            facility=tower.facility,
            bed_kind=payload.bed_kind,
            vitals=payload.vitals.dict(exclude_none=True),
            severity=payload.severity or "",
            transfer=transfer,
            note=payload.note,
            client_key=payload.client_key,
        )
    except NoFreeBed as refused:
        return Status(409, {"code": "no_free_bed", "message": refused.messages[0], "fields": refused.message_dict})
    return Status(201, admission)


def _patient(user, person_id: int, transfer) -> Person:
    if transfer is not None and transfer.person_id == person_id:
        return transfer.person
    return lookup_field(user, Person.objects.active(), person_id, "person_id")


class DischargeIn(Schema):
    override: str = Field("", description="The doctor's reason to discharge before the rules allow it.")
    note: str = ""


@router.post("/admissions/{int:admission_id}/discharge", response=AdmissionOut, summary="Discharge under the rules")
def discharge_admission(request, admission_id: int, payload: DischargeIn):
    require_permission(request.user, "care.change_admission")
    admission = lookup(request.user, Admission, admission_id, "change")
    return discharge(actor=request.user, admission=admission, override=payload.override, note=payload.note)


class DeathIn(Schema):
    died_on: date
    cause: DeathCause
    note: str = ""


@router.post("/admissions/{int:admission_id}/death", response=AdmissionOut, summary="Record a death")
def record_death(request, admission_id: int, payload: DeathIn):
    require_permission(request.user, "care.change_admission")
    admission = lookup(request.user, Admission, admission_id, "change")
    return death_record(
        actor=request.user, admission=admission, died_on=payload.died_on, cause=payload.cause, note=payload.note
    )


class OfferOut(Schema):
    facility_id: int
    facility_name: str
    distance_km: float | None
    answer: str
    answer_reason: str
    off_tier_reason: str

    @staticmethod
    def resolve_facility_name(offer) -> str:
        return offer.facility.name


class TransferOut(Schema):
    id: int
    person_id: int
    person_name: str | None
    unit_id: int
    from_facility_id: int | None
    tier: int
    bed_kind: str
    severity: str
    vitals: dict
    reason: str
    status: str
    requested_at: datetime
    escalate_at: datetime
    escalated_at: datetime | None
    to_facility_id: int | None
    accepted_at: datetime | None
    ambulance_called_at: datetime | None
    ambulance_ref: str
    offers: list[OfferOut]

    @staticmethod
    def resolve_person_name(request_row, context) -> str | None:
        return related_person(request_row, "person_id", context)

    @staticmethod
    def resolve_offers(request_row) -> list:
        return list(request_row.offers.select_related("facility"))


class TransferIn(Schema):
    person_id: int
    reason: str
    alert_id: int | None = None
    order_id: int | None = None
    admission_id: int | None = Field(None, description="The bed the patient is in now, for a move between tiers.")
    vitals: Vitals = Vitals()
    severity: PatientSeverity | None = None
    tier: Tier | None = Field(None, description="Left out: the tier the severity is treated at.")
    bed_kind: BedKind | None = None


@router.get(
    "/transfers", response=list[TransferOut], summary="Open transfer requests in the caller's area or asked of it"
)
def list_transfers(request):
    require_permission(request.user, "care.view_transferrequest")
    rows = list(TransferRequest.objects.visible_to(request.user).filter(status__in=["waiting", "accepted"])[:200])
    name_people(request.user, rows, person_ref="person_id")
    return rows


@router.post("/transfers", response={201: TransferOut}, summary="Request a transfer; the nearest facilities are asked")
def create_transfer(request, payload: TransferIn):
    require_permission(request.user, "care.add_transferrequest")
    user = request.user
    alert = lookup_field(user, Alert, payload.alert_id, "alert_id", "change")
    order = lookup_field(user, IsolationOrder, payload.order_id, "order_id")
    admission = lookup_field(user, Admission, payload.admission_id, "admission_id")
    person = lookup_field(user, Person.objects.active(), payload.person_id, "person_id")
    created = transfer_request(
        actor=user,
        person=person,
        reason=payload.reason,
        vitals=payload.vitals.dict(exclude_none=True),
        severity=payload.severity or "",
        tier=payload.tier,
        bed_kind=payload.bed_kind or "",
        alert=alert,
        order=order,
        admission=admission,
    )
    return Status(201, created)


class AnswerIn(Schema):
    accept: bool
    reason: str = ""


@router.post(
    "/transfers/{int:transfer_id}/offers/{int:facility_id}",
    response={200: TransferOut, 409: ErrorOut},
    summary="The asked facility accepts (holding a bed) or declines with a reason",
)
def answer_offer(request, transfer_id: int, facility_id: int, payload: AnswerIn):
    require_permission(request.user, "care.change_transferoffer")
    transfer = lookup(request.user, TransferRequest, transfer_id)
    offer = TransferOffer.objects.filter(request=transfer, facility_id=facility_id).first()
    if (
        offer is None
        or not towers_for(request.user, "care.change_transferoffer").filter(facility_id=facility_id).exists()
    ):
        return Status(409, {"code": "not_asked", "message": _("This facility was not asked to take this patient.")})
    try:
        offer_answer(actor=request.user, offer=offer, accept=payload.accept, reason=payload.reason)
    except NoFreeBed as refused:
        return Status(409, {"code": "no_free_bed", "message": refused.messages[0], "fields": refused.message_dict})
    return Status(200, TransferRequest.objects.get(pk=transfer.pk))


class AmbulanceIn(Schema):
    reference: str


@router.post("/transfers/{int:transfer_id}/ambulance", response=TransferOut, summary="Record the 115 dispatch")
def dispatch_ambulance(request, transfer_id: int, payload: AmbulanceIn):
    require_permission(request.user, "care.change_transferrequest")
    transfer = lookup(request.user, TransferRequest, transfer_id, "change")
    return ambulance_dispatch(actor=request.user, request=transfer, reference=payload.reference)


class CancelIn(Schema):
    note: str


@router.post("/transfers/{int:transfer_id}/cancel", response=TransferOut, summary="Cancel; a held bed is given back")
def cancel_transfer(request, transfer_id: int, payload: CancelIn):
    require_permission(request.user, "care.change_transferrequest")
    transfer = lookup(request.user, TransferRequest, transfer_id, "change")
    return transfer_cancel(actor=request.user, request=transfer, note=payload.note)
