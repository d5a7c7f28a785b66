"""Generic views: each app's list/detail view names its model, filterset and table; scoping is applied here."""

import django_filters
import django_tables2 as tables
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, models
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import LazyPaginator, RequestConfig

from . import clock
from .background import queue_health
from .desk import desks_for
from .filtersets import AuditEventFilterSet
from .models import AuditEvent
from .pagination import capped_count
from .scoping import has_permission_somewhere, scope_of
from .tables import AuditEventTable
from .templatetags.humanize_vi import num


class PermissionRequiredMixin(View):
    """Refuse (403) a user who holds `permission` nowhere; row-level scoping is the queryset's job."""

    permission: str = ""

    def dispatch(self, request, *args, **kwargs):
        if self.permission and not has_permission_somewhere(request.user, self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ScopedListView(PermissionRequiredMixin):
    """A filtered, paginated table of the rows the user may see. Counting stops at PHONGDICH_COUNT_CAP."""

    model: type[models.Model]
    filterset_class: type[django_filters.FilterSet]
    table_class: type[tables.Table]
    template_name = "core/list.html"
    title: str | Promise = ""
    action = "view"

    def base_queryset(self):
        return self.model._default_manager.restrict(self.request.user, self.action)  # type: ignore[attr-defined]

    @classmethod
    def capped_count_for(cls, request, params) -> tuple[int, bool]:
        """What the list would count for these query parameters (the home page's figures open this list)."""
        _filterset, queryset = cls(request=request).filtered(params)
        return capped_count(queryset, settings.PHONGDICH_COUNT_CAP)

    def filtered(self, params) -> tuple[django_filters.FilterSet, models.QuerySet]:
        filterset = self.filterset_class(params, queryset=self.base_queryset(), user=self.request.user)
        return filterset, (filterset.qs if filterset.is_valid() else filterset.queryset.none())

    def get(self, request, *args, **kwargs):
        filterset, queryset = self.filtered(request.GET)
        table = self.make_table(queryset)
        RequestConfig(
            request, paginate={"paginator_class": LazyPaginator, "per_page": settings.PHONGDICH_PAGE_SIZE}
        ).configure(table)
        count, capped = capped_count(queryset, settings.PHONGDICH_COUNT_CAP)
        context = {
            "title": self.title,
            "filter": filterset,
            "table": table,
            "count": count,
            "capped": capped,
            "more_filters_used": self.more_filters_used(filterset),
            **self.extra_context(),
        }
        template = "core/_table.html" if request.htmx and request.htmx.target == "results" else self.template_name
        return render(request, template, context)

    def make_table(self, queryset) -> tables.Table:
        return self.table_class(queryset)

    def more_filters_used(self, filterset) -> bool:
        """Whether a filter past the first (the search box) is set, so the page shows them open."""
        names = list(filterset.filters)[1:]
        return any(self.request.GET.get(name) not in (None, "", "unknown") for name in names)

    def extra_context(self) -> dict:
        return {}


def service_form(request, form, save, *, title, success_message, success_url, cancel_url=None):
    """A page whose valid POST calls a service: `save(cleaned_data)` returns the saved object; the service's
    ValidationError is shown on the form's fields; `success_url(obj)` says where to go after."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, success_message)
            return redirect(success_url(saved))
    return render(request, "core/form.html", {"form": form, "title": title, "cancel_url": cancel_url})


def post_action(request, form, save, success: str) -> None:
    """A small POST form (a button on a page) whose data goes to a service; the outcome is told as a message."""
    if not form.is_valid():
        messages.error(request, " ".join(str(message) for errors in form.errors.values() for message in errors))
        return
    try:
        save(form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)


def rules_page(request, *, model, form_class, current, add, template: str, success_message: str):
    """The versions of a set of rules (tracing, testing, …), newest first, and, for a province-level
    administrator, a form for a new version pre-filled with the rules in force; `add(actor=, **data)` is the
    service that validates and saves it."""
    meta = model._meta
    if not has_permission_somewhere(request.user, f"{meta.app_label}.view_{meta.model_name}"):
        raise PermissionDenied
    can_add = scope_of(request.user, f"{meta.app_label}.add_{meta.model_name}").is_provincial
    initial = {
        name: getattr(current, name)
        for name in form_class.Meta.fields
        if name not in ("effective_from", "document_date")  # a new version rests on a new document
    }
    form = form_class(request.POST or None, initial=initial) if can_add else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                add(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(request, success_message)
                return redirect(request.path)
    versions = model.objects.order_by("-effective_from")
    return render(request, template, {"versions": versions, "form": form})


def add_form_errors(form, error: ValidationError) -> None:
    """Put a service's errors on the form: on the field they name, or on the form as a whole."""
    by_field = error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    for field, field_messages in by_field:
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


class HomeView(TemplateView):
    """Each of the user's roles' work for today (core/desk.py), and a search box."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "desks": desks_for(self.request),
            "can_search": has_permission_somewhere(self.request.user, "people.view_person"),
            "now": clock.now(),
        }


class AuditListView(ScopedListView):
    model = AuditEvent
    filterset_class = AuditEventFilterSet
    table_class = AuditEventTable
    permission = "core.view_auditevent"
    title = _("Audit trail")

    def make_table(self, queryset) -> tables.Table:
        return AuditEventTable(queryset, user=self.request.user)


# A task waiting longer than this means the workers do not keep up (or none works the queue).
QUEUE_LATE_SECONDS = 600


def run_import_again(request, job, resume, done_field: str = "done_rows"):
    """The "Run again" button of an import's page: the job, already looked up in the user's scope, continues from
    its last committed line through `resume` (the app's `*_import_resume` service, which checks who may)."""
    try:
        resume(actor=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = num(getattr(job, done_field))
        messages.success(request, _("The import continues after the %(done)s lines already read.") % {"done": done})
    return redirect(job)


def healthz(request):
    """For load balancers and monitoring: 200 while the database answers, with what a monitor should alert on
    ("degraded": too few task workers alive, or the oldest waiting task is late); 503 when it does not answer."""
    try:
        health = queue_health()
    except DatabaseError:
        return JsonResponse({"status": "down", "database": "unreachable"}, status=503)
    problems = []
    if health["workers"]["alive"] < health["workers"]["expected"]:
        problems.append("task workers missing")
    if health["queue"]["oldest_waiting_s"] > QUEUE_LATE_SECONDS:
        problems.append("queue late")
    return JsonResponse({"status": "degraded" if problems else "ok", "database": "ok", **health, "problems": problems})
