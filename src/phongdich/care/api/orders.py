"""/api/v1/care/orders: isolation and home-treatment orders, a household ordered together, ending and assigning an
order, visits and calls, medicine. Scoped and audited like the pages; the same services do the writes."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from phongdich.accounts.models import User
from phongdich.core.api import filtered, lookup, lookup_field, lookup_fields
from phongdich.core.pagination import keyset_page
from phongdich.core.scoping import require_permission
from phongdich.people.api import related_person
from phongdich.people.models import Person
from phongdich.people.selectors import name_people
from phongdich.places.models import Facility
from phongdich.surveillance.choices import Severity as ClinicalState
from phongdich.surveillance.models import Case

from ..choices import ContactKind, OrderKind, OrderStatus
from ..filtersets import IsolationOrderFilterSet
from ..models import IsolationOrder, MedicineKind
from ..selectors import order_for_reading
from ..services import (
    contact_record,
    household_order_create,
    medicine_deliver,
    order_assign,
    order_create,
    order_end,
    orders_in_scope,
)
from ..sites import SITE_FACILITY_KINDS

router = Router(tags=["care"])

LIST_RELATED = ("rules", "responsible")


class OrderOut(Schema):
    id: int
    person_id: int
    person_name: str | None = Field(description="The person's name, or a masked reference outside your jurisdiction.")
    unit_id: int
    kind: str
    status: str
    group_code: str = Field(description="Shared by the orders of a household ordered together.")
    household_id: int | None
    address: str
    site_id: int | None
    facility_id: int | None
    responsible_id: int | None
    responsible_name: str
    team: str
    starts_on: date
    planned_end: date
    monitor_until: date | None
    test_days: list[date]
    release_test: str
    rules_id: int
    rules_document: str
    condition: str
    condition_params: dict
    severity: str
    eligibility: dict
    case_id: int | None
    source_task_id: int | None
    ended_on: date | None
    end_reason: str
    end_params: dict

    @staticmethod
    def resolve_person_name(order, context) -> str | None:
        return related_person(order, "person_id", context)

    @staticmethod
    def resolve_responsible_name(order) -> str:
        return str(order.responsible) if order.responsible_id else ""

    @staticmethod
    def resolve_rules_document(order) -> str:
        return order.rules.source_document


class OrderPage(Schema):
    items: list[OrderOut]
    next_cursor: str | None


class ContactOut(Schema):
    id: int
    order_id: int
    kind: str
    done_at: datetime
    note: str
    done_by_id: int | None


class MedicineOut(Schema):
    id: int
    order_id: int
    kind_id: int
    kind_code: str
    quantity: int
    delivered_at: datetime
    delivered_by_id: int | None

    @staticmethod
    def resolve_kind_code(delivery) -> str:
        return delivery.kind.code


class OrderDetailOut(OrderOut):
    contacts: list[ContactOut]
    medicines: list[MedicineOut]

    @staticmethod
    def resolve_contacts(order) -> list:
        return list(order.contacts.all())

    @staticmethod
    def resolve_medicines(order) -> list:
        return list(order.medicines.select_related("kind"))


class OrderFilters(Schema):
    q: str | None = Field(None, description="A name, with or without diacritics.")
    kind: str | None = None
    status: str | None = None
    due: str | None = Field(None, description="today, overdue (active past its planned end) or week.")
    unit: int | None = None
    responsible: str | None = Field(None, description="me, or nobody (no health worker or team yet).")
    person: int | None = None


class MeasurementsIn(Schema):
    state: ClinicalState | None = Field(None, description="The clinical state at enrolment.")
    breathing_rate: int | None = Field(None, description="Breaths a minute.")
    spo2: int | None = Field(None, description="SpO₂ on room air, %.")
    chronic_stable: bool = Field(False, description="A chronic disease under stable treatment.")


class PlaceIn(Schema):
    starts_on: date
    site_id: int | None = Field(None, description="A concentrated site (its places are checked).")
    facility_id: int | None = Field(None, description="Default: the health station of the person's ward.")
    responsible_id: int | None = None
    team: str = ""
    address: str = Field("", description="Default: the household's address, or the site's.")


class OrderIn(PlaceIn):
    person_id: int
    kind: OrderKind
    case_id: int | None = Field(None, description="Default for an F0: their active case.")
    measurements: MeasurementsIn | None = None
    eligibility_override: str = Field(
        "", description="A doctor's reason to treat at home someone who fails a criterion."
    )


class HouseholdIn(PlaceIn):
    person_ids: list[int] = Field(min_length=1, max_length=50)
    kind: OrderKind


class EndIn(Schema):
    status: OrderStatus = Field(description="transferred, broken, died or moved_away (release needs its test).")
    ended_on: date
    reason: str = Field("", description="Where to, or why; a transfer needs it.")
    note: str = ""


class AssignIn(Schema):
    responsible_id: int | None = None
    team: str = ""
    facility_id: int | None = None


class ContactIn(Schema):
    kind: ContactKind
    done_at: datetime
    note: str = ""


class MedicineIn(Schema):
    kind: str = Field(description="The package's code (GET /care/medicine-kinds).")
    quantity: int = 1
    delivered_at: datetime


class MedicineKindOut(Schema):
    id: int
    code: str
    name: str
    contents: str
    active: bool


def _place(user, payload: PlaceIn) -> dict:
    """The place and carers a request names, each id resolved before any rule is checked."""
    return {
        "starts_on": payload.starts_on,
        "site": lookup_field(
            user, Facility.objects.filter(kind__in=SITE_FACILITY_KINDS), payload.site_id, "site_id", None
        ),
        "facility": lookup_field(
            user, Facility, payload.facility_id, "facility_id", None
        ),  # the service checks its kind
        "responsible": lookup_field(
            user, User.objects.filter(is_active=True), payload.responsible_id, "responsible_id", None
        ),
        "team": payload.team,
        "address": payload.address,
    }


@router.get("/orders", response=OrderPage, summary="Orders in the caller's jurisdiction or followed by their facility")
def list_orders(request, filters: Query[OrderFilters], cursor: str | None = None, limit: int = 50):
    require_permission(request.user, "care.view_isolationorder")
    orders = IsolationOrder.objects.visible_to(request.user).select_related(*LIST_RELATED)
    found = filtered(IsolationOrderFilterSet, filters.dict(), orders, request.user)
    rows, next_cursor = keyset_page(found, ("-id",), cursor, max(1, min(limit, 200)))
    return {"items": name_people(request.user, rows, person_ref="person_id"), "next_cursor": next_cursor}


@router.post("/orders", response={201: OrderOut}, summary="Order one person into isolation or home treatment")
def create_order(request, payload: OrderIn):
    require_permission(request.user, "care.add_isolationorder")
    user = request.user
    person = lookup_field(user, Person.objects.active(), payload.person_id, "person_id")
    case = lookup_field(user, Case, payload.case_id, "case_id")
    order = order_create(
        actor=user,
        person=person,
        kind=payload.kind,
        case=case,
        measurements=payload.measurements.dict() if payload.measurements else None,
        eligibility_override=payload.eligibility_override,
        **_place(user, payload),
    )
    return Status(201, order)


@router.post("/orders/household", response={201: list[OrderOut]}, summary="Order a household together, all or none")
def create_household_orders(request, payload: HouseholdIn):
    require_permission(request.user, "care.add_isolationorder")
    user = request.user
    people = lookup_fields(user, Person.objects.active(), payload.person_ids, "person_ids")
    orders = household_order_create(actor=user, people=people, kind=payload.kind, **_place(user, payload))
    return Status(201, orders)


@router.get("/orders/{int:order_id}", response=OrderDetailOut, summary="An order, its visits and medicine (audited)")
def read_order(request, order_id: int):
    require_permission(request.user, "care.view_isolationorder")
    return order_for_reading(request.user, order_id)


@router.post("/orders/{int:order_id}/end", response=OrderOut, summary="End an order other than by release")
def end_order(request, order_id: int, payload: EndIn):
    require_permission(request.user, "care.change_isolationorder")
    order = lookup(request.user, IsolationOrder, order_id, "change")
    return order_end(actor=request.user, order=order, **payload.dict())


@router.post("/orders/{int:order_id}/assign", response=OrderOut, summary="Who looks after an active order")
def assign_order(request, order_id: int, payload: AssignIn):
    require_permission(request.user, "care.change_isolationorder")
    user = request.user
    order = lookup(user, IsolationOrder, order_id, "change")
    return order_assign(
        actor=user,
        order=order,
        responsible=lookup_field(
            user, User.objects.filter(is_active=True), payload.responsible_id, "responsible_id", None
        ),
        team=payload.team,
        facility=lookup_field(user, Facility, payload.facility_id, "facility_id", None),
    )


@router.post("/orders/{int:order_id}/visits", response={201: ContactOut}, summary="Record a visit or a call")
def record_visit(request, order_id: int, payload: ContactIn):
    require_permission(request.user, "care.add_carecontact")
    order = lookup(request.user, orders_in_scope(request.user, "care.add_carecontact"), order_id, None)
    return Status(201, contact_record(actor=request.user, order=order, **payload.dict()))


@router.post("/orders/{int:order_id}/medicines", response={201: MedicineOut}, summary="Record a medicine package")
def record_medicine(request, order_id: int, payload: MedicineIn):
    require_permission(request.user, "care.add_medicinedelivery")
    user = request.user
    order = lookup(user, orders_in_scope(user, "care.add_medicinedelivery"), order_id, None)
    kind = MedicineKind.objects.filter(active=True, code=payload.kind).first()
    if kind is None:
        raise ValidationError({"kind": _("Choose a package in use.")})
    delivery = medicine_deliver(
        actor=user, order=order, kind=kind, quantity=payload.quantity, delivered_at=payload.delivered_at
    )
    return Status(201, delivery)


@router.get("/medicine-kinds", response=list[MedicineKindOut], summary="The medicine packages handed out")
def list_medicine_kinds(request):
    require_permission(request.user, "care.view_isolationorder")
    return list(MedicineKind.objects.order_by("code"))
