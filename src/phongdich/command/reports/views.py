"""The situation reports' pages: the list (day, unit, status), a report with its figures, narratives and the units
below, generating (or refreshing) a report, writing its narratives, signing, opening a new version, sending it
upward, its documents (PDF, Word, the Excel annex), and the templates in use."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from phongdich.core.scoping import has_permission_somewhere, require_permission
from phongdich.core.views import add_form_errors, post_action

from ..choices import ReportStatus
from ..models import ReportTemplate, SituationReport
from .catalogue import label_of
from .documents import FORMATS, filename_of, report_document
from .filtersets import ReportFilterSet
from .forms import GenerateForm, NarrativesForm, SignForm
from .selectors import (
    ADD,
    CHANGE,
    SIGN,
    VIEW,
    bound_units,
    children_of,
    reports_visible_to,
    sections_of,
    versions_of,
)
from .services import report_exported, report_generate, report_revise, report_send, report_sign, report_write

REPORTS_PER_PAGE = 50


def reports_view(request):
    """The reports the user may read, the latest day first."""
    require_permission(request.user, VIEW)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    user = request.user
    visible = reports_visible_to(user)
    filterset = ReportFilterSet(request.GET, queryset=visible, user=user)
    reports = filterset.qs if filterset.is_valid() else visible.none()
    rows = reports.select_related("unit").defer("figures", "children", "narratives")
    page = Paginator(rows.order_by("-day", "unit__path", "-version"), REPORTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "can_generate": has_permission_somewhere(user, ADD) and not bound_units(user, ADD).is_empty,
        "report_base": reverse("command:report", args=[0]).removesuffix("0/"),
    }
    return render(request, "command/reports/list.html", context)


def report_generate_view(request):
    """Generate a unit's report of a day, or refresh the figures of its draft (its narratives kept)."""
    require_permission(request.user, ADD)
    form = GenerateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = report_generate(actor=request.user, unit=data["unit"], day=data["day"], template=data["template"])
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Figures as at %(at)s frozen into the report.") % {"at": _at(report)})
            return redirect("command:report", report.pk)
    context = {"form": form, "title": _("Generate a situation report"), "cancel_url": reverse("command:reports")}
    return render(request, "command/reports/generate.html", context)


def _at(report: SituationReport) -> str:
    return timezone.localtime(report.cutoff_at).strftime("%d/%m/%Y %H:%M")


def _visible(request, pk: int) -> SituationReport:
    rows = reports_visible_to(request.user).select_related("unit__parent", "template", "signed_by", "created_by")
    return get_object_or_404(rows, pk=pk)


def _latest(report: SituationReport) -> bool:
    return not SituationReport.objects.filter(
        unit_id=report.unit_id, day=report.day, version__gt=report.version
    ).exists()


def report_view(request, pk):
    """A report: its figures by section, its narratives, the reports of the units below quoted (and those not yet
    in), its other versions, and what the user may do with it."""
    require_permission(request.user, VIEW)
    report = _visible(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    user, path = request.user, report.unit.path
    draft = report.status == ReportStatus.DRAFT
    latest = _latest(report)
    sent, missing = children_of(report)
    context = {
        "report": report,
        "sections": sections_of(report),
        "children_sent": sent,
        "children_missing": missing,
        "window": (report.figures or {}).get("window", {}),
        "versions": list(versions_of(user, report)),
        "draft": draft,
        "can_change": draft and bound_units(user, CHANGE).covers(path),
        "can_refresh": draft and bound_units(user, ADD).covers(path),
        "can_sign": draft and bound_units(user, SIGN).covers(path),
        "can_send": report.status == ReportStatus.SIGNED and latest and bound_units(user, SIGN).covers(path),
        "can_revise": not draft and latest and bound_units(user, ADD).covers(path),
        "sign_form": SignForm(),
        "formats": list(FORMATS),
    }
    return render(request, "command/reports/detail.html", context)


def _own(request, pk: int, permission: str) -> SituationReport:
    """A report of one of the user's own units for `permission`: 404 for any other, as for a missing one."""
    require_permission(request.user, permission)
    report = _visible(request, pk)
    if not bound_units(request.user, permission).covers(report.unit.path):
        raise Http404
    return report


def report_edit_view(request, pk):
    """Write the narratives of a draft. A signed version is locked: the page says so and goes back to it."""
    report = _own(request, pk, CHANGE)
    if report.status != ReportStatus.DRAFT and request.method != "POST":
        messages.error(request, _("This version is signed and locked: open a new version to change it."))
        return redirect("command:report", report.pk)
    form = NarrativesForm(request.POST or None, template=report.template, initial=report.narratives or {})
    if request.method == "POST" and form.is_valid():
        try:
            report_write(actor=request.user, report=report, narratives=form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Narratives saved."))
            return redirect("command:report", report.pk)
    context = {
        "form": form,
        "report": report,
        "sections": sections_of(report),
        "title": _("Narratives of the report of %(unit)s, %(day)s")
        % {"unit": report.unit.name, "day": report.day.strftime("%d/%m/%Y")},
        "cancel_url": reverse("command:report", args=[report.pk]),
    }
    return render(request, "command/reports/edit.html", context)


@require_POST
def report_sign_view(request, pk):
    report = _own(request, pk, SIGN)
    post_action(
        request,
        SignForm(request.POST),
        lambda data: report_sign(actor=request.user, report=report, signer_title=data["signer_title"]),
        _("Report signed: it is locked now."),
    )
    return redirect("command:report", report.pk)


@require_POST
def report_revise_view(request, pk):
    report = _own(request, pk, ADD)
    try:
        draft = report_revise(actor=request.user, report=report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("command:report", report.pk)
    messages.success(request, _("Version %(version)d opened as a draft.") % {"version": draft.version})
    return redirect("command:report", draft.pk)


@require_POST
def report_send_view(request, pk):
    report = _own(request, pk, SIGN)
    try:
        report_send(actor=request.user, report=report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Report sent upward."))
    return redirect("command:report", report.pk)


def report_export_view(request, pk):
    """The report as a PDF, a Word file or its Excel annex (?format=pdf|docx|xlsx), audited as an export."""
    require_permission(request.user, VIEW)
    report = _visible(request, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    fmt = request.GET.get("format", "pdf")
    if fmt not in FORMATS:
        return HttpResponseBadRequest(_("Ask for format pdf, docx or xlsx."))
    content = report_document(report, fmt)
    report_exported(actor=request.user, report=report, fmt=fmt, size=len(content))
    response = HttpResponse(content, content_type=FORMATS[fmt][0])
    response["Content-Disposition"] = f'attachment; filename="{filename_of(report, fmt)}"'
    return response


def templates_view(request):
    """The report templates: their sections, the figures each shows, and the cut-off hour."""
    require_permission(request.user, "command.view_reporttemplate")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    templates = [
        {
            "template": template,
            "sections": [
                {**section, "figure_labels": [label_of(code) for code in section.get("figures", [])]}
                for section in template.sections or []
            ],
        }
        for template in ReportTemplate.objects.order_by("-active", "code")
    ]
    return render(request, "command/reports/templates.html", {"templates": templates})
