"""/api/v1/care/release: who is due for release and what they lack, and the release itself. Scoped like the
pages; the release goes through the same service."""

from datetime import date

from django.urls import reverse
from ninja import Query, Router, Schema

from phongdich.core import clock
from phongdich.core.api import filtered, lookup
from phongdich.core.pagination import keyset_page
from phongdich.core.scoping import require_permission
from phongdich.people.selectors import name_people

from ..choices import OrderKind, ReleaseTest
from ..models import IsolationOrder
from ..release import DueFilterSet, DueState, Readiness, due_orders, readiness_of, release_check
from ..services.release import certificate_check_url, order_release

router = Router(tags=["care"])


class ReadinessOut(Schema):
    order_id: int
    person_id: int
    person_name: str
    unit_id: int
    kind: OrderKind
    status: str
    planned_end: date
    release_test: ReleaseTest
    test_from: date | None
    due: bool
    ready: bool
    missing: list[str]
    missed_test_days: list[date]
    sample_id: int | None


class DuePage(Schema):
    items: list[ReadinessOut]
    next_cursor: str | None


class DueFilters(Schema):
    unit: int | None = None
    state: DueState | None = None
    kind: OrderKind | None = None


class ReleaseIn(Schema):
    released_on: date | None = None


class ReleasedOut(Schema):
    order_id: int
    status: str
    ended_on: date
    release_sample_id: int | None
    certificate_code: str
    certificate_pdf: str
    check_url: str


def _out(readiness: Readiness, person_name: str) -> dict:
    order = readiness.order
    return {
        "order_id": order.pk,
        "person_id": order.person_id,
        "person_name": person_name,
        "unit_id": order.unit_id,
        "kind": order.kind,
        "status": order.status,
        "planned_end": order.planned_end,
        "release_test": order.release_test,
        "test_from": readiness.test_from,
        "due": readiness.due,
        "ready": readiness.ready,
        "missing": readiness.missing,
        "missed_test_days": readiness.missed_test_days,
        "sample_id": readiness.sample.id if readiness.sample else None,
    }


@router.get("/due", response=DuePage, summary="Orders due for release today or overdue, what they lack; by id")
def list_due(request, filters: Query[DueFilters], cursor: str | None = None, limit: int = 50):
    require_permission(request.user, "care.view_isolationorder")
    today = clock.today()
    found = filtered(DueFilterSet, filters.dict(), due_orders(request.user, today), request.user)
    rows, next_cursor = keyset_page(found, ("id",), cursor, max(1, min(limit, 200)))
    name_people(request.user, rows, person_ref="person_id")
    readiness = readiness_of(rows, today)
    return {"items": [_out(readiness[row.pk], str(row.person_ref)) for row in rows], "next_cursor": next_cursor}


@router.get("/orders/{int:order_id}", response=ReadinessOut, summary="What an order lacks for release today")
def read_readiness(request, order_id: int):
    require_permission(request.user, "care.view_isolationorder")
    order = lookup(request.user, IsolationOrder.objects.select_related("rules"), order_id)
    name_people(request.user, [order], person_ref="person_id")
    return _out(release_check(order, clock.today()), str(order.person_ref))


@router.post("/orders/{int:order_id}", response=ReleasedOut, summary="Release the person; the certificate is issued")
def release(request, order_id: int, payload: ReleaseIn):
    """Refused (422) with what is missing when the order is not due or its release test is not recorded."""
    require_permission(request.user, "care.change_isolationorder")
    order = lookup(request.user, IsolationOrder, order_id, "change")
    order = order_release(actor=request.user, order=order, released_on=payload.released_on)
    return {
        "order_id": order.pk,
        "status": order.status,
        "ended_on": order.ended_on,
        "release_sample_id": order.release_sample_id,
        "certificate_code": order.certificate_code,
        "certificate_pdf": request.build_absolute_uri(reverse("care:release_certificate", args=[order.pk])),
        "check_url": certificate_check_url(order),
    }
