"""/api/v1/command/directives: directives and their points, the tasks they assign with their progress and
inspections, the overdue tasks, and reporting a task's progress (multipart, with attachments). Scoped like the
pages: a task is seen in the caller's jurisdiction or by the members of its bodies; an id outside what the caller
sees answers 404, as a missing one; ids in the body answer 422 on their field."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from phongdich.core import clock
from phongdich.core.api import filtered, lookup, lookup_field
from phongdich.core.pagination import keyset_page

from ..models import Body, DirectivePoint
from .filtersets import DirectiveFilterSet, TaskFilterSet
from .selectors import directives_visible_to, is_overdue, may_see, overdue_tasks, tasks_visible_to
from .services import progress_report

router = Router(tags=["command: directives and tasks"])


def _require_seeing(user, permission: str) -> None:
    if not may_see(user, permission):
        raise PermissionDenied(_("Your role does not allow this."))


class BodyRef(Schema):
    id: int
    name: str
    short_name: str
    unit_id: int


class TaskOut(Schema):
    id: int
    title: str
    unit_id: int = Field(description="The unit whose steering committee follows the task up.")
    directive_id: int | None
    point: str | None = Field(description="The directive point's number.")
    decision_id: int | None = Field(description="The briefing decision it comes from, if any.")
    lead: BodyRef
    coordinating: list[BodyRef]
    deadline: date
    expected_output: str
    status: str = Field(description="open (not started), in_progress, done or cancelled.")
    percent: int
    overdue: bool = Field(description="Open with its deadline passed, on the platform's day.")
    created_at: datetime
    done_at: datetime | None
    reminded_at: datetime | None

    @staticmethod
    def resolve_point(task) -> str | None:
        return task.point.number if task.point_id else None

    @staticmethod
    def resolve_coordinating(task) -> list:
        return sorted(task.coordinating.all(), key=lambda body: body.name)

    @staticmethod
    def resolve_overdue(task) -> bool:
        return is_overdue(task, clock.today())


class TaskPage(Schema):
    items: list[TaskOut]
    next_cursor: str | None


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    url: str

    @staticmethod
    def resolve_url(attachment) -> str:
        from django.urls import reverse

        return reverse("command:attachment", args=[attachment.pk])


class ProgressOut(Schema):
    id: int
    body_id: int
    body_name: str
    reported_at: datetime
    percent: int
    note: str
    status: str
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_body_name(progress) -> str:
        return progress.body.name

    @staticmethod
    def resolve_attachments(progress) -> list:
        return list(progress.attachments.all())


class InspectionOut(Schema):
    id: int
    inspected_on: date
    inspectors: str
    rating: str
    findings: str
    requests: str


class TaskDetailOut(TaskOut):
    progress: list[ProgressOut]
    inspections: list[InspectionOut]

    @staticmethod
    def resolve_progress(task) -> list:
        return list(task.progress.select_related("body").prefetch_related("attachments").order_by("-reported_at"))

    @staticmethod
    def resolve_inspections(task) -> list:
        return list(task.inspections.all())


class DirectiveOut(Schema):
    id: int
    unit_id: int
    number: str
    issued_on: date
    issuing_body: str
    title: str
    recipients: str
    has_source_file: bool

    @staticmethod
    def resolve_has_source_file(directive) -> bool:
        return bool(directive.source_file)


class DirectivePage(Schema):
    items: list[DirectiveOut]
    next_cursor: str | None


class PointOut(Schema):
    number: str
    text: str
    task_ids: list[int] = Field(description="The tasks of this point the caller sees.")

    @staticmethod
    def resolve_task_ids(point) -> list[int]:
        return [task.pk for task in point.visible_tasks]


class DirectiveDetailOut(DirectiveOut):
    text: str
    points: list[PointOut]

    @staticmethod
    def resolve_points(directive) -> list:
        return directive.points_list


class DirectiveFilters(Schema):
    q: str | None = Field(None, description="In the number or the title.")
    unit: int | None = Field(None, description="Directives issued for this unit or below it.")
    year: int | None = None


class TaskFilters(Schema):
    q: str | None = Field(None, description="In the task's title.")
    status: str | None = Field(None, description="open, in_progress, done or cancelled.")
    stage: str | None = Field(None, description="open (not started or in progress) or due_soon (within two days).")
    overdue: bool | None = Field(None, description="Only the open tasks past their deadline.")
    body: int | None = Field(None, description="Led or coordinated by this body.")
    directive: int | None = None


def _limit(limit: int) -> int:
    return min(max(limit, 1), 200)


def _task_rows(rows):
    return rows.select_related("point", "lead").prefetch_related("coordinating")


@router.get("", response=DirectivePage, summary="Directives the caller sees, the latest recorded first")
def list_directives(request, filters: Query[DirectiveFilters], cursor: str | None = None, limit: int = 50):
    _require_seeing(request.user, "command.view_directive")
    rows = filtered(DirectiveFilterSet, filters.dict(), directives_visible_to(request.user), request.user)
    items, next_cursor = keyset_page(rows, ("-id",), cursor, _limit(limit))
    return {"items": items, "next_cursor": next_cursor}


@router.get("/tasks", response=TaskPage, summary="Tasks the caller sees, by their filters")
def list_directive_tasks(request, filters: Query[TaskFilters], cursor: str | None = None, limit: int = 50):
    _require_seeing(request.user, "command.view_task")
    rows = filtered(TaskFilterSet, filters.dict(), tasks_visible_to(request.user), request.user)
    items, next_cursor = keyset_page(_task_rows(rows), ("id",), cursor, _limit(limit))
    return {"items": items, "next_cursor": next_cursor}


@router.get("/tasks/overdue", response=TaskPage, summary="Open tasks past their deadline, the caller sees")
def list_overdue_tasks(request, cursor: str | None = None, limit: int = 50):
    _require_seeing(request.user, "command.view_task")
    rows = _task_rows(overdue_tasks(request.user, clock.today()))
    items, next_cursor = keyset_page(rows, ("id",), cursor, _limit(limit))
    return {"items": items, "next_cursor": next_cursor}


@router.get("/tasks/{int:task_id}", response=TaskDetailOut, summary="A task with its progress and inspections")
def read_directive_task(request, task_id: int):
    _require_seeing(request.user, "command.view_task")
    return lookup(request.user, _task_rows(tasks_visible_to(request.user)), task_id, action=None)


@router.post(
    "/tasks/{int:task_id}/progress",
    response={201: ProgressOut},
    summary="Report a task's progress for one of its bodies (multipart, up to five attachments)",
)
def report_task_progress(
    request,
    task_id: int,
    body_id: Form[int],
    percent: Form[int],
    note: Form[str],
    status: Form[str] = "in_progress",
    files: File[list[UploadedFile]] = None,
):
    """`status`: in_progress or done (done at 100 percent closes the task). `files`: PDF, DOCX, XLSX, JPG or PNG,
    at most 10 MB each, recognised by their content. Only the members of the body reported for, or whoever may
    change the tasks of the task's unit, may report."""
    _require_seeing(request.user, "command.view_task")
    task = lookup(request.user, tasks_visible_to(request.user).select_related("unit", "lead"), task_id, action=None)
    bodies = [task.lead, *task.coordinating.all()]
    body = lookup_field(request.user, Body.objects.filter(pk__in=[b.pk for b in bodies]), body_id, "body_id", None)
    progress = progress_report(
        actor=request.user, task=task, body=body, percent=percent, note=note, status=status, files=files or []
    )
    return Status(201, progress)


@router.get("/{int:directive_id}", response=DirectiveDetailOut, summary="A directive with its points")
def read_directive(request, directive_id: int):
    _require_seeing(request.user, "command.view_directive")
    directive = lookup(request.user, directives_visible_to(request.user), directive_id, action=None)
    tasks = tasks_visible_to(request.user).order_by("pk")
    directive.points_list = list(
        DirectivePoint.objects.filter(directive=directive)
        .prefetch_related(Prefetch("tasks", queryset=tasks, to_attr="visible_tasks"))
        .order_by("position")
    )
    return directive
