"""/api/v1/command/duty: the duty log's shifts and entries, the shift on duty in a unit, logging an entry, and the
briefings with their decisions. Scoped like the pages; the same services do the writes. Ids in the path answer 404
outside the caller's jurisdiction as for a missing record; ids in the body, 422 on their field. A case an entry
links to names its person inside the caller's jurisdiction, a masked reference outside it."""

from datetime import date, datetime

from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from phongdich.core.api import filtered, lookup, lookup_field
from phongdich.core.pagination import keyset_page
from phongdich.core.scoping import require_permission
from phongdich.surveillance.models import Case

from ..choices import EntryCategory, EntrySource
from ..models import Alert, Task
from .filtersets import BriefingFilterSet, EntryFilterSet, ShiftFilterSet
from .selectors import (
    briefings_where,
    decisions_with_tasks,
    duty_units,
    entries_visible_to,
    entry_rows,
    home_unit,
    name_cases,
    shift_on_duty,
    shift_rows,
    shifts_where,
)
from .services import entry_log

router = Router(tags=["command: duty log and briefings"])


class ShiftOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    starts_at: datetime
    ends_at: datetime
    lead_id: int
    lead_name: str
    officer_ids: list[int]
    handover_note: str
    handed_over_at: datetime | None
    received_by_id: int | None

    @staticmethod
    def resolve_unit_name(shift) -> str:
        return shift.unit.name

    @staticmethod
    def resolve_lead_name(shift) -> str:
        return str(shift.lead)

    @staticmethod
    def resolve_officer_ids(shift) -> list[int]:
        return [officer.pk for officer in shift.officers.all()]


class ShiftPage(Schema):
    items: list[ShiftOut]
    next_cursor: str | None


class ShiftFilters(Schema):
    day: date | None = Field(None, description="Shifts on duty at some time of this day.")
    unit: int | None = Field(None, description="Shifts of this unit or the units below it.")


@router.get("/shifts", response=ShiftPage, summary="Duty shifts in the caller's jurisdiction, the latest first")
def list_shifts(request, filters: Query[ShiftFilters], cursor: str | None = None, limit: int = 50):
    require_permission(request.user, "command.view_dutyshift")
    rows = filtered(ShiftFilterSet, filters.dict(), shifts_where(request.user), request.user)
    rows = shift_rows(rows).prefetch_related("officers")
    items, next_cursor = keyset_page(rows, ("-starts_at", "-id"), cursor, min(max(limit, 1), 200))
    return {"items": items, "next_cursor": next_cursor}


class CurrentShiftOut(Schema):
    unit_id: int
    shift: ShiftOut | None = Field(description="The shift on duty now; null when none is.")


@router.get("/shifts/current", response=CurrentShiftOut, summary="The shift on duty now in a unit")
def current_shift(request, unit: int | None = None):
    require_permission(request.user, "command.view_dutyshift")
    found = home_unit(request.user) if unit is None else duty_units(request.user).filter(pk=unit).first()
    if found is None:
        raise Http404
    return {"unit_id": found.pk, "shift": shift_on_duty(found)}


class EntryOut(Schema):
    id: int
    shift_id: int
    unit_id: int
    at: datetime
    source: str
    caller: str
    category: str
    content: str
    actions: str
    case_id: int | None
    case_person: str | None = Field(
        description="The case's person: a name inside your jurisdiction, a masked reference outside it."
    )
    task_id: int | None
    alert_id: int | None
    recorded_by_id: int | None

    @staticmethod
    def resolve_unit_id(entry) -> int:
        return entry.shift.unit_id

    @staticmethod
    def resolve_case_person(entry, context) -> str | None:
        if not entry.case_id:
            return None
        if not hasattr(entry, "case_ref"):
            name_cases(context["request"].user, [entry])
        return str(entry.case_ref)


class EntryPage(Schema):
    items: list[EntryOut]
    next_cursor: str | None


class EntryFilters(Schema):
    day: date | None = None
    category: EntryCategory | None = None
    source: EntrySource | None = None
    unit: int | None = Field(None, description="Entries of the shifts of this unit or the units below it.")
    shift: int | None = None


@router.get("/entries", response=EntryPage, summary="Duty log entries in the caller's jurisdiction, newest first")
def list_entries(request, filters: Query[EntryFilters], cursor: str | None = None, limit: int = 50):
    require_permission(request.user, "command.view_dutyentry")
    rows = filtered(EntryFilterSet, filters.dict(), entries_visible_to(request.user), request.user)
    items, next_cursor = keyset_page(entry_rows(rows), ("-at", "-id"), cursor, min(max(limit, 1), 200))
    return {"items": name_cases(request.user, items), "next_cursor": next_cursor}


class EntryIn(Schema):
    shift_id: int
    at: datetime = Field(description="When the call or report came in: inside the shift, from an hour before it.")
    source: EntrySource
    caller: str = ""
    category: EntryCategory
    content: str
    actions: str = ""
    case_id: int | None = None
    task_id: int | None = None
    alert_id: int | None = None


@router.post("/entries", response={201: EntryOut}, summary="Log an entry in a shift")
def create_entry(request, payload: EntryIn):
    require_permission(request.user, "command.add_dutyentry")
    user = request.user
    shift = lookup_field(user, shifts_where(user, "command.add_dutyentry"), payload.shift_id, "shift_id", None)
    case = lookup_field(user, Case, payload.case_id, "case_id")
    task = lookup_field(user, Task, payload.task_id, "task_id")
    alert = lookup_field(user, Alert, payload.alert_id, "alert_id")
    entry = entry_log(
        actor=user,
        shift=shift,
        at=payload.at,
        source=payload.source,
        caller=payload.caller,
        category=payload.category,
        content=payload.content,
        actions=payload.actions,
        case=case,
        task=task,
        alert=alert,
    )
    return Status(201, name_cases(user, list(entry_rows(entries_visible_to(user)).filter(pk=entry.pk)))[0])


class BriefingOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    held_at: datetime
    title: str
    chair: str
    status: str
    closed_at: datetime | None

    @staticmethod
    def resolve_unit_name(briefing) -> str:
        return briefing.unit.name


class BriefingPage(Schema):
    items: list[BriefingOut]
    next_cursor: str | None


class BriefingFilters(Schema):
    status: str | None = Field(None, description="planned, held or closed.")
    unit: int | None = None


@router.get("/briefings", response=BriefingPage, summary="Briefings in the caller's jurisdiction, the latest first")
def list_briefings(request, filters: Query[BriefingFilters], cursor: str | None = None, limit: int = 50):
    require_permission(request.user, "command.view_briefing")
    rows = filtered(BriefingFilterSet, filters.dict(), briefings_where(request.user), request.user)
    items, next_cursor = keyset_page(rows.select_related("unit"), ("-held_at", "-id"), cursor, min(max(limit, 1), 200))
    return {"items": items, "next_cursor": next_cursor}


class DecisionTaskOut(Schema):
    id: int
    title: str
    lead_id: int
    lead_name: str
    deadline: date
    status: str
    percent: int

    @staticmethod
    def resolve_lead_name(task) -> str:
        return str(task.lead)


class DecisionOut(Schema):
    id: int
    position: int
    text: str
    tasks: list[DecisionTaskOut]

    @staticmethod
    def resolve_tasks(decision) -> list:
        return list(decision.tasks.all())


class BriefingDetailOut(BriefingOut):
    agenda: str
    minutes: str
    absent_note: str
    attendee_ids: list[int]
    attendee_names: list[str]
    body_ids: list[int]
    body_names: list[str]
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_attendee_ids(briefing) -> list[int]:
        return [user.pk for user in briefing.attendee_list]

    @staticmethod
    def resolve_attendee_names(briefing) -> list[str]:
        return [str(user) for user in briefing.attendee_list]

    @staticmethod
    def resolve_body_ids(briefing) -> list[int]:
        return [body.pk for body in briefing.body_list]

    @staticmethod
    def resolve_body_names(briefing) -> list[str]:
        return [str(body) for body in briefing.body_list]

    @staticmethod
    def resolve_decisions(briefing) -> list:
        return decisions_with_tasks(briefing)


@router.get("/briefings/{int:briefing_id}", response=BriefingDetailOut, summary="A briefing with its decisions")
def read_briefing(request, briefing_id: int):
    require_permission(request.user, "command.view_briefing")
    briefing = lookup(request.user, briefings_where(request.user).select_related("unit"), briefing_id, None)
    briefing.attendee_list = list(briefing.attendees.order_by("full_name", "username"))
    briefing.body_list = list(briefing.attending_bodies.order_by("name"))
    return briefing
