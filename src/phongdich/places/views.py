import io

import segno
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phongdich.core.scoping import has_permission_somewhere
from phongdich.core.views import ScopedListView, service_form

from .filtersets import FacilityFilterSet, VenueFilterSet
from .forms import FacilityForm, VenueForm
from .models import AdminUnit, Facility, Population, Venue
from .posters import poster_pdf, poster_png
from .selectors import latest_populations, tree_roots, unit_children
from .services import facility_save, venue_save
from .tables import FacilityTable, VenueTable


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
            "facilities": Facility.objects.visible_to(request.user).filter(unit=unit)[:100],
            "venues": Venue.objects.visible_to(request.user).filter(unit=unit)[:100],
            "can_view_people": has_permission_somewhere(request.user, "people.view_person"),
            "sections": unit_sections(request.user, unit),
        },
    )


# What the domain apps add to a unit's page: each names a function (user, unit) -> (template, context) or None.
UNIT_SECTIONS = ("phongdich.care.figures.unit_section",)


def unit_sections(user, unit) -> list[tuple[str, dict]]:
    sections = (import_string(path)(user, unit) for path in UNIT_SECTIONS)
    return [section for section in sections if section]


def venue_qr(request, pk, fmt):
    """The venue's check-in QR code (the public check-in address with the signed token), as PNG or SVG."""
    _require_units(request.user)
    venue = get_object_or_404(Venue.objects.visible_to(request.user), pk=pk)
    qr = segno.make(venue.checkin_url, error="q", micro=False)
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


def venue_poster(request, pk, fmt):
    """A printable A5 check-in poster for the venue, PDF or PNG, in Vietnamese."""
    _require_units(request.user)
    venue = get_object_or_404(Venue.objects.visible_to(request.user).select_related("unit__parent"), pk=pk)
    body, content_type = (poster_pdf(venue), "application/pdf") if fmt == "pdf" else (poster_png(venue), "image/png")
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="poster-{venue.pk}.{fmt}"'
    return response


class PlaceListView(ScopedListView):
    """A register of places (venues, facilities) with a button to add one where the role allows."""

    template_name = "places/place_list.html"
    create_url_name = ""
    create_label = ""

    def base_queryset(self):
        return super().base_queryset().select_related("unit__parent").order_by("name", "id")

    def extra_context(self):
        add_permission = f"places.add_{self.model._meta.model_name}"
        return {
            "create_url": reverse(self.create_url_name),
            "create_label": self.create_label,
            "can_add": has_permission_somewhere(self.request.user, add_permission),
        }


class VenueListView(PlaceListView):
    model = Venue
    filterset_class = VenueFilterSet
    table_class = VenueTable
    permission = "places.view_venue"
    title = gettext_lazy("Venues with a QR code")
    create_url_name = "places:venue_create"
    create_label = gettext_lazy("Register a venue")


class FacilityListView(PlaceListView):
    model = Facility
    filterset_class = FacilityFilterSet
    table_class = FacilityTable
    permission = "places.view_facility"
    title = gettext_lazy("Facilities")
    create_url_name = "places:facility_create"
    create_label = gettext_lazy("Register a facility")


def venue_create(request):
    return _place_form(request, VenueForm, Venue, None, venue_save, "venue", "places:venues", _("Register a venue"))


def venue_edit(request, pk):
    venue = get_object_or_404(Venue.objects.restrict(request.user, "change"), pk=pk)
    return _place_form(request, VenueForm, Venue, venue, venue_save, "venue", "places:venues", str(venue))


def facility_create(request):
    return _place_form(
        request, FacilityForm, Facility, None, facility_save, "facility", "places:facilities", _("Register a facility")
    )


def facility_edit(request, pk):
    facility = get_object_or_404(Facility.objects.restrict(request.user, "change"), pk=pk)
    return _place_form(
        request, FacilityForm, Facility, facility, facility_save, "facility", "places:facilities", str(facility)
    )


def _place_form(request, form_class, model, instance, save, keyword: str, list_url: str, title):
    permission = f"places.{'add' if instance is None else 'change'}_{model._meta.model_name}"
    if not has_permission_somewhere(request.user, permission):
        raise PermissionDenied
    form = form_class(request.POST or None, instance=instance, user=request.user, permission=permission)
    return service_form(
        request,
        form,
        lambda data: save(actor=request.user, **{keyword: instance}, **data),
        title=title,
        success_message=_("Saved."),
        success_url=lambda saved: reverse(list_url),
        cancel_url=reverse(list_url),
    )
