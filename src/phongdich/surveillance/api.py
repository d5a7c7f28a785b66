from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from phongdich.core.api import filtered as _filtered
from phongdich.core.api import lookup, lookup_field, schema_shaped
from phongdich.core.pagination import keyset_page
from phongdich.core.scoping import has_permission_somewhere
from phongdich.core.scoping import require_permission as _require
from phongdich.people.api import related_person
from phongdich.people.models import Person
from phongdich.people.selectors import name_people

from .choices import (
    COUNTS_FOR_LEVEL,
    CaseStatus,
    CheckInSource,
    ClearReason,
    ClusterStatus,
    ConfirmationTest,
    ContactKind,
    ContactSource,
    ContactStatus,
    DetectionSetting,
    Severity,
    TaskOutcome,
)
from .filtersets import (
    CaseFilterSet,
    CheckInFilterSet,
    ClusterFilterSet,
    ContactFilterSet,
    TracingStateFilterSet,
    TracingTaskFilterSet,
)
from .models import Case, CheckIn, Cluster, Contact, TracingState, TracingTask, Trip
from .reasons import explain
from .selectors import (
    case_for_reading,
    cluster_graph,
    counts_by_unit,
    exposure_matches,
    exposures_named,
    level_history,
    rules_in_force,
    tracers_for,
)
from .services import (
    MAX_BATCH,
    case_confirm,
    case_status_set,
    checkin_batch_ingest,
    contact_record,
    contact_review,
    exposure_match_record,
    person_clear,
    task_assign,
    task_outcome_record,
)

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
    conflict: int
    rejected: int
    results: list[ItemResultOut]


class CheckInOut(Schema):
    id: int
    client_id: str
    venue_id: int
    unit_id: int
    person_id: int
    person_name: str
    checked_in_at: datetime
    checked_out_at: datetime | None
    source: str

    @staticmethod
    def resolve_person_name(checkin, context) -> str | None:
        return related_person(checkin, "person_id", context)


class CheckInPage(Schema):
    items: list[CheckInOut]
    next_cursor: str | None


class CheckInFilters(Schema):
    venue: int | None = None
    person: int | None = None
    unit: int | None = None
    since: datetime | None = None
    until: datetime | None = None


@router.get("", response=CheckInPage, summary="Check-ins at venues in the caller's jurisdiction")
def list_checkins(request, filters: Query[CheckInFilters], cursor: str | None = None, limit: int = 50):
    _require(request.user, "surveillance.view_checkin")
    params = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in filters.dict().items()}
    found = _filtered(CheckInFilterSet, params, CheckIn.objects.visible_to(request.user), request.user)
    rows, next_cursor = keyset_page(found, ("-id",), cursor, max(1, min(limit, 200)))
    return {"items": name_people(request.user, rows, person_ref="person_id"), "next_cursor": next_cursor}


@router.post("/batch", response=CheckInBatchOut, summary="Upload up to 1,000 check-ins; retries are idempotent")
def upload_checkins(request, payload: CheckInBatchIn):
    """Each item: `client_id` (made by the device, unique among what its API token sends), `venue_token`
    (scanned from the venue's QR code), `id_number` or `phone` of the person, `checked_in_at` (ISO 8601;
    offline times are accepted within the configured age), optional `checked_out_at`."""
    if not has_permission_somewhere(request.user, "surveillance.add_checkin"):
        raise PermissionDenied(_("Your role does not record check-ins."))
    sender = _checkin_sender(request)
    results = checkin_batch_ingest(actor=request.user, items=payload.items, source=payload.source, sender=sender)
    statuses = ("accepted", "duplicate", "conflict", "rejected")
    counts = {status: sum(1 for r in results if r.status == status) for status in statuses}
    return schema_shaped({**counts, "results": [asdict(result) for result in results]})


def _checkin_sender(request) -> str:
    """Whose client ids these are: the API token's public prefix (`pd_<prefix>_…`), so each device with its own
    token counts on its own; a browser session's account otherwise."""
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.count("_") >= 2:
        return f"token:{token.split('_', 2)[1][:12]}"
    return f"user:{request.user.pk}"


# ---- Cases, contacts, F-levels, tasks ---------------------------------------------------------------------

cases_router = Router(tags=["cases"])
contacts_router = Router(tags=["contacts"])
tracing_router = Router(tags=["tracing"])


class CaseOut(Schema):
    id: int
    code: str
    person_id: int
    person_name: str
    episode: int
    national_code: str
    unit_id: int
    confirmed_at: datetime
    confirmation_test: str
    sample_taken_at: datetime | None
    symptom_onset: date | None
    detection_setting: str
    counts_for_level: bool
    severity: str
    status: str
    status_changed_at: datetime | None
    isolated_at: datetime | None
    infectious_from: datetime
    source_case_id: int | None
    cluster_id: int | None

    @staticmethod
    def resolve_code(case) -> str:
        return str(case)

    @staticmethod
    def resolve_person_name(case, context) -> str | None:
        return related_person(case, "person_id", context)  # the person may have moved away since

    @staticmethod
    def resolve_counts_for_level(case) -> bool:
        return case.detection_setting in COUNTS_FOR_LEVEL


class CaseIn(Schema):
    person_id: int
    confirmed_at: datetime
    confirmation_test: ConfirmationTest
    detection_setting: DetectionSetting
    sample_taken_at: datetime | None = None
    symptom_onset: date | None = None
    severity: Severity = Severity.ASYMPTOMATIC
    isolated_at: datetime | None = None
    source_case_id: int | None = None
    national_code: str = ""
    notes: str = ""


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: str | None


class CaseFilters(Schema):
    q: str | None = None
    status: CaseStatus | None = None
    detection_setting: DetectionSetting | None = None
    unit: int | None = None
    confirmed_from: date | None = None
    confirmed_to: date | None = None


class CaseStatusIn(Schema):
    status: CaseStatus
    note: str = ""


class ExposureOut(Schema):
    checkin_id: int
    person_id: int
    person_name: str
    venue_id: int
    checked_in_at: datetime
    left_at: datetime
    case_checked_in_at: datetime
    case_left_at: datetime
    overlap_minutes: int


class MatchOut(Schema):
    new_contacts: int


@cases_router.get("", response=CasePage, summary="List cases (F0), newest first")
def list_cases(request, filters: Query[CaseFilters], cursor: str | None = None, limit: int = 25):
    _require(request.user, "surveillance.view_case")
    cases = _filtered(CaseFilterSet, filters.dict(), Case.objects.visible_to(request.user), request.user)
    rows, next_cursor = keyset_page(cases, ("-id",), cursor, max(1, min(limit, 100)))
    return {"items": name_people(request.user, rows, person_ref="person_id"), "next_cursor": next_cursor}


@cases_router.post("", response={201: CaseOut}, summary="Register a confirmed case; contacts are levelled at once")
def create_case(request, payload: CaseIn):
    _require(request.user, "surveillance.add_case")
    user, data = request.user, payload.dict()
    person = lookup_field(user, Person.objects.active(), data.pop("person_id"), "person_id")
    source = lookup_field(user, Case, data.pop("source_case_id") or None, "source_case_id")
    case = case_confirm(actor=user, person=person, source_case=source, **data)
    return Status(201, Case.objects.select_related("person").get(pk=case.pk))


def _case(user, case_id: int, action: str = "view") -> Case:
    return lookup(user, Case.objects.select_related("person", "unit"), case_id, action)


@cases_router.get("/{int:case_id}", response=CaseOut, summary="Read a case (audited)")
def read_case(request, case_id: int):
    return case_for_reading(request.user, case_id)


@cases_router.post("/{int:case_id}/status", response=CaseOut, summary="Close a case; downstream levels follow")
def set_case_status(request, case_id: int, payload: CaseStatusIn):
    case = case_status_set(actor=request.user, case=_case(request.user, case_id, "change"), **payload.dict())
    return Case.objects.select_related("person").get(pk=case.pk)


@cases_router.get("/{int:case_id}/exposures", response=list[ExposureOut], summary="Check-in exposures, on demand")
def list_exposures(request, case_id: int):
    case = _case(request.user, case_id, "change")
    exposures = exposure_matches(case, rules_in_force(timezone.localdate(case.confirmed_at)))
    return [{**asdict(exposure), "person_name": str(ref)} for exposure, ref in exposures_named(request.user, exposures)]


@cases_router.post("/{int:case_id}/exposures", response=MatchOut, summary="Record exposures as proposed contacts")
def record_exposures(request, case_id: int):
    return {"new_contacts": exposure_match_record(actor=request.user, case=_case(request.user, case_id, "change"))}


class ContactOut(Schema):
    id: int
    person_id: int
    person_name: str
    other_id: int
    other_name: str
    unit_id: int
    kind: str
    source: str
    status: str
    first_at: datetime
    last_at: datetime
    venue_id: int | None
    overlap_minutes: int | None
    dismissed_reason: str

    @staticmethod
    def resolve_person_name(contact, context) -> str | None:
        return related_person(contact, "person_id", context)

    @staticmethod
    def resolve_other_name(contact, context) -> str | None:
        return related_person(contact, "other_id", context)


class ContactIn(Schema):
    person_id: int
    other_id: int
    kind: ContactKind
    first_at: datetime
    last_at: datetime | None = None
    key: str = Field("", max_length=100, description="Your own id for this contact: a retry returns it.")


class ContactPage(Schema):
    items: list[ContactOut]
    next_cursor: str | None


class ContactFilters(Schema):
    status: ContactStatus | None = None
    kind: ContactKind | None = None
    source: ContactSource | None = None
    unit: int | None = None
    person: int | None = None


class ReviewIn(Schema):
    confirm: bool
    reason: str = ""


@contacts_router.get("", response=ContactPage, summary="List contacts")
def list_contacts(request, filters: Query[ContactFilters], cursor: str | None = None, limit: int = 25):
    _require(request.user, "surveillance.view_contact")
    contacts = _filtered(ContactFilterSet, filters.dict(), Contact.objects.visible_to(request.user), request.user)
    rows, next_cursor = keyset_page(contacts, ("-id",), cursor, max(1, min(limit, 100)))
    named = name_people(request.user, rows, person_ref="person_id", other_ref="other_id")
    return {"items": named, "next_cursor": next_cursor}


@contacts_router.post("", response={200: ContactOut, 201: ContactOut}, summary="Record a contact (idempotent by key)")
def create_contact(request, payload: ContactIn):
    _require(request.user, "surveillance.add_contact")
    people = Person.objects.active()
    person = lookup_field(request.user, people, payload.person_id, "person_id")
    other = lookup_field(request.user, people, payload.other_id, "other_id")
    key = f"api:{request.user.pk}:{payload.key}" if payload.key else ""
    contact, created = contact_record(
        actor=request.user,
        person=person,
        other=other,
        kind=payload.kind,
        first_at=payload.first_at,
        last_at=payload.last_at,
        key=key,
    )
    return Status(201 if created else 200, contact)


@contacts_router.post("/{int:contact_id}/review", response=ContactOut, summary="Confirm or dismiss (with a reason)")
def review_contact(request, contact_id: int, payload: ReviewIn):
    contact = lookup(request.user, Contact, contact_id, "change")
    return contact_review(actor=request.user, contact=contact, **payload.dict())


class LevelOut(Schema):
    person_id: int
    person_name: str
    unit_id: int
    level: int | None
    exposed_at: datetime | None
    level_since: datetime | None
    via_id: int | None
    via_name: str | None
    root_case_id: int | None
    cleared_at: datetime | None
    cleared_reason: str

    @staticmethod
    def resolve_person_name(state, context) -> str | None:
        return related_person(state, "person_id", context)

    @staticmethod
    def resolve_via_name(state, context) -> str | None:
        return related_person(state, "via_id", context)


class LevelPage(Schema):
    items: list[LevelOut]
    next_cursor: str | None


class LevelFilters(Schema):
    level: int | None = None
    unit: int | None = None
    new_today: bool | None = None
    not_reached: bool | None = None


class LevelChangeOut(Schema):
    from_level: int | None
    to_level: int | None
    at: datetime
    reason: str
    detail: str = Field(description="The cause in words, in the request's language (people outside your area masked)")
    actor: str

    @staticmethod
    def resolve_detail(change) -> str:
        return change.because


class UnitCountOut(Schema):
    unit_id: int
    unit_name: str
    commune_name: str | None
    count: int


class ClearIn(Schema):
    reason: ClearReason


@tracing_router.get("/levels", response=LevelPage, summary="People by F-level (new today, not yet reached, …)")
def list_levels(request, filters: Query[LevelFilters], cursor: str | None = None, limit: int = 25):
    _require(request.user, "surveillance.view_tracingstate")
    states = TracingState.objects.visible_to(request.user).filter(level__isnull=False)
    states = _filtered(TracingStateFilterSet, filters.dict(), states, request.user)
    rows, next_cursor = keyset_page(states, ("level", "id"), cursor, max(1, min(limit, 100)))
    named = name_people(request.user, rows, person_ref="person_id", via_ref="via_id")
    return {"items": named, "next_cursor": next_cursor}


@tracing_router.get("/levels/by-unit", response=list[UnitCountOut], summary="How many F1/F2/F3 per group")
def levels_by_unit(request, level: int = 2):
    _require(request.user, "surveillance.view_tracingstate")
    return list(counts_by_unit(request.user, level)[:1000])


def _state(user, person_id: int, action: str = "view") -> TracingState:
    return lookup(user, TracingState.objects.select_related("person"), person_id, action, by="person_id")


@tracing_router.get("/persons/{int:person_id}/history", response=list[LevelChangeOut], summary="F-level history")
def level_changes(request, person_id: int):
    _state(request.user, person_id)
    return explain(request.user, level_history(person_id, limit=200), html=False)


@tracing_router.post("/persons/{int:person_id}/clear", response=LevelOut, summary="Clear a contact (negative test…)")
def clear_person(request, person_id: int, payload: ClearIn):
    state = _state(request.user, person_id, "change")
    return person_clear(actor=request.user, person=state.person, reason=payload.reason)


class TaskOut(Schema):
    id: int
    person_id: int
    person_name: str
    unit_id: int
    level: int
    method: str
    assigned_to_id: int | None
    due_at: datetime
    done_at: datetime | None
    outcome: str
    note: str
    closed_because: str = Field("", description="Why the system closed the task (no longer a contact), in words")

    @staticmethod
    def resolve_person_name(task, context) -> str | None:
        return related_person(task, "person_id", context)

    @staticmethod
    def resolve_closed_because(task, context) -> str:
        if not hasattr(task, "because"):
            explain(context["request"].user, [task], reason="closed_reason", params="closed_params", html=False)
        return task.because


class TaskPage(Schema):
    items: list[TaskOut]
    next_cursor: str | None


class TaskFilters(Schema):
    state: str | None = None
    unit: int | None = None
    outcome: TaskOutcome | None = None
    mine: bool | None = None


class OutcomeIn(Schema):
    outcome: TaskOutcome
    note: str = ""


class AssignIn(Schema):
    user_id: int | None


@tracing_router.get("/tasks", response=TaskPage, summary="Door-to-door tasks (open, overdue, mine, …)")
def list_tasks(request, filters: Query[TaskFilters], cursor: str | None = None, limit: int = 25):
    _require(request.user, "surveillance.view_tracingtask")
    tasks = _filtered(TracingTaskFilterSet, filters.dict(), TracingTask.objects.visible_to(request.user), request.user)
    rows, next_cursor = keyset_page(tasks, ("id",), cursor, max(1, min(limit, 100)))
    named = name_people(request.user, rows, person_ref="person_id")
    explain(request.user, named, reason="closed_reason", params="closed_params", html=False)
    return {"items": named, "next_cursor": next_cursor}


def _task(user, task_id: int, action: str) -> TracingTask:
    return lookup(user, TracingTask.objects.select_related("person"), task_id, action)


@tracing_router.post("/tasks/{int:task_id}/outcome", response=TaskOut, summary="Record what happened")
def record_outcome(request, task_id: int, payload: OutcomeIn):
    return task_outcome_record(actor=request.user, task=_task(request.user, task_id, "change"), **payload.dict())


@tracing_router.post("/tasks/{int:task_id}/assign", response=TaskOut, summary="Assign to a team member")
def assign_task(request, task_id: int, payload: AssignIn):
    task = _task(request.user, task_id, "assign")
    assignee = lookup_field(request.user, tracers_for(task.unit), payload.user_id, "user_id", action=None)
    return task_assign(actor=request.user, task=task, assignee=assignee)


clusters_router = Router(tags=["clusters"])


class ClusterOut(Schema):
    id: int
    name: str
    unit_id: int
    venue_id: int | None
    organisation_id: int | None
    first_case_on: date
    last_case_on: date
    size: int
    status: str
    closed_on: date | None


class ClusterPage(Schema):
    items: list[ClusterOut]
    next_cursor: str | None


class ClusterFilters(Schema):
    q: str | None = None
    status: ClusterStatus | None = None
    unit: int | None = None
    min_size: int | None = None


class GraphNodeOut(Schema):
    person_id: int
    label: str
    level: int
    case_id: int | None
    parent: int | None
    x: float
    y: int


@clusters_router.get("", response=ClusterPage, summary="Clusters (ổ dịch), active first, latest case first")
def list_clusters(request, filters: Query[ClusterFilters], cursor: str | None = None, limit: int = 25):
    _require(request.user, "surveillance.view_cluster")
    found = _filtered(ClusterFilterSet, filters.dict(), Cluster.objects.visible_to(request.user), request.user)
    rows, next_cursor = keyset_page(found, ("-id",), cursor, max(1, min(limit, 100)))
    return {"items": rows, "next_cursor": next_cursor}


@clusters_router.get("/{int:cluster_id}/graph", response=list[GraphNodeOut], summary="The transmission graph, laid out")
def cluster_graph_nodes(
    request, cluster_id: int, max_level: int = 1, since: date | None = None, until: date | None = None
):
    cluster = lookup(request.user, Cluster, cluster_id)
    return cluster_graph(request.user, cluster, max(0, min(max_level, 3)), since, until)


trips_router = Router(tags=["trips"])


class TripOut(Schema):
    id: int
    kind: str
    code: str
    departed_at: datetime
    arrived_at: datetime
    origin: str
    unit_id: int
    passenger_ids: list[int]

    @staticmethod
    def resolve_passenger_ids(trip) -> list[int]:
        return [p.person_id for p in trip.passengers.all()]


class TripPage(Schema):
    items: list[TripOut]
    next_cursor: str | None


@trips_router.get("", response=TripPage, summary="Trips with an uploaded passenger list")
def list_trips(request, cursor: str | None = None, limit: int = 25):
    _require(request.user, "surveillance.view_trip")
    trips = Trip.objects.visible_to(request.user).prefetch_related("passengers")
    rows, next_cursor = keyset_page(trips, ("-id",), cursor, max(1, min(limit, 100)))
    return {"items": rows, "next_cursor": next_cursor}
