"""The alert centre's pages: the inbox (filters by state, rule and unit; acknowledge from the list), an alert's page
with the records behind it, acknowledging and resolving it, and the rules with their form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from phongdich.accounts.roles import Role
from phongdich.core import clock
from phongdich.core.choices import AuditAction
from phongdich.core.models import AuditEvent
from phongdich.core.scoping import has_permission_somewhere, require_permission, scope_of
from phongdich.core.views import add_form_errors, post_action

from ..choices import AlertRuleKind, AlertState
from ..models import Alert, AlertRule
from .filtersets import AlertFilterSet
from .forms import ResolveForm, RuleForm
from .selectors import in_inbox, in_order, open_alert_counts, overdue_tasks_of
from .services import alert_acknowledge, alert_resolve, alert_rule_change

ALERTS_PER_PAGE = 50
HISTORY_SHOWN = 20


def inbox_view(request):
    """The alerts waiting for the user's roles where they hold them: open first, the critical first."""
    require_permission(request.user, "command.view_alert")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    user = request.user
    visible = Alert.objects.visible_to(user)
    filterset = AlertFilterSet(request.GET, queryset=visible, user=user)
    alerts = filterset.qs if filterset.is_valid() else visible.none()
    alerts = in_order(alerts.select_related("rule", "unit__parent", "facility"))
    page = Paginator(alerts, ALERTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page)
    changeable = set(
        Alert.objects.restrict(user, "change").filter(pk__in=[alert.pk for alert in rows]).values_list("pk", flat=True)
    )
    for alert in rows:
        alert.can_change = alert.pk in changeable and alert.state != AlertState.RESOLVED
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "alerts": rows,
        "counts": open_alert_counts(user),
        "query": query.urlencode(),
        "next": request.get_full_path(),
        "can_see_rules": has_permission_somewhere(user, "command.view_alertrule"),
    }
    return render(request, "command/alerts/inbox.html", context)


def alert_view(request, pk):
    """An alert in full: what was found, where, since when, who acknowledged and resolved it, and the records behind
    it (the care queue, the bed board, the stock, the tasks, the level, the target)."""
    require_permission(request.user, "command.view_alert")
    user = request.user
    alert = get_object_or_404(
        Alert.objects.visible_to(user).select_related("rule", "unit", "facility", "acknowledged_by", "resolved_by"),
        pk=pk,
    )
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    can_change = alert.state != AlertState.RESOLVED and Alert.objects.restrict(user, "change").filter(pk=pk).exists()
    history = (
        AuditEvent.objects.filter(object_type="command.alert", object_id=str(alert.pk), action=AuditAction.UPDATE)
        .select_related("actor")
        .order_by("at", "pk")[:HISTORY_SHOWN]
    )
    context = {
        "alert": alert,
        "can_change": can_change,
        "in_inbox": in_inbox(user, alert),
        "resolve_form": ResolveForm(),
        "history": list(history),
        "tasks": overdue_tasks_of(user, alert, clock.today()) if alert.rule.kind == AlertRuleKind.OVERDUE_TASKS else [],
    }
    return render(request, "command/alerts/detail.html", context)


def _changeable(request, pk) -> Alert:
    require_permission(request.user, "command.change_alert")
    return get_object_or_404(Alert.objects.restrict(request.user, "change"), pk=pk)


def _back(request, alert: Alert):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("command:alert", alert.pk)


@require_POST
def alert_acknowledge_view(request, pk):
    alert = _changeable(request, pk)
    try:
        alert_acknowledge(actor=request.user, alert=alert)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Alert acknowledged: it is yours to follow."))
    return _back(request, alert)


@require_POST
def alert_resolve_view(request, pk):
    alert = _changeable(request, pk)
    post_action(
        request,
        ResolveForm(request.POST),
        lambda data: alert_resolve(actor=request.user, alert=alert, **data),
        _("Alert resolved."),
    )
    return _back(request, alert)


def rules_view(request):
    """What the alert centre watches, from which threshold, and whose inbox each rule's alerts land in."""
    require_permission(request.user, "command.view_alertrule")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    rules = list(AlertRule.objects.select_related("changed_by").order_by("code"))
    for rule in rules:
        rule.role_labels = [Role(role).label for role in rule.roles if role in Role.values]
    context = {
        "rules": rules,
        "can_change": scope_of(request.user, "command.change_alertrule").is_provincial,
    }
    return render(request, "command/alerts/rules.html", context)


def rule_edit_view(request, pk):
    """Change a rule's threshold, roles, unit levels and whether it is watched: the province's."""
    require_permission(request.user, "command.change_alertrule")
    if not scope_of(request.user, "command.change_alertrule").is_provincial:
        raise PermissionDenied(_("Only the province changes the alert rules."))
    rule = get_object_or_404(AlertRule, pk=pk)
    initial = {
        "threshold": f"{rule.threshold.normalize():f}",
        "active": rule.active,
        "roles": rule.roles,
        "unit_levels": rule.unit_levels,
    }
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            alert_rule_change(actor=request.user, rule=rule, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Alert rule saved: the next sweep applies it."))
            return redirect("command:alert_rules")
    context = {
        "form": form,
        "rule": rule,
        "title": _("Alert rule: %(name)s") % {"name": rule.name},
        "cancel_url": reverse("command:alert_rules"),
    }
    return render(request, "command/alerts/rule_form.html", context)
