"""/api/v1/care/rules/…: the versions of care's rule sets (and a new version of the isolation rules);
/api/v1/care/sites: concentrated sites with their places and occupancy, and setting the places."""

from datetime import date, datetime

from django.http import Http404
from ninja import Router, Schema, Status

from phongdich.core.api import lookup
from phongdich.core.pagination import keyset_page
from phongdich.core.scoping import require_permission, scope_of

from ..models import EligibilityRules, IsolationRules, WarningRules
from ..services import isolation_rules_add, site_capacity_set
from ..sites import SiteLoad, site_loads, sites_for

router = Router(tags=["care"])


class IsolationRulesOut(Schema):
    id: int
    effective_from: date
    source_document: str
    document_date: date | None
    durations: dict
    recovered_months: int
    ends_kinds: list[str]
    discharge: dict
    applied_at: datetime | None


class IsolationRulesIn(Schema):
    effective_from: date
    source_document: str
    document_date: date
    durations: dict
    recovered_months: int = 6
    ends_kinds: list[str] = []
    discharge: dict = {}


class EligibilityRulesOut(Schema):
    id: int
    effective_from: date
    source_document: str
    document_date: date | None
    criteria: list


class WarningRulesOut(Schema):
    id: int
    effective_from: date
    source_document: str
    document_date: date | None
    thresholds: dict
    warning_symptoms: list[str]
    severity: dict
    acknowledge_minutes: int
    escalate_minutes: int
    missed_report_hours: int


def _versions(request, model):
    require_permission(request.user, f"care.view_{model._meta.model_name}")
    return list(model.objects.order_by("-effective_from"))


@router.get(
    "/rules/isolation", response=list[IsolationRulesOut], summary="Versions of the isolation rules, newest first"
)
def list_isolation_rules(request):
    return _versions(request, IsolationRules)


@router.post(
    "/rules/isolation",
    response={201: IsolationRulesOut},
    summary="A new version of the isolation rules (province-level administrators)",
)
def create_isolation_rules(request, payload: IsolationRulesIn):
    require_permission(request.user, "care.add_isolationrules")
    return Status(201, isolation_rules_add(actor=request.user, **payload.dict()))


@router.get(
    "/rules/eligibility",
    response=list[EligibilityRulesOut],
    summary="Versions of the home-treatment eligibility rules, newest first",
)
def list_eligibility_rules(request):
    return _versions(request, EligibilityRules)


@router.get(
    "/rules/warning", response=list[WarningRulesOut], summary="Versions of the warning-sign rules, newest first"
)
def list_warning_rules(request):
    return _versions(request, WarningRules)


class SiteOut(Schema):
    id: int
    name: str
    kind: str
    unit_id: int
    unit_name: str
    places: int | None
    people: int
    households: int
    free: int | None


class SitePage(Schema):
    items: list[SiteOut]
    next_cursor: str | None


class PlacesIn(Schema):
    places: int


def _site_out(load: SiteLoad) -> dict:
    site = load.site
    return {
        "id": site.pk,
        "name": site.name,
        "kind": site.kind,
        "unit_id": site.unit_id,
        "unit_name": site.unit.name,
        "places": load.places,
        "people": load.people,
        "households": load.households,
        "free": load.free,
    }


def _require_sites(user) -> None:
    if not scope_of(user, "care.change_sitecapacity").is_empty:
        return
    require_permission(user, "care.view_isolationorder")


@router.get("/sites", response=SitePage, summary="Concentrated sites with their places, people there and free places")
def list_sites(request, cursor: str | None = None, limit: int = 50):
    _require_sites(request.user)
    sites, next_cursor = keyset_page(sites_for(request.user), ("name", "id"), cursor, max(1, min(limit, 200)))
    return {"items": [_site_out(load) for load in site_loads(sites)], "next_cursor": next_cursor}


@router.post("/sites/{site_id}/capacity", response=SiteOut, summary="Set a site's places (never below its occupancy)")
def set_site_capacity(request, site_id: int, payload: PlacesIn):
    require_permission(request.user, "care.change_sitecapacity")
    site = lookup(request.user, sites_for(request.user), site_id, action=None)
    if not scope_of(request.user, "care.change_sitecapacity").covers_path(site.unit.path):
        raise Http404
    site_capacity_set(actor=request.user, site=site, places=payload.places)
    return _site_out(site_loads([site])[0])
