import io

import segno
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from phongdich.core.scoping import has_permission_somewhere

from .models import AdminUnit, Population, Venue
from .selectors import latest_populations, tree_roots, unit_children


def _require_units(user):
    if not has_permission_somewhere(user, "places.view_adminunit"):
        raise PermissionDenied


def tree(request):
    _require_units(request.user)
    roots = list(tree_roots(request.user))
    return render(request, "places/tree.html", {"units": roots, "populations": latest_populations(roots)})


def children(request, pk):
    """HTMX partial: the children of one unit, for expanding the tree."""
    _require_units(request.user)
    unit = get_object_or_404(AdminUnit.objects.visible_to(request.user), pk=pk)
    units = list(unit_children(request.user, unit))
    return render(request, "places/_children.html", {"units": units, "populations": latest_populations(units)})


def unit_detail(request, pk):
    _require_units(request.user)
    unit = get_object_or_404(AdminUnit.objects.visible_to(request.user), pk=pk)
    units = list(unit_children(request.user, unit))
    return render(
        request,
        "places/unit_detail.html",
        {
            "unit": unit,
            "ancestors": unit.ancestors(),
            "populations": Population.objects.filter(unit=unit).order_by("-year"),
            "children": units,
            "child_populations": latest_populations(units),
            "facilities": unit.facilities.all()[:100],
            "venues": Venue.objects.visible_to(request.user).filter(unit=unit)[:100],
            "can_view_people": has_permission_somewhere(request.user, "people.view_person"),
        },
    )


def venue_qr(request, pk, fmt):
    """The venue's check-in QR code (the signed token only), as PNG or SVG, error correction Q."""
    _require_units(request.user)
    venue = get_object_or_404(Venue.objects.visible_to(request.user), pk=pk)
    qr = segno.make(venue.qr_token, error="q", micro=False)
    buffer = io.BytesIO()
    if fmt == "svg":
        qr.save(buffer, kind="svg", scale=8, border=4, title=venue.name)
        content_type = "image/svg+xml"
    else:
        qr.save(buffer, kind="png", scale=10, border=4)
        content_type = "image/png"
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="venue-{venue.pk}.{fmt}"'
    return response
