"""The targets' pages: the list with each target's progress and status, a target's page with its progress over time
(a chart drawn on the server and the readings as a table, with their Excel file) and setting a new target."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.exports import xlsx_download
from phongdich.core.scoping import has_permission_somewhere, require_permission
from phongdich.core.views import add_form_errors

from .filtersets import TargetFilterSet
from .forms import TargetForm
from .selectors import chart_of, metric_of, progress_of, readings_of, targets_for
from .services import target_set

TARGETS_PER_PAGE = 50
VIEW = "command.view_target"


def targets_view(request):
    """The targets of the user's jurisdiction, the nearest deadline first, each with its progress and status."""
    require_permission(request.user, VIEW)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    user = request.user
    visible = targets_for(user)
    filterset = TargetFilterSet(request.GET, queryset=visible, user=user)
    targets = filterset.qs if filterset.is_valid() else visible.none()
    page = Paginator(targets.order_by("deadline", "name", "pk"), TARGETS_PER_PAGE).get_page(request.GET.get("page"))
    today = clock.today()
    rows = list(page)
    for target in rows:
        target.progress = progress_of(target, today)
        target.metric_label = _metric_label(target)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "targets": rows,
        "query": query.urlencode(),
        "can_add": has_permission_somewhere(user, "command.add_target"),
    }
    return render(request, "command/targets/list.html", context)


def _metric_label(target) -> str:
    metric = metric_of(target)
    return str(metric.label) if metric else target.metric


def target_view(request, pk):
    """A target: what it measures, where, by when and set by which directive point; its progress over time."""
    require_permission(request.user, VIEW)
    target = get_object_or_404(targets_for(request.user).select_related("created_by"), pk=pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    readings = readings_of(target)
    context = {
        "target": target,
        "metric_label": _metric_label(target),
        "progress": progress_of(target),
        "chart": mark_safe(chart_of(target, readings)),  # noqa: S308 (drawn from numbers, labels escaped)
        "readings": list(reversed(readings)),
    }
    return render(request, "command/targets/detail.html", context)


def target_readings_xlsx(request, pk):
    """A target's readings as an Excel workbook, one row a day; the export is audited."""
    require_permission(request.user, VIEW)
    target = get_object_or_404(targets_for(request.user), pk=pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    readings = readings_of(target)
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="command.targetreading",
        object_id=str(target.pk),
        object_repr=_("Readings of the target %(name)s") % {"name": target.name},
        unit_path=target.unit.path,
        detail={"target": target.pk, "readings": len(readings)},
    )
    label = _metric_label(target)
    rows = [(reading.day, reading.value, target.target_value) for reading in readings]
    return xlsx_download(
        f"chi-tieu-{target.pk}-{clock.today():%Y%m%d}.xlsx",
        [(_("Readings"), [_("Day"), label, _("Target value")], rows)],
    )


def target_new_view(request):
    """Set a target from a directive: a metric the platform computes, the value to reach and the deadline."""
    require_permission(request.user, "command.add_target")
    form = TargetForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            target = target_set(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Target set: its days so far are being measured."))
            return redirect("command:target", target.pk)
    context = {"form": form, "title": _("New target"), "cancel_url": reverse("command:targets")}
    return render(request, "core/form.html", context)
