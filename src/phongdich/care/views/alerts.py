"""The alert queue of a health station and a residential group's team (what the viewer's scope covers; escalated
alerts first, which is what a district officer works), an alert's page with "call now", acknowledge, what was done
and close, and the missed-report call list."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from phongdich.core import clock
from phongdich.core.scoping import has_permission_somewhere, require_permission
from phongdich.core.views import ScopedListView, add_form_errors
from phongdich.people.selectors import person_refs

from ..choices import AlertStatus
from ..filtersets import AlertFilterSet, MissedReportFilterSet
from ..forms import AlertActionForm, AlertCloseForm
from ..models import Alert, IsolationOrder
from ..selectors import alert_for_reading, alert_queue, missed_reports
from ..services.reports import alert_acknowledge, alert_action_record, alert_close
from ..tables import AlertTable, MissedReportTable
from ..warnings import sign_text


class AlertListView(ScopedListView):
    model = Alert
    filterset_class = AlertFilterSet
    table_class = AlertTable
    permission = "care.view_alert"
    title = gettext_lazy("Alerts")
    template_name = "care/alerts.html"

    def base_queryset(self):
        return alert_queue(super().base_queryset().select_related("unit"))

    def extra_context(self) -> dict:
        return {"sees_alert_centre": has_permission_somewhere(self.request.user, "command.view_alert")}

    def filtered(self, params):
        if "state" not in params:  # the queue: what is not closed, unless asked otherwise
            params = params.copy()
            params["state"] = "open"
        return super().filtered(params)


class MissedReportListView(ScopedListView):
    model = IsolationOrder
    filterset_class = MissedReportFilterSet
    table_class = MissedReportTable
    permission = "care.view_isolationorder"
    title = gettext_lazy("Reports missed: people to call")
    template_name = "care/missed.html"

    def base_queryset(self):
        return missed_reports(super().base_queryset().select_related("unit"))


def alert_detail(request, pk: int, action_form=None, close_form=None, status: int = 200):
    require_permission(request.user, "care.view_alert")
    try:
        alert = alert_for_reading(request.user, pk)
    except Alert.DoesNotExist:
        raise Http404 from None
    actions = list(alert.actions.select_related("done_by"))
    context = {
        "alert": alert,
        "person": person_refs(request.user, [alert.person_id])[alert.person_id],
        "signs": [sign_text(sign) for sign in alert.signs],
        "actions": actions,
        "overdue": alert.status == AlertStatus.OPEN and alert.acknowledge_by < clock.now(),
        "can_change": alert.status != AlertStatus.CLOSED
        and Alert.objects.restrict(request.user, "change").filter(pk=alert.pk).exists(),
        "action_form": action_form or AlertActionForm(),
        "close_form": close_form or AlertCloseForm(),
        "transfers": alert.transfer_requests.order_by("-requested_at")[:5],
    }
    context["sees_alert_centre"] = has_permission_somewhere(request.user, "command.view_alert")
    context["can_request_transfer"] = context["can_change"] and has_permission_somewhere(
        request.user, "care.add_transferrequest"
    )
    return render(request, "care/alert_detail.html", context, status=status)


def _changeable(request, pk: int) -> Alert:
    require_permission(request.user, "care.change_alert")
    return get_object_or_404(Alert.objects.restrict(request.user, "change"), pk=pk)


@require_POST
def alert_acknowledge_view(request, pk: int):
    alert = _changeable(request, pk)
    try:
        alert_acknowledge(actor=request.user, alert=alert)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Alert acknowledged: you are taking it on."))
    return redirect("care:alert", pk=alert.pk)


@require_POST
def alert_action_view(request, pk: int):
    alert = _changeable(request, pk)
    form = AlertActionForm(request.POST)
    if form.is_valid():
        try:
            alert_action_record(actor=request.user, alert=alert, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Action recorded."))
            return redirect("care:alert", pk=alert.pk)
    return alert_detail(request, pk, action_form=form, status=422)


@require_POST
def alert_close_view(request, pk: int):
    alert = _changeable(request, pk)
    form = AlertCloseForm(request.POST)
    if form.is_valid():
        try:
            alert_close(actor=request.user, alert=alert, note=form.cleaned_data["note"])
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Alert closed."))
            return redirect("care:alert", pk=alert.pk)
    return alert_detail(request, pk, close_form=form, status=422)
