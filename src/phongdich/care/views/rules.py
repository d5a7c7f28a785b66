"""The rule pages of care (isolation, eligibility and warning-sign versions; a new version of the isolation rules),
the medicine packages, and the concentrated sites' places."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import View
from django_tables2 import RequestConfig

from phongdich.core import clock
from phongdich.core.rules import in_force
from phongdich.core.scoping import has_permission_somewhere, require_permission, scope_of
from phongdich.core.views import PermissionRequiredMixin, add_form_errors, service_form

from ..models import EligibilityRules, IsolationRules, MedicineKind, WarningRules
from ..rule_forms import IsolationRulesForm, MedicineKindForm, SiteCapacityForm
from ..rule_tables import (
    EligibilityRulesTable,
    IsolationRulesTable,
    MedicineKindTable,
    SiteLoadTable,
    WarningRulesTable,
)
from ..services import isolation_rules_add, medicine_kind_add, medicine_kind_update, site_capacity_set
from ..sites import site_loads, sites_for

SEE_SITES = ("care.view_isolationorder", "care.change_sitecapacity")


class RulesView(PermissionRequiredMixin):
    """Every version of each rule set of care, newest first, with the document it rests on."""

    permission = "care.view_isolationrules"

    def get(self, request):
        user = request.user
        sets = [
            (_("Isolation and quarantine"), IsolationRules, IsolationRulesTable),
            (_("Home treatment eligibility"), EligibilityRules, EligibilityRulesTable),
            (_("Warning signs and alerts"), WarningRules, WarningRulesTable),
        ]
        sections = [
            {"title": title, "table": table_class(model.objects.order_by("-effective_from"))}
            for title, model, table_class in sets
            if has_permission_somewhere(user, f"care.view_{model._meta.model_name}")
        ]
        return render(
            request,
            "care/rules.html",
            {
                "sections": sections,
                "can_add": _may_add_isolation_rules(user),
                "medicines": has_permission_somewhere(user, "care.change_medicinekind"),
                "sites": any(has_permission_somewhere(user, permission) for permission in SEE_SITES),
            },
        )


def _may_add_isolation_rules(user) -> bool:
    return scope_of(user, "care.add_isolationrules").is_provincial


def isolation_rules_new(request):
    """A new version, its grid filled in from the rules in force today."""
    if not _may_add_isolation_rules(request.user):
        raise PermissionDenied
    form = IsolationRulesForm(request.POST or None, current=in_force(IsolationRules))
    if request.method == "POST" and form.is_valid():
        try:
            version = isolation_rules_add(actor=request.user, **form.service_data())
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("New isolation rules saved."))
            if version.ends_kinds and version.effective_from <= clock.today():
                messages.success(request, _("The active orders of the kinds it ends are being released."))
            return redirect("care:rules")
    return render(request, "care/isolation_rules_form.html", {"form": form})


class MedicinesView(PermissionRequiredMixin):
    permission = "care.change_medicinekind"

    def get(self, request):
        table = MedicineKindTable(MedicineKind.objects.all())
        RequestConfig(request, paginate={"per_page": settings.PHONGDICH_PAGE_SIZE}).configure(table)
        can_add = has_permission_somewhere(request.user, "care.add_medicinekind")
        return render(request, "care/medicines.html", {"table": table, "can_add": can_add})


def medicine_new(request):
    require_permission(request.user, "care.add_medicinekind")
    form = MedicineKindForm(request.POST or None)
    return service_form(
        request,
        form,
        lambda data: medicine_kind_add(actor=request.user, **data),
        title=_("A new medicine package"),
        success_message=_("Medicine package saved."),
        success_url=lambda _kind: reverse("care:medicines"),
        cancel_url=reverse("care:medicines"),
    )


def medicine_edit(request, pk: int):
    require_permission(request.user, "care.change_medicinekind")
    kind = get_object_or_404(MedicineKind, pk=pk)
    form = MedicineKindForm(request.POST or None, instance=kind)
    return service_form(
        request,
        form,
        lambda data: medicine_kind_update(
            actor=request.user, kind=kind, name=data["name"], contents=data["contents"], active=data["active"]
        ),
        title=_("Medicine package %(code)s") % {"code": kind.code},
        success_message=_("Medicine package saved."),
        success_url=lambda _kind: reverse("care:medicines"),
        cancel_url=reverse("care:medicines"),
    )


def _require_sites(user) -> None:
    if not any(has_permission_somewhere(user, permission) for permission in SEE_SITES):
        raise PermissionDenied


class SitesView(View):
    """Each concentrated site the user may see: its places, who is there, what is free."""

    def get(self, request):
        _require_sites(request.user)
        loads = site_loads(sites_for(request.user).order_by("name", "pk")[: settings.PHONGDICH_COUNT_CAP])
        capacity_scope = scope_of(request.user, "care.change_sitecapacity")
        editable = {load.site.pk for load in loads if capacity_scope.covers_path(load.site.unit.path)}
        table = SiteLoadTable(loads, editable=editable)
        RequestConfig(request, paginate={"per_page": settings.PHONGDICH_PAGE_SIZE}).configure(table)
        return render(request, "care/sites.html", {"table": table, "count": len(loads)})

    def post(self, request):
        _require_sites(request.user)
        return self.http_method_not_allowed(request)


def site_capacity(request, pk: int):
    require_permission(request.user, "care.change_sitecapacity")
    site = get_object_or_404(sites_for(request.user), pk=pk)
    if not scope_of(request.user, "care.change_sitecapacity").covers_path(site.unit.path):
        raise Http404  # seen, but not theirs to change: as if missing
    load = site_loads([site])[0]
    form = SiteCapacityForm(request.POST or None, initial={"places": load.places})
    if request.method == "POST" and form.is_valid():
        try:
            site_capacity_set(actor=request.user, site=site, places=form.cleaned_data["places"])
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Number of places saved."))
            return redirect("care:sites")
    return render(request, "care/site_capacity.html", {"form": form, "load": load})
