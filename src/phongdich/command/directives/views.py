"""The directives' pages: the directives and a directive with its points and their tasks, entering a directive (its
points read from its text, then edited), the tasks with their filters and the overdue ones, a task with its progress
reports, attachments and inspections, assigning a task, reporting progress, closing a task, recording an inspection,
and the bodies with their members.

A page opens for a role that grants seeing it somewhere, or for a member of a body (who sees its tasks); a record
outside what the user sees answers 404, as a missing one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import has_permission_somewhere, require_permission, scope_of
from phongdich.core.views import add_form_errors, post_action

from ..choices import OPEN_TASK_STATUSES
from ..models import Body, Directive, DirectivePoint, Task, TaskAttachment
from .filtersets import DirectiveFilterSet, TaskFilterSet
from .forms import (
    BodyForm,
    CloseForm,
    DirectiveForm,
    InspectionForm,
    MembersForm,
    ProgressForm,
    TaskForm,
    points_format,
    points_read,
)
from .selectors import (
    directives_visible_to,
    is_overdue,
    may_see,
    reporting_bodies,
    tasks_visible_to,
    with_task_counts,
)
from .services import (
    body_add,
    body_member_choices,
    body_members_set,
    directive_points_parse,
    directive_recipients_parse,
    directive_record,
    inspection_record,
    progress_report,
    task_assign,
    task_close,
)

PER_PAGE = 50


def _require_seeing(user, permission: str) -> None:
    if not may_see(user, permission):
        raise PermissionDenied(_("Your role does not allow this."))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _covers_or_below(user, permission: str, unit) -> bool:
    """Whether the user holds `permission` at `unit` or somewhere below it (a district may assign its own tasks
    under a province's directive)."""
    scope = scope_of(user, permission)
    return scope.covers_path(unit.path) or any(path.startswith(unit.path) for path in scope.unit_paths)


# -- Directives ---------------------------------------------------------------------------------------------------


def directives_view(request):
    _require_seeing(request.user, "command.view_directive")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    user = request.user
    visible = directives_visible_to(user)
    filterset = DirectiveFilterSet(request.GET, queryset=visible, user=user)
    rows = filterset.qs if filterset.is_valid() else visible.none()
    rows = with_task_counts(rows.select_related("unit"), user, clock.today()).order_by("-issued_on", "number", "pk")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "query": _query_without_page(request),
        "can_add": has_permission_somewhere(user, "command.add_directive"),
    }
    return render(request, "command/directives/list.html", context)


def _directive_for(request, pk) -> Directive:
    _require_seeing(request.user, "command.view_directive")
    return get_object_or_404(directives_visible_to(request.user).select_related("unit", "created_by"), pk=pk)


def directive_view(request, pk):
    directive = _directive_for(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    user = request.user
    tasks = tasks_visible_to(user).select_related("lead").prefetch_related("coordinating").order_by("deadline", "pk")
    points = list(
        DirectivePoint.objects.filter(directive=directive)
        .prefetch_related(Prefetch("tasks", queryset=tasks, to_attr="visible_tasks"))
        .order_by("position")
    )
    today = clock.today()
    loose = list(tasks.filter(directive=directive, point__isnull=True))
    for task in [*loose, *(task for point in points for task in point.visible_tasks)]:
        task.overdue = is_overdue(task, today)
    context = {
        "directive": directive,
        "points": points,
        "loose_tasks": loose,
        "recipient_bodies": list(directive.recipient_bodies.order_by("name")),
        "can_assign": _covers_or_below(user, "command.add_task", directive.unit),
    }
    return render(request, "command/directives/detail.html", context)


def directive_source_view(request, pk):
    """The directive's scanned source, for those who see the directive (never a public media URL)."""
    directive = _directive_for(request, pk)
    if not directive.source_file:
        raise Http404
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    audit.record(
        actor=request.user,
        action=AuditAction.READ,
        instance=directive,
        unit_path=directive.unit.path,
        detail={"file": directive.source_file.name},
    )
    extension = directive.source_file.name.rpartition(".")[2]
    name = f"{directive.number.replace('/', '-')}.{extension}"
    return FileResponse(directive.source_file.open("rb"), as_attachment=True, filename=name)


def directive_new_view(request):
    """Enter a directive: paste its text, read its points and recipients from it ("Read the points"), correct them,
    attach the scanned source, save."""
    require_permission(request.user, "command.add_directive")
    form = DirectiveForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and "read" in request.POST:
        text = request.POST.get("text", "")
        initial = {name: request.POST.get(name, "") for name in form.fields if name != "source_file"}
        initial["recipient_bodies"] = request.POST.getlist("recipient_bodies")
        initial["points"] = points_format(directive_points_parse(text))
        initial["recipients"] = directive_recipients_parse(text) or request.POST.get("recipients", "")
        form = DirectiveForm(initial=initial, user=request.user)  # a proposal to check, not judged yet
        messages.info(request, _("Points and recipients read from the text: check them, then save."))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        text_points = points_read(data["points"]) if data["points"].strip() else directive_points_parse(data["text"])
        try:
            directive = directive_record(
                actor=request.user,
                unit=data["unit"],
                number=data["number"],
                issued_on=data["issued_on"],
                issuing_body=data["issuing_body"],
                title=data["title"],
                text=data["text"],
                recipients=data["recipients"] or directive_recipients_parse(data["text"]),
                points=text_points,
                source_file=data["source_file"],
                recipient_bodies=list(data["recipient_bodies"]),
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Directive recorded with %(n)d points.") % {"n": len(text_points)})
            return redirect("command:directive", directive.pk)
    context = {"form": form, "title": _("Enter a directive"), "cancel_url": reverse("command:directives")}
    return render(request, "command/directives/form.html", context)


# -- Tasks --------------------------------------------------------------------------------------------------------


def _task_list(request, *, overdue: bool):
    _require_seeing(request.user, "command.view_task")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    user = request.user
    visible = tasks_visible_to(user)
    params = request.GET.copy()
    if overdue:
        params["overdue"] = "true"
    filterset = TaskFilterSet(params, queryset=visible, user=user)
    rows = filterset.qs if filterset.is_valid() else visible.none()
    rows = rows.select_related("unit", "lead", "directive", "point").prefetch_related("coordinating")
    page = Paginator(rows.order_by("deadline", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    today = clock.today()
    for task in page:
        task.overdue = is_overdue(task, today)
    context = {
        "filter": filterset,
        "page": page,
        "query": _query_without_page(request),
        "overdue_view": overdue,
        "today": today,
    }
    return render(request, "command/directives/tasks.html", context)


def tasks_view(request):
    return _task_list(request, overdue=False)


def tasks_overdue_view(request):
    return _task_list(request, overdue=True)


def _task_for(request, pk) -> Task:
    _require_seeing(request.user, "command.view_task")
    rows = tasks_visible_to(request.user).select_related("unit", "lead", "directive", "point", "decision__briefing")
    return get_object_or_404(rows, pk=pk)


def task_view(request, pk):
    task = _task_for(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    user = request.user
    progress = task.progress.select_related("body", "reported_by").prefetch_related("attachments")
    open_ = task.status in OPEN_TASK_STATUSES
    can_close = open_ and scope_of(user, "command.change_task").covers_path(task.unit.path)
    context = {
        "task": task,
        "overdue": is_overdue(task, clock.today()),
        "coordinating": list(task.coordinating.order_by("name")),
        "progress": list(progress.order_by("-reported_at", "-pk")),
        "inspections": list(task.inspections.select_related("recorded_by")),
        "can_report": open_ and bool(reporting_bodies(user, task)),
        "can_inspect": scope_of(user, "command.add_inspection").covers_path(task.unit.path),
        "close_form": CloseForm() if can_close else None,
    }
    return render(request, "command/directives/task.html", context)


def task_new_view(request):
    """Assign a task, from a directive's point (?point=), from a directive (?directive=), or standing alone."""
    require_permission(request.user, "command.add_task")
    user = request.user
    point = directive = None
    if point_id := request.GET.get("point"):
        visible = directives_visible_to(user)
        point = get_object_or_404(
            DirectivePoint.objects.select_related("directive__unit").filter(directive__in=visible),
            pk=point_id if str(point_id).isdigit() else 0,
        )
        directive = point.directive
    elif directive_id := request.GET.get("directive"):
        directive = get_object_or_404(
            directives_visible_to(user).select_related("unit"), pk=directive_id if directive_id.isdigit() else 0
        )
    within = directive.unit if directive is not None else None
    initial = {"title": point.text[:400]} if point is not None else {}
    form = TaskForm(request.POST or None, user=user, within=within, initial=initial)
    if directive is not None and not form.fields["unit"].queryset.exists():
        raise Http404  # nowhere under the directive's unit to assign its tasks from
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = task_assign(
                actor=user,
                unit=data["unit"],
                title=data["title"],
                lead=data["lead"],
                deadline=data["deadline"],
                coordinating=list(data["coordinating"]),
                expected_output=data["expected_output"],
                directive=directive,
                point=point,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Task assigned to %(body)s.") % {"body": task.lead.name})
            return redirect("command:task", task.pk)
    cancel = reverse("command:directive", args=[directive.pk]) if directive else reverse("command:tasks")
    context = {"form": form, "title": _("Assign a task"), "cancel_url": cancel, "directive": directive, "point": point}
    return render(request, "command/directives/task_form.html", context)


def task_progress_view(request, pk):
    """Report a task's progress for one of its bodies, with attachments."""
    task = _task_for(request, pk)
    bodies = reporting_bodies(request.user, task)
    if not bodies:
        raise PermissionDenied(_("Only the members of the task's bodies report its progress."))
    if task.status not in OPEN_TASK_STATUSES:
        messages.error(request, _("This task is closed: nothing more is reported on it."))
        return redirect("command:task", task.pk)
    form = ProgressForm(
        request.POST or None,
        request.FILES or None,
        bodies=bodies,
        initial={"body": bodies[0].pk, "percent": task.percent},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            progress_report(
                actor=request.user,
                task=task,
                body=data["body"],
                percent=data["percent"],
                note=data["note"],
                status=data["status"],
                files=data["files"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Progress reported."))
            return redirect("command:task", task.pk)
    context = {
        "form": form,
        "task": task,
        "title": _("Report progress"),
        "cancel_url": reverse("command:task", args=[task.pk]),
    }
    return render(request, "command/directives/progress_form.html", context)


@require_POST
def task_close_view(request, pk):
    require_permission(request.user, "command.change_task")
    task = get_object_or_404(Task.objects.restrict(request.user, "change"), pk=pk)
    post_action(
        request,
        CloseForm(request.POST),
        lambda data: task_close(actor=request.user, task=task, **data),
        _("Task closed."),
    )
    return redirect("command:task", task.pk)


def task_inspection_view(request, pk):
    require_permission(request.user, "command.add_inspection")
    task = _task_for(request, pk)
    if not scope_of(request.user, "command.add_inspection").covers_path(task.unit.path):
        raise Http404
    form = InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspection_record(actor=request.user, task=task, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Inspection recorded."))
            return redirect("command:task", task.pk)
    context = {
        "form": form,
        "task": task,
        "title": _("Record an inspection"),
        "cancel_url": reverse("command:task", args=[task.pk]),
    }
    return render(request, "command/directives/inspection_form.html", context)


def attachment_view(request, pk):
    """A progress report's attachment, for those who see the task (never a public media URL); each download is
    audited with the task's unit."""
    _require_seeing(request.user, "command.view_task")
    tasks = tasks_visible_to(request.user).values("pk")
    attachment = get_object_or_404(
        TaskAttachment.objects.select_related("progress__task__unit").filter(progress__task__in=tasks), pk=pk
    )
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    task = attachment.progress.task
    audit.record(
        actor=request.user,
        action=AuditAction.READ,
        instance=attachment,
        object_repr=attachment.name,
        unit_path=task.unit.path,
        detail={"task": task.pk, "progress": attachment.progress_id},
    )
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    return response


# -- Bodies -------------------------------------------------------------------------------------------------------


def bodies_view(request):
    require_permission(request.user, "command.view_body")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    user = request.user
    rows = Body.objects.visible_to(user).select_related("unit")
    if q := request.GET.get("q", "").strip():
        rows = rows.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    open_led = Q(led_tasks__status__in=OPEN_TASK_STATUSES)
    rows = rows.annotate(
        n_members=Count("members", distinct=True),
        n_open=Count("led_tasks", filter=open_led, distinct=True),
        n_overdue=Count("led_tasks", filter=open_led & Q(led_tasks__deadline__lt=clock.today()), distinct=True),
    ).order_by("unit__path", "name")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "query": _query_without_page(request),
        "can_add": has_permission_somewhere(user, "command.add_body"),
    }
    return render(request, "command/directives/bodies.html", context)


def body_view(request, pk):
    require_permission(request.user, "command.view_body")
    user = request.user
    body = get_object_or_404(Body.objects.visible_to(user).select_related("unit"), pk=pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    today = clock.today()
    coordinated = Task.coordinating.through.objects.filter(body_id=body.pk).values("task_id")
    tasks = list(
        tasks_visible_to(user)
        .filter(Q(lead=body) | Q(pk__in=coordinated), status__in=OPEN_TASK_STATUSES)
        .select_related("lead", "directive")
        .prefetch_related("coordinating")
        .order_by("deadline", "pk")[:PER_PAGE]
    )
    for task in tasks:
        task.overdue = is_overdue(task, today)
    context = {
        "body": body,
        "members": list(body.members.order_by("full_name", "username")),
        "tasks": tasks,
        "can_change": Body.objects.restrict(user, "change").filter(pk=pk).exists(),
    }
    return render(request, "command/directives/body.html", context)


def body_new_view(request):
    require_permission(request.user, "command.add_body")
    form = BodyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            body = body_add(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Body added."))
            return redirect("command:body", body.pk)
    context = {"form": form, "title": _("Add a body"), "cancel_url": reverse("command:bodies")}
    return render(request, "core/form.html", context)


def body_members_view(request, pk):
    require_permission(request.user, "command.change_body")
    body = get_object_or_404(Body.objects.restrict(request.user, "change").select_related("unit"), pk=pk)
    form = MembersForm(
        request.POST or None,
        choices=body_member_choices(body),
        initial={"members": list(body.members.values_list("pk", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            body_members_set(actor=request.user, body=body, members=list(form.cleaned_data["members"]))
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Members saved."))
            return redirect("command:body", body.pk)
    context = {
        "form": form,
        "title": _("Members of %(body)s") % {"body": body.name},
        "cancel_url": reverse("command:body", args=[body.pk]),
    }
    return render(request, "core/form.html", context)
