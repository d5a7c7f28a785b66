import csv
import io
import re
import uuid
from datetime import timedelta
from itertools import islice

import segno
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.exports import refused_lines_download
from phongdich.core.import_flow import upload_for, upload_keep
from phongdich.core.imports import FileFormatError, guess_mapping
from phongdich.core.ratelimit import allow, client_ip
from phongdich.core.scoping import has_permission_somewhere, require_permission
from phongdich.core.views import (
    ScopedListView,
    add_form_errors,
    post_action,
    rules_page,
    run_import_again,
    service_form,
)
from phongdich.people.models import Person
from phongdich.people.selectors import name_people
from phongdich.places.forms import units_for
from phongdich.places.models import Venue

from .choices import ImportStatus, ListKind
from .filtersets import CaseFilterSet, ClusterFilterSet, TracingStateFilterSet, TracingTaskFilterSet, TripFilterSet
from .forms import (
    CaseForm,
    CaseStatusForm,
    ClearForm,
    ContactForm,
    GraphForm,
    MappingForm,
    ReviewForm,
    TaskAssignForm,
    TaskOutcomeForm,
    TracingRulesForm,
    TripForm,
)
from .importers import (
    CASE_COLUMNS,
    CONTACT_COLUMNS,
    PASSENGER_COLUMNS,
    UPLOAD_KINDS,
    list_import_resume,
    list_import_start,
)
from .models import (
    IMPORT_PERMISSIONS,
    Case,
    Cluster,
    Contact,
    ListImport,
    TracingRules,
    TracingState,
    TracingTask,
    Trip,
)
from .reasons import explain
from .selectors import (
    case_contacts,
    case_for_reading,
    cluster_graph,
    counts_by_unit,
    declared_near,
    exposure_matches,
    exposures_named,
    rules_in_force,
    tracers_for,
    walking_list_tasks,
)
from .services import (
    case_confirm,
    case_status_set,
    checkin_self_record,
    contact_record,
    contact_review,
    exposure_match_record,
    person_card_text,
    person_clear,
    task_assign,
    task_outcome_record,
    tracing_rules_add,
)
from .tables import CaseTable, ClusterTable, TracingStateTable, TracingTaskTable, TripTable


class CaseListView(ScopedListView):
    model = Case
    filterset_class = CaseFilterSet
    table_class = CaseTable
    permission = "surveillance.view_case"
    title = gettext_lazy("Cases (F0)")
    template_name = "surveillance/cases.html"

    def base_queryset(self):
        return super().base_queryset().select_related("person", "unit__parent").order_by("-confirmed_at", "-id")

    def extra_context(self):
        return {
            "can_import_cases": has_permission_somewhere(self.request.user, "surveillance.add_case"),
            "can_import_contacts": has_permission_somewhere(self.request.user, "surveillance.add_contact"),
        }


class ClusterListView(ScopedListView):
    model = Cluster
    filterset_class = ClusterFilterSet
    table_class = ClusterTable
    permission = "surveillance.view_cluster"
    title = gettext_lazy("Clusters")

    def base_queryset(self):
        return super().base_queryset().select_related("unit__parent").order_by("status", "-last_case_on", "-id")


def cluster_detail(request, pk):
    """A cluster and its transmission graph, filtered by depth (F0 only … F3) and by confirmation dates."""
    require_permission(request.user, "surveillance.view_cluster")
    cluster = get_object_or_404(Cluster.objects.visible_to(request.user).select_related("unit"), pk=pk)
    form = GraphForm(request.GET or None)
    options = form.cleaned_data if form.is_valid() else {"max_level": 1, "since": None, "until": None}
    nodes = cluster_graph(request.user, cluster, **options)
    by_person = {node.person_id: node for node in nodes}
    edges = [(by_person[n.parent], n) for n in nodes if n.parent in by_person]
    width = max((n.x for n in nodes), default=0) * GRAPH_STEP_X + 2 * GRAPH_MARGIN
    height = max((n.y for n in nodes), default=0) * GRAPH_STEP_Y + 2 * GRAPH_MARGIN
    context = {
        "cluster": cluster,
        "form": form,
        "nodes": nodes,
        "edges": edges,
        "width": width,
        "height": height,
        "step_x": GRAPH_STEP_X,
        "step_y": GRAPH_STEP_Y,
        "margin": GRAPH_MARGIN,
    }
    return render(request, "surveillance/cluster_detail.html", context)


GRAPH_STEP_X, GRAPH_STEP_Y, GRAPH_MARGIN = 22, 80, 20


class TripListView(ScopedListView):
    model = Trip
    filterset_class = TripFilterSet
    table_class = TripTable
    permission = "surveillance.view_trip"
    title = gettext_lazy("Trips with a passenger list")
    template_name = "surveillance/trips.html"

    def base_queryset(self):
        return (super().base_queryset().select_related("unit").annotate(passenger_count=Count("passengers"))).order_by(
            "-departed_at", "-id"
        )

    def extra_context(self):
        return {"can_import": has_permission_somewhere(self.request.user, "surveillance.add_contact")}


class LevelListView(ScopedListView):
    model = TracingState
    filterset_class = TracingStateFilterSet
    table_class = TracingStateTable
    permission = "surveillance.view_tracingstate"
    title = gettext_lazy("Contacts by F-level")
    template_name = "surveillance/levels.html"

    def base_queryset(self):
        return (super().base_queryset().filter(level__isnull=False).select_related("person", "unit__parent")).order_by(
            "level", "-level_since", "id"
        )


class TaskListView(ScopedListView):
    model = TracingTask
    filterset_class = TracingTaskFilterSet
    table_class = TracingTaskTable
    permission = "surveillance.view_tracingtask"
    title = gettext_lazy("Door-to-door tasks")
    template_name = "surveillance/tasks.html"

    def base_queryset(self):
        return super().base_queryset().select_related("person", "assigned_to", "unit").order_by("done_at", "due_at")


def levels_by_unit(request):
    require_permission(request.user, "surveillance.view_tracingstate")
    level = int(request.GET.get("level", 2)) if request.GET.get("level", "2") in {"1", "2", "3"} else 2
    rows = list(counts_by_unit(request.user, level)[:500])
    return render(request, "surveillance/levels_by_unit.html", {"rows": rows, "level": level})


def case_create(request, person_pk):
    require_permission(request.user, "surveillance.add_case")
    person = get_object_or_404(Person.objects.visible_to(request.user).active(), pk=person_pk)
    form = CaseForm(request.POST or None, initial={"confirmed_at": timezone.localtime(clock.now()).replace(second=0)})
    return service_form(
        request,
        form,
        lambda data: case_confirm(actor=request.user, person=person, **data),
        title=_("Register %(name)s as a confirmed case (F0)") % {"name": person.full_name},
        success_message=_("Case registered; contacts are being levelled and check-ins matched."),
        success_url=lambda case: reverse("surveillance:case", args=[case.pk]),
        cancel_url=person.get_absolute_url(),
    )


def case_detail(request, pk):
    require_permission(request.user, "surveillance.view_case")
    try:
        case = case_for_reading(request.user, pk)
    except Case.DoesNotExist as error:
        raise Http404 from error
    can_change = Case.objects.restrict(request.user, "change").filter(pk=pk).exists()
    name_people(request.user, [case], person_ref="person_id")  # the person may have moved away since
    rules = rules_in_force(timezone.localdate(case.confirmed_at))
    exposures = exposure_matches(case, rules) if request.GET.get("exposures") else None
    context = {
        "case": case,
        "contacts": case_contacts(request.user, case),
        "can_change": can_change,
        "status_form": CaseStatusForm(),
        "contact_form": ContactForm(user=request.user),
        "review_form": ReviewForm(),
        "exposures": exposures_named(request.user, exposures) if exposures is not None else None,
        "declared": declared_near(request.user, case, rules) if exposures is not None else [],
    }
    return render(request, "surveillance/case_detail.html", context)


@require_POST
def case_status(request, pk):
    case = get_object_or_404(Case.objects.restrict(request.user, "change"), pk=pk)
    post_action(
        request,
        CaseStatusForm(request.POST),
        lambda data: case_status_set(actor=request.user, case=case, **data),
        _("Case closed; contacts re-levelled."),
    )
    return redirect("surveillance:case", pk=case.pk)


@require_POST
def case_exposures(request, pk):
    case = get_object_or_404(Case.objects.restrict(request.user, "change"), pk=pk)
    new = exposure_match_record(actor=request.user, case=case)
    messages.success(request, _("%(n)d new proposed contacts from check-ins.") % {"n": new})
    return redirect("surveillance:case", pk=case.pk)


def case_contact_add(request, pk):
    require_permission(request.user, "surveillance.add_contact")
    case = get_object_or_404(Case.objects.visible_to(request.user).select_related("person"), pk=pk)
    form = ContactForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact_record(
                actor=request.user,
                person=data["number"],
                other=case.person,
                kind=data["kind"],
                first_at=data["first_at"],
                last_at=data["last_at"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Contact recorded."))
            return redirect("surveillance:case", pk=case.pk)
    return render(
        request,
        "core/form.html",
        {"form": form, "title": _("Add a contact of %(case)s") % {"case": case}, "cancel_url": case.get_absolute_url()},
    )


@require_POST
def contact_decide(request, pk):
    contact = get_object_or_404(Contact.objects.restrict(request.user, "change"), pk=pk)
    post_action(
        request,
        ReviewForm(request.POST),
        lambda data: contact_review(actor=request.user, contact=contact, **data),
        _("Contact updated."),
    )
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return redirect(back if back and safe else reverse("surveillance:levels"))


@require_POST
def clear(request, person_pk):
    state = get_object_or_404(TracingState.objects.restrict(request.user, "change"), person_id=person_pk)
    post_action(
        request,
        ClearForm(request.POST),
        lambda data: person_clear(actor=request.user, person=state.person, reason=data["reason"]),
        _("Cleared; the people they met were re-levelled."),
    )
    return redirect("people:detail", pk=person_pk)


def task_detail(request, pk):
    task = get_object_or_404(TracingTask.objects.visible_to(request.user).select_related("person", "unit"), pk=pk)
    can_assign = TracingTask.objects.restrict(request.user, "assign").filter(pk=pk).exists()
    action = request.POST.get("action") if request.method == "POST" else None
    outcome_form = TaskOutcomeForm(request.POST if action == "outcome" else None)
    assign_form = TaskAssignForm(
        request.POST if action == "assign" else None,
        tracers=tracers_for(task.unit),
        initial={"assignee": task.assigned_to_id},
    )
    form = {"outcome": outcome_form, "assign": assign_form}.get(action or "")
    if form is not None and form.is_valid():
        try:
            if action == "outcome":
                task_outcome_record(actor=request.user, task=task, **outcome_form.cleaned_data)
                messages.success(request, _("Outcome recorded."))
                return redirect(f"{reverse('surveillance:tasks')}?state=open&unit={task.unit_id}")
            task_assign(actor=request.user, task=task, assignee=assign_form.cleaned_data["assignee"])
            messages.success(request, _("Task assigned."))
            return redirect("surveillance:task", pk=task.pk)
        except ValidationError as error:
            add_form_errors(form, error)
    name_people(request.user, [task], person_ref="person_id")  # the person may have moved away since
    explain(request.user, [task], reason="closed_reason", params="closed_params")
    context = {"task": task, "outcome_form": outcome_form, "assign_form": assign_form, "can_assign": can_assign}
    return render(request, "surveillance/task_detail.html", context)


def walking_list(request, unit_pk):
    """A printable list of one group's open tasks, in address order, for the team walking door to door."""
    require_permission(request.user, "surveillance.view_tracingtask")
    unit = get_object_or_404(units_for(request.user, "surveillance.view_tracingtask"), pk=unit_pk)
    tasks = walking_list_tasks(request.user, unit)
    return render(request, "surveillance/walking_list.html", {"unit": unit, "tasks": tasks, "now": clock.now()})


def checkin_page(request, token):
    """The public page a phone opens from a venue's QR code: check in by phone, CCCD/CMND or personal QR."""
    venue = Venue.objects.select_related("unit__parent").filter(key=_venue_key(token), active=True).first()
    context = {"venue": venue, "visit": request.POST.get("visit") or uuid.uuid4().hex, "number": ""}
    status = 200 if venue else 404
    if request.method == "POST" and venue is not None:
        number = request.POST.get("number", "")
        if not _checkin_allowed(request, number):
            context.update(number=number, error=_("Too many check-ins from here. Please wait a few minutes."))
            return render(request, "surveillance/checkin.html", context, status=429)
        result = checkin_self_record(venue_token=token, number=number, client_id=f"web-{context['visit']}")
        if result.status == "rejected":
            context.update(number=number, error=result.message)
        else:
            context["done"] = clock.now()
    return render(request, "surveillance/checkin.html", context, status=status)


def _checkin_allowed(request, number: str) -> bool:
    """Per client address, and per number typed, within a window shared by all workers. The number counts by its
    last nine digits, so 0912 345 678 and +84912345678 are one number."""
    limits = {f"checkin-ip:{client_ip(request)}": settings.PHONGDICH_CHECKIN_LIMIT_PER_CLIENT}
    if digits := re.sub(r"\D", "", number)[-9:]:
        limits[f"checkin-number:{digits}"] = settings.PHONGDICH_CHECKIN_LIMIT_PER_NUMBER
    return allow(limits, window=timedelta(minutes=settings.PHONGDICH_CHECKIN_LIMIT_WINDOW_MINUTES))


def _venue_key(token: str) -> str | None:
    try:
        return signing.Signer(salt=settings.PHONGDICH_VENUE_TOKEN_SALT).unsign(token)
    except signing.BadSignature:
        return None


def person_card(request, person_pk):
    """A printable personal QR card, for residents who check in without a phone of their own."""
    require_permission(request.user, "people.change_person")
    person = get_object_or_404(Person.objects.restrict(request.user, "change").select_related("unit"), pk=person_pk)
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        instance=person,
        person_id=person.pk,
        unit_path=person.unit.path,
        detail={"document": "personal QR card"},
    )
    qr = segno.make(person_card_text(person), error="q", micro=False)
    context = {"person": person, "qr_svg": qr.svg_inline(scale=6, border=2, title=person.full_name)}
    return render(request, "surveillance/person_card.html", context)


# ---- Imports: upload, match the file's columns, queue it; the report page follows its progress --------------


# kind: (fields, permission, title, form for what the file does not say)
IMPORTS = {
    ListKind.CASES: (CASE_COLUMNS, "surveillance.add_case", gettext_lazy("Import a case line list"), None),
    ListKind.CONTACTS: (CONTACT_COLUMNS, "surveillance.add_contact", gettext_lazy("Import contacts"), None),
    ListKind.MANIFEST: (
        PASSENGER_COLUMNS,
        "surveillance.add_contact",
        gettext_lazy("Import a passenger list"),
        TripForm,
    ),
}
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _import_kind(request, kind: str):
    if kind not in IMPORTS:
        raise Http404
    columns, permission, title, extra = IMPORTS[ListKind(kind)]
    require_permission(request.user, permission)
    return columns, title, extra


def import_upload(request, kind):
    columns, title, _extra = _import_kind(request, kind)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose a CSV or Excel (.xlsx) file.")
        else:
            try:
                kept = upload_keep(
                    actor=request.user, kind=UPLOAD_KINDS[kind], upload=upload, max_bytes=MAX_UPLOAD_BYTES
                )
            except FileFormatError as problem:
                error = str(problem)
            else:
                return redirect("surveillance:import_map", kind=kind, token=kept.token)
    return render(request, "surveillance/import_upload.html", {"title": title, "columns": columns, "error": error})


def import_map(request, kind, token):
    """Show the file's columns against the fields (guessed where the headers say), then queue the import. The page
    is drawn from what was noted when the file was kept; the file itself is read only by the import."""
    columns, title, extra_class = _import_kind(request, kind)
    kept = upload_for(user=request.user, kind=UPLOAD_KINDS[kind], token=token)
    if kept is None:
        raise Http404
    header = kept.header
    form = MappingForm(request.POST or None, columns=columns, header=header, initial=guess_mapping(header, columns))
    extra = extra_class(request.POST or None, user=request.user, prefix="extra") if extra_class else None
    if request.method == "POST" and form.is_valid() and (extra is None or extra.is_valid()):
        mapping = {name: source for name, source in form.cleaned_data.items() if source}
        try:
            job = list_import_start(
                actor=request.user, kind=kind, upload=kept, mapping=mapping, trip=extra.cleaned_data if extra else None
            )
        except ValidationError as error:
            add_form_errors(extra or form, error)
        else:
            return redirect(job)
    context = {"title": title, "form": form, "extra": extra, "header": header, "preview": kept.preview}
    return render(request, "surveillance/import_map.html", {**context, "rows": kept.rows})


def list_import_detail(request, pk):
    """A list's progress (the page refreshes itself while it runs) and its report."""
    job = get_object_or_404(ListImport.objects.visible_to(request.user).select_related("unit", "trip"), pk=pk)
    errors = list(islice(csv.reader(io.StringIO(job.errors)), 200))
    running = job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    can_run_again = job.can_run_again and has_permission_somewhere(request.user, IMPORT_PERMISSIONS[job.kind])
    template = "surveillance/_import_progress.html" if request.htmx else "surveillance/import_detail.html"
    context = {"job": job, "errors": errors, "running": running, "can_run_again": can_run_again}
    return render(request, template, context)


@require_POST
def list_import_run_again(request, pk):
    """Continue a list that stopped part-way from its last committed row (the service checks who may)."""
    job = get_object_or_404(ListImport.objects.visible_to(request.user), pk=pk)
    return run_import_again(request, job, list_import_resume)


def list_import_errors(request, pk):
    job = get_object_or_404(ListImport.objects.visible_to(request.user), pk=pk)
    audit.record(actor=request.user, action=AuditAction.EXPORT, instance=job, detail={"document": "refused lines"})
    return refused_lines_download(f"refused-lines-{job.pk}.csv", job.errors)


def rules(request):
    return rules_page(
        request,
        model=TracingRules,
        form_class=TracingRulesForm,
        current=rules_in_force(),
        add=tracing_rules_add,
        template="surveillance/rules.html",
        success_message=_("New rules saved; levels recomputed where they already apply."),
    )
