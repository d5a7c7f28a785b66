"""The lockdown areas' pages: the list with its figures (early endings, durations), an area's page (its units,
addresses, boundary, dates, conditions for leaving, residents and their test to leave, the testing rounds over
it), declaring an area, extending it, lifting it, and planning the testing round of its residents."""

import math
from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.models import AuditEvent
from phongdich.core.scoping import has_permission_somewhere, require_permission, scope_of
from phongdich.core.views import add_form_errors, post_action

from ..models import Zone
from .filtersets import ZoneFilterSet
from .forms import EndForm, ExtendForm, TestingRoundForm, ZoneForm
from .selectors import leave_test_progress, leave_test_results, rounds_over, state_of, zone_figures, zone_residents
from .services import zone_declare, zone_end, zone_extend, zone_testing_round

ZONES_PER_PAGE = 50
RESIDENTS_PER_PAGE = 50


def zones_view(request):
    """The areas the user may see, newest first, with the figures of those the unit and kind filters keep."""
    require_permission(request.user, "levels.view_zone")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    user = request.user
    visible = Zone.objects.visible_to(user)
    filterset = ZoneFilterSet(request.GET, queryset=visible, user=user)
    zones = filterset.qs if filterset.is_valid() else visible.none()
    unstated = ZoneFilterSet({k: v for k, v in request.GET.items() if k != "state"}, queryset=visible, user=user)
    figures = zone_figures(unstated.qs if unstated.is_valid() else visible.none())
    page = Paginator(zones.select_related("unit").order_by("-starts_at", "-pk"), ZONES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    now = clock.now()
    for zone in page:
        zone.state = state_of(zone, now)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "figures": figures,
        "page": page,
        "query": query.urlencode(),
        "can_add": has_permission_somewhere(user, "levels.add_zone"),
        "zone_base": reverse("levels:zone", args=[0]).removesuffix("0/"),
    }
    return render(request, "levels/zones/list.html", context)


def zone_view(request, pk):
    """An area in full. Its residents are counted for everyone who sees the area; named, a page at a time (each
    page's read audited with the area's unit), for those who may see people there."""
    require_permission(request.user, "levels.view_zone")
    user = request.user
    zone = get_object_or_404(Zone.objects.visible_to(user).select_related("unit__parent", "created_by"), pk=pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    residents = zone_residents(zone)
    count = residents.count()
    state = state_of(zone)
    open_ = zone.ended_at is None
    context = {
        "zone": zone,
        "state": state,
        "ended": not open_,
        "units": list(zone.units.select_related("parent").order_by("path")),
        "residents_count": count,
        "progress": leave_test_progress(zone, residents) if count else None,
        "polygon": polygon_drawing(zone.polygon),
        "extensions": extensions_of(zone),
        "duration_days": _duration_days(zone),
        "can_change": open_ and Zone.objects.restrict(user, "change").filter(pk=pk).exists(),
        "rounds": list(rounds_over(zone, user)) if has_permission_somewhere(user, "labs.view_testinground") else [],
    }
    if open_ and scope_of(user, "labs.add_testinground").covers_path(zone.unit.path):
        today = clock.today()
        context["round_form"] = TestingRoundForm(
            initial={"starts_on": max(today, timezone.localdate(zone.starts_at)), "ends_on": _planned_end_day(zone)}
        )
    if scope_of(user, "people.view_person").covers_path(zone.unit.path):
        context |= _residents_page(request, zone, residents)
    return render(request, "levels/zones/detail.html", context)


def _planned_end_day(zone: Zone):
    return max(clock.today(), timezone.localdate(zone.planned_end_at))


def _duration_days(zone: Zone) -> float:
    end = zone.ended_at or max(clock.now(), zone.starts_at)
    return (end - zone.starts_at).total_seconds() / 86_400


def _residents_page(request, zone: Zone, residents) -> dict:
    people = residents.restrict(request.user, "view").select_related("unit__parent")
    people = people.order_by("unit__path", "name_search", "pk")
    page = Paginator(people, RESIDENTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page)
    standing = leave_test_results(zone, [person.pk for person in rows]) if zone.leave_test else {}
    for person in rows:
        person.leave_standing = standing.get(person.pk, "")
    if rows:
        audit.record(
            actor=request.user,
            action=AuditAction.READ,
            object_type="people.person",
            object_repr=_("Residents of the lockdown area %(zone)s") % {"zone": zone.name},
            unit_path=zone.unit.path,
            detail={"zone": zone.pk, "page": page.number, "persons": len(rows)},
        )
    return {"sees_residents": True, "residents_page": page, "residents": rows}


# The named actors of code (core.audit): what a page calls them instead of their bare name.
SYSTEM_ACTORS = {
    "demo": _lazy("system (demo data)"),
    "cli": _lazy("system (command line)"),
    "system": _lazy("system"),
}


def actor_name(event: AuditEvent) -> str:
    """Who an audit row says acted, for a page: a user by their name (their username without one), the named
    actors of code by what they are ("demo" is the demo's builder), anything else as the audit wrote it."""
    if event.actor is not None:
        return str(event.actor)
    label = event.actor_label
    return str(SYSTEM_ACTORS[label]) if label in SYSTEM_ACTORS else label


def extensions_of(zone: Zone) -> list[dict]:
    """Each extension of the planned end, oldest first, from the zone's audit trail: from, to, why, when on the
    domain's clock (the machine's time for a row recorded before the service kept it) and by whom."""
    events = AuditEvent.objects.filter(object_type="levels.zone", object_id=str(zone.pk), action=AuditAction.UPDATE)
    found = []
    for event in events.select_related("actor").order_by("at", "pk"):
        detail, before, after = event.detail or {}, event.before or {}, event.after or {}
        if "extension" in detail and "planned_end_at" in after:
            found.append(
                {
                    "at": _parsed(detail.get("recorded_at")) or event.at,
                    "by": actor_name(event),
                    "from": _parsed(before.get("planned_end_at")),
                    "to": _parsed(after["planned_end_at"]),
                    "reason": detail["extension"],
                }
            )
    return found


def _parsed(value):
    return datetime.fromisoformat(value) if value else None


def polygon_drawing(polygon: dict | None) -> dict | None:
    """A boundary as SVG polygons in a 100 by 100 box (north up, longitude scaled by the latitude), no map needed."""
    if not polygon:
        return None
    parts = [polygon["coordinates"]] if polygon["type"] == "Polygon" else polygon["coordinates"]
    rings = [ring for part in parts for ring in part]
    xs = [position[0] for ring in rings for position in ring]
    ys = [position[1] for ring in rings for position in ring]
    stretch = math.cos(math.radians((min(ys) + max(ys)) / 2))
    width, height = (max(xs) - min(xs)) * stretch, max(ys) - min(ys)
    scale = 100 / max(width, height, 1e-9)

    def point(position) -> str:
        x = (position[0] - min(xs)) * stretch * scale
        y = (max(ys) - position[1]) * scale
        return f"{x:.2f},{y:.2f}"

    return {
        "rings": [" ".join(point(position) for position in ring) for ring in rings],
        "viewbox": f"-2 -2 {width * scale + 4:.2f} {height * scale + 4:.2f}",
        "positions": len(xs),
    }


def zone_new_view(request):
    """Declare a lockdown area or red point."""
    require_permission(request.user, "levels.add_zone")
    form = ZoneForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            zone = zone_declare(
                actor=request.user,
                kind=data["kind"],
                name=data["name"],
                unit=data["unit"],
                units=list(data["units"]),
                addresses=data["addresses"],
                polygon=data["polygon"],
                starts_at=data["starts_at"],
                planned_end_at=data["planned_end_at"],
                leave_test=data["leave_test"],
                leave_conditions=data["leave_conditions"],
                reason=data["reason"],
                decision=data["decision"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Lockdown area declared."))
            return redirect("levels:zone", zone.pk)
    context = {"form": form, "title": _("Declare a lockdown area"), "cancel_url": reverse("levels:zones")}
    return render(request, "levels/zones/form.html", context)


def _zone_to_change(request, pk: int) -> Zone:
    require_permission(request.user, "levels.change_zone")
    return get_object_or_404(Zone.objects.restrict(request.user, "change").select_related("unit"), pk=pk)


def zone_end_view(request, pk):
    """Lift a lockdown: before its planned end, with the reason it ends early. The residents' standing with the
    test to leave is shown above the form."""
    zone = _zone_to_change(request, pk)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            zone_end(actor=request.user, zone=zone, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Lockdown lifted."))
            return redirect("levels:zone", zone.pk)
    context = {
        "form": form,
        "zone": zone,
        "title": _("Lift the lockdown of %(zone)s") % {"zone": zone.name},
        "cancel_url": reverse("levels:zone", args=[zone.pk]),
        "progress": leave_test_progress(zone) if zone.ended_at is None else None,
    }
    return render(request, "levels/zones/end.html", context)


def zone_extend_view(request, pk):
    """Move an open lockdown's planned end later, with the reason."""
    zone = _zone_to_change(request, pk)
    form = ExtendForm(request.POST or None, initial={"planned_end_at": timezone.localtime(zone.planned_end_at)})
    if request.method == "POST" and form.is_valid():
        try:
            zone_extend(actor=request.user, zone=zone, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("Lockdown extended."))
            return redirect("levels:zone", zone.pk)
    context = {
        "form": form,
        "zone": zone,
        "title": _("Extend the lockdown of %(zone)s") % {"zone": zone.name},
        "cancel_url": reverse("levels:zone", args=[zone.pk]),
    }
    return render(request, "levels/zones/extend.html", context)


@require_POST
def zone_testing_round_view(request, pk):
    """Plan the testing round of an open area's residents (labs' rounds); on to the round's page."""
    require_permission(request.user, "labs.add_testinground")
    zone = get_object_or_404(Zone.objects.visible_to(request.user).select_related("unit"), pk=pk)
    if not scope_of(request.user, "labs.add_testinground").covers_path(zone.unit.path):
        raise Http404
    created = []

    def plan(data):
        created.append(zone_testing_round(actor=request.user, zone=zone, **data))

    post_action(request, TestingRoundForm(request.POST), plan, _("Testing round planned for the residents."))
    if created:
        return redirect(created[0].get_absolute_url())
    return redirect("levels:zone", zone.pk)
