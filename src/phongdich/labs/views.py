import csv
import io
from itertools import islice

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.exports import refused_lines_download
from phongdich.core.import_flow import upload_for, upload_keep
from phongdich.core.imports import FileFormatError
from phongdich.core.scoping import has_permission_somewhere, require_permission
from phongdich.core.views import (
    ScopedListView,
    add_form_errors,
    post_action,
    rules_page,
    run_import_again,
    service_form,
)
from phongdich.people.selectors import name_people
from phongdich.places.forms import units_for
from phongdich.surveillance.forms import MappingForm

from .choices import ANTIGEN_KINDS, ImportStatus
from .filtersets import PoolFilterSet, ResampleTaskFilterSet, RoundFilterSet, SampleFilterSet
from .forms import (
    PlanForm,
    PoolForm,
    PoolScanForm,
    ReceiveForm,
    RejectForm,
    ResultForm,
    ResultUploadForm,
    RoundForm,
    SampleForm,
    TestingRulesForm,
)
from .importers import (
    MAX_UPLOAD_BYTES,
    RESULT_COLUMNS,
    UPLOAD_KIND,
    mapping_for,
    result_import_resume,
    result_import_start,
)
from .models import Lab, Pool, ResampleTask, ResultImport, Sample, TestingPlan, TestingRound, TestingRules
from .selectors import (
    expected_pools,
    lab_loads,
    overdue_staff,
    plans_compliance,
    round_figures,
    round_groups,
    rules_in_force,
    sample_for_reading,
    walking_list_households,
)
from .services import (
    Reading,
    pool_open,
    pool_result_record,
    pool_send,
    round_create,
    sample_register,
    sample_reject,
    sample_result_record,
    samples_receive,
    testing_plan_save,
    testing_rules_add,
)
from .tables import PoolTable, ResampleTaskTable, RoundTable, SampleTable


def _reading(data: dict) -> Reading:
    return Reading(data["result"], data["result_at"], data.get("ct_e"), data.get("ct_n"), data.get("ct_rdrp"))


# ---- Samples -------------------------------------------------------------------------------------------------


class SampleListView(ScopedListView):
    model = Sample
    filterset_class = SampleFilterSet
    table_class = SampleTable
    permission = "labs.view_sample"
    title = gettext_lazy("Samples")
    template_name = "labs/samples.html"

    def base_queryset(self):
        return super().base_queryset().select_related("pool").order_by("-sampled_at", "-id")

    def extra_context(self):
        user = self.request.user
        return {
            "can_sample": has_permission_somewhere(user, "labs.add_sample"),
            "can_receive": has_permission_somewhere(user, "labs.change_lab"),
        }


def sample_create(request):
    require_permission(request.user, "labs.add_sample")
    form = SampleForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sample = sample_register(
                actor=request.user,
                person=data["number"],
                kind=data["kind"],
                barcode=data["barcode"],
                lab=data["lab"],
                sampled_at=data["sampled_at"],
                testing_round=data["testing_round"],
                symptoms=data["symptoms"],
                photo=data["photo"],
            )
            if data["result"] and data["kind"] in ANTIGEN_KINDS:
                sample_result_record(actor=request.user, sample=sample, reading=Reading(data["result"], clock.now()))
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Sample %(code)s registered.") % {"code": sample.barcode})
            return redirect("labs:sample_create")
    return render(request, "core/form.html", {"form": form, "title": _("Register a sample")})


def sample_detail(request, pk):
    require_permission(request.user, "labs.view_sample")
    try:
        sample = sample_for_reading(request.user, pk)
    except Sample.DoesNotExist as error:
        raise Http404 from error
    name_people(request.user, [sample], person_ref="person_id")
    can_change = Sample.objects.restrict(request.user, "change").filter(pk=pk).exists()
    context = {
        "sample": sample,
        "can_change": can_change,
        "result_form": ResultForm(),
        "reject_form": RejectForm(),
        "tasks": sample.resample_tasks.all(),
    }
    return render(request, "labs/sample_detail.html", context)


@require_POST
def sample_result(request, pk):
    sample = get_object_or_404(Sample.objects.restrict(request.user, "change"), pk=pk)
    post_action(
        request,
        ResultForm(request.POST),
        lambda data: sample_result_record(actor=request.user, sample=sample, reading=_reading(data)),
        _("Result released."),
    )
    return redirect("labs:sample", pk=pk)


@require_POST
def sample_reject_view(request, pk):
    sample = get_object_or_404(Sample.objects.restrict(request.user, "change"), pk=pk)
    post_action(
        request,
        RejectForm(request.POST),
        lambda data: sample_reject(actor=request.user, sample=sample, reason=data["reason"]),
        _("Sample rejected; the person is to be sampled again."),
    )
    return redirect("labs:sample", pk=pk)


def sample_photo(request, pk):
    """A self-test's photo, for the people who may see the sample (never a public media URL)."""
    try:
        sample = sample_for_reading(request.user, pk, photo=True)
    except Sample.DoesNotExist as error:
        raise Http404 from error
    return FileResponse(sample.photo.open("rb"))


def receive(request):
    """The lab scans what arrives (pools and individual tubes) before testing it."""
    require_permission(request.user, "labs.change_lab")
    form = ReceiveForm(request.POST or None, user=request.user)
    receipt = None
    if request.method == "POST" and form.is_valid():
        receipt = samples_receive(
            actor=request.user, lab=form.cleaned_data["lab"], barcodes=form.cleaned_data["barcodes"]
        )
        messages.success(request, _("%(n)d received.") % {"n": receipt.received})
        form = ReceiveForm(initial={"lab": form.cleaned_data["lab"]}, user=request.user)
    expected = expected_pools(request.user, form.fields["lab"].queryset)
    return render(request, "labs/receive.html", {"form": form, "receipt": receipt, "expected": expected})


# ---- Pools ---------------------------------------------------------------------------------------------------


class PoolListView(ScopedListView):
    model = Pool
    filterset_class = PoolFilterSet
    table_class = PoolTable
    permission = "labs.view_pool"
    title = gettext_lazy("Pools")
    template_name = "labs/pools.html"

    def base_queryset(self):
        queryset = super().base_queryset().select_related("lab__facility")
        return queryset.annotate(member_count=Count("samples")).order_by("-created_at", "-id")

    def extra_context(self):
        return {"can_open": has_permission_somewhere(self.request.user, "labs.add_pool")}


def pool_create(request):
    require_permission(request.user, "labs.add_pool")
    form = PoolForm(request.POST or None, user=request.user)
    return service_form(
        request,
        form,
        lambda data: pool_open(
            actor=request.user,
            barcode=data["barcode"],
            lab=data["lab"],
            unit=data["unit"],
            testing_round=data["testing_round"],
            high_risk=data["high_risk"],
            team=data["team"],
        ),
        title=_("Open a pool"),
        success_message=_("Pool opened: scan its samples."),
        success_url=lambda pool: pool.get_absolute_url(),
    )


def pool_detail(request, pk):
    """Scan samples into an open pool; send it; record its result; and its history, member by member."""
    require_permission(request.user, "labs.view_pool")
    pool = get_object_or_404(Pool.objects.visible_to(request.user).select_related("lab__facility", "round"), pk=pk)
    scan_form = PoolScanForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and scan_form.is_valid():
        try:
            sample_register(
                actor=request.user,
                person=scan_form.cleaned_data["number"],
                kind="rt_pcr_pooled",
                barcode=scan_form.cleaned_data["barcode"],
                pool=pool,
                sampled_at=clock.now(),
                team=pool.team,
            )
        except ValidationError as error:
            add_form_errors(scan_form, error)
        else:
            messages.success(request, _("Sample added."))
            return redirect("labs:pool", pk=pk)
    members = name_people(request.user, pool.samples.select_related("unit").order_by("id"), person_ref="person_id")
    tasks = {task.cause_id: task for task in pool.resample_tasks.select_related("sample")}
    context = {
        "pool": pool,
        "members": [(sample, tasks.get(sample.pk)) for sample in members],
        "runs": pool.results.select_related("recorded_by"),
        "scan_form": scan_form,
        "result_form": ResultForm(),
        "can_change": Pool.objects.restrict(request.user, "change").filter(pk=pk).exists(),
        "can_add": has_permission_somewhere(request.user, "labs.add_sample"),
    }
    return render(request, "labs/pool_detail.html", context)


@require_POST
def pool_send_view(request, pk):
    pool = get_object_or_404(Pool.objects.restrict(request.user, "change"), pk=pk)
    try:
        pool_send(actor=request.user, pool=pool)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Pool sealed and sent."))
    return redirect("labs:pool", pk=pk)


@require_POST
def pool_result(request, pk):
    pool = get_object_or_404(Pool.objects.restrict(request.user, "change"), pk=pk)
    post_action(
        request,
        ResultForm(request.POST),
        lambda data: pool_result_record(actor=request.user, pool=pool, reading=_reading(data)),
        _("Pool result recorded for every member."),
    )
    return redirect("labs:pool", pk=pk)


# ---- Result files --------------------------------------------------------------------------------------------


def imports(request):
    require_permission(request.user, "labs.view_resultimport")
    jobs = ResultImport.objects.visible_to(request.user).select_related("lab__facility", "created_by")[:50]
    can_upload = has_permission_somewhere(request.user, "labs.add_resultimport")
    form = ResultUploadForm(request.POST or None, request.FILES or None, user=request.user) if can_upload else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                kept = upload_keep(
                    actor=request.user, kind=UPLOAD_KIND, upload=form.cleaned_data["file"], max_bytes=MAX_UPLOAD_BYTES
                )
            except FileFormatError as error:
                form.add_error("file", str(error))
            else:
                return redirect("labs:import_map", lab=form.cleaned_data["lab"].pk, token=kept.token)
    return render(request, "labs/imports.html", {"jobs": jobs, "form": form})


def import_map(request, lab, token):
    """Match the file's columns (the lab's saved choice first, else guessed from the headers), then queue it."""
    require_permission(request.user, "labs.add_resultimport")
    lab = get_object_or_404(Lab.objects.restrict(request.user, "change"), pk=lab)
    kept = upload_for(user=request.user, kind=UPLOAD_KIND, token=token)
    if kept is None:
        raise Http404
    initial = mapping_for(lab, kept.header)
    form = MappingForm(request.POST or None, columns=RESULT_COLUMNS, header=kept.header, initial=initial)
    if request.method == "POST" and form.is_valid():
        mapping = {name: source for name, source in form.cleaned_data.items() if source}
        try:
            job = result_import_start(actor=request.user, lab=lab, upload=kept, mapping=mapping)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            return redirect(job)
    context = {"lab": lab, "form": form, "header": kept.header, "preview": kept.preview, "rows": kept.rows}
    return render(request, "labs/import_map.html", context)


def import_detail(request, pk):
    """A result file's progress (the page refreshes itself while it runs) and its report."""
    job = get_object_or_404(
        ResultImport.objects.visible_to(request.user).select_related("lab__facility", "created_by"), pk=pk
    )
    errors = list(islice(csv.reader(io.StringIO(job.errors)), 200))
    running = job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    can_run_again = job.can_run_again and has_permission_somewhere(request.user, "labs.add_resultimport")
    template = "labs/_import_progress.html" if request.htmx else "labs/import_detail.html"
    context = {"job": job, "errors": errors, "running": running, "can_run_again": can_run_again}
    return render(request, template, context)


@require_POST
def import_run_again(request, pk):
    """Continue a file that stopped part-way from its last committed line (the service checks who may)."""
    require_permission(request.user, "labs.add_resultimport")
    job = get_object_or_404(ResultImport.objects.visible_to(request.user), pk=pk)
    return run_import_again(request, job, result_import_resume)


def import_errors(request, pk):
    job = get_object_or_404(ResultImport.objects.visible_to(request.user), pk=pk)
    audit.record(actor=request.user, action=AuditAction.EXPORT, instance=job, detail={"document": "refused lines"})
    return refused_lines_download(f"refused-lines-{job.pk}.csv", job.errors)


# ---- Rounds, tasks, labs, organisations, rules ---------------------------------------------------------------


class RoundListView(ScopedListView):
    model = TestingRound
    filterset_class = RoundFilterSet
    table_class = RoundTable
    permission = "labs.view_testinground"
    title = gettext_lazy("Testing rounds")
    template_name = "labs/rounds.html"

    def base_queryset(self):
        return super().base_queryset().select_related("unit").order_by("-starts_on", "-id")

    def extra_context(self):
        return {"can_add": has_permission_somewhere(self.request.user, "labs.add_testinground")}


def round_create_view(request):
    require_permission(request.user, "labs.add_testinground")
    form = RoundForm(request.POST or None, user=request.user)
    return service_form(
        request,
        form,
        lambda data: round_create(
            actor=request.user,
            name=data["name"],
            unit=data["unit"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            groups=list(data["groups"]),
            pool_size=data["pool_size"],
            high_risk_pool_size=data["high_risk_pool_size"],
            priority_groups=data["priority_groups"],
            notes=data["notes"],
        ),
        title=_("New testing round"),
        success_message=_("Round created."),
        success_url=lambda testing_round: testing_round.get_absolute_url(),
    )


def round_detail(request, pk):
    """The round's live figures per residential group: coverage, pending, positivity, turnaround."""
    require_permission(request.user, "labs.view_testinground")
    testing_round = get_object_or_404(TestingRound.objects.visible_to(request.user).select_related("unit"), pk=pk)
    context = {
        "round": testing_round,
        "figures": round_figures(testing_round),
        "rules": rules_in_force(testing_round.starts_on),
        "can_list_households": has_permission_somewhere(request.user, "people.view_household"),
    }
    return render(request, "labs/round_detail.html", context)


def round_households(request, pk, unit_pk):
    """A printable walking list: the households of a group where nobody has been sampled in the round yet."""
    require_permission(request.user, "people.view_household")
    testing_round = get_object_or_404(TestingRound.objects.visible_to(request.user), pk=pk)
    # The list prints residents: the group must be where the user may see households, not merely the unit.
    group = get_object_or_404(units_for(request.user, "people.view_household").filter(level="group"), pk=unit_pk)
    if not round_groups(testing_round).filter(pk=group.pk).exists():
        raise Http404
    households = walking_list_households(request.user, testing_round, group)
    context = {"round": testing_round, "group": group, "households": households, "now": clock.now()}
    return render(request, "labs/round_households.html", context)


class ResampleTaskListView(ScopedListView):
    model = ResampleTask
    filterset_class = ResampleTaskFilterSet
    table_class = ResampleTaskTable
    permission = "labs.view_resampletask"
    title = gettext_lazy("People to sample again")

    def base_queryset(self):
        return super().base_queryset().select_related("person", "pool", "unit").order_by("status", "due_at")


def labs(request):
    """Per lab: capacity, backlog, results released per day and turnaround."""
    require_permission(request.user, "labs.view_lab")
    loads = lab_loads(Lab.objects.visible_to(request.user))
    return render(request, "labs/labs.html", {"loads": loads})


def plans(request):
    """Organisations' periodic testing: who answers for it, and how many staff are overdue."""
    require_permission(request.user, "labs.view_testingplan")
    rows = plans_compliance(TestingPlan.objects.visible_to(request.user))
    can_add = has_permission_somewhere(request.user, "labs.add_testingplan")
    return render(request, "labs/plans.html", {"rows": rows, "can_add": can_add})


def plan_create(request):
    require_permission(request.user, "labs.add_testingplan")
    form = PlanForm(request.POST or None, user=request.user)
    return service_form(
        request,
        form,
        lambda data: testing_plan_save(actor=request.user, **data),
        title=_("Periodic testing of an organisation"),
        success_message=_("Testing plan saved."),
        success_url=lambda plan: reverse("labs:plan", args=[plan.pk]),
    )


def plan_detail(request, pk):
    require_permission(request.user, "labs.view_testingplan")
    plan = get_object_or_404(TestingPlan.objects.visible_to(request.user).select_related("organisation"), pk=pk)
    # Staff may live outside the viewer's area: the plan shows them, but names and phones only inside it.
    overdue = name_people(request.user, overdue_staff(plan)[:500], ref="pk")
    return render(request, "labs/plan_detail.html", {"plan": plan, "overdue": overdue})


def rules(request):
    return rules_page(
        request,
        model=TestingRules,
        form_class=TestingRulesForm,
        current=rules_in_force(),
        add=testing_rules_add,
        template="labs/rules.html",
        success_message=_("New testing rules saved."),
    )
