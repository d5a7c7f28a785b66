from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from phongdich.core.scoping import has_permission_somewhere

from .choices import CheckInSource
from .services import MAX_BATCH, checkin_batch_ingest

router = Router(tags=["check-ins"])


class CheckInBatchIn(Schema):
    """Items are checked one by one by the service, so one malformed item cannot reject the batch."""

    source: CheckInSource = CheckInSource.SCANNER
    items: list[dict[str, Any]] = Field(max_length=MAX_BATCH)


class ItemResultOut(Schema):
    client_id: str
    status: str
    code: str = ""
    message: str = ""


class CheckInBatchOut(Schema):
    accepted: int
    duplicate: int
    rejected: int
    results: list[ItemResultOut]


@router.post("/batch", response=CheckInBatchOut, summary="Upload up to 1,000 check-ins; retries are idempotent")
def upload_checkins(request, payload: CheckInBatchIn):
    """Each item: `client_id` (unique, made by the device), `venue_token` (scanned from the venue's QR code),
    `id_number` or `phone` of the person, `checked_in_at` (ISO 8601; offline times are accepted within the
    configured age), optional `checked_out_at`."""
    if not has_permission_somewhere(request.user, "surveillance.add_checkin"):
        raise PermissionDenied(_("Your role does not record check-ins."))
    results = checkin_batch_ingest(actor=request.user, items=payload.items, source=payload.source)
    counts = {status: sum(1 for r in results if r.status == status) for status in ("accepted", "duplicate", "rejected")}
    return {**counts, "results": results}
