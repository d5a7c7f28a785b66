"""Vaccination's parts of the home page (core/desk.py): doses given today, and who still has no dose."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.core.desk import Figure, Part
from phongdich.core.pagination import capped_count
from phongdich.core.scoping import has_permission_somewhere, scope_of

from .forms import sites_for
from .models import Dose
from .selectors import priority_list


def area_doses(request, assignment) -> Part | None:
    """Doses given today at the sites of the officer's area, and the area's priority people with no dose yet."""
    user, unit = request.user, assignment.unit
    if not has_permission_somewhere(user, "vaccination.view_delivery"):
        return None
    sites = sites_for(user, "vaccination.view_delivery").filter(unit__path__startswith=unit.path)
    figures = [doses_today(sites)]
    if scope_of(user, "people.view_person").covers_path(unit.path):
        due = priority_figure(unit, reverse("vaccination:priority", args=[unit.pk]))
        figures.append(due)
    return Part(_("Vaccination"), figures)


def site(request, assignment) -> Part:
    """A site's doses today, and how many priority people of its ward have no dose yet (a figure: the site's staff
    do not read the ward's register)."""
    facility = assignment.facility
    ward = facility.unit
    figures = [doses_today(sites_for(request.user, "vaccination.view_delivery").filter(pk=facility.pk))]
    figures.append(priority_figure(ward, reverse("vaccination:coverage_unit", args=[ward.pk])))
    return Part(_("Vaccination"), figures)


def doses_today(sites) -> Figure:
    """Today's column of the sites page."""
    count = Dose.objects.filter(site__in=sites, given_on=clock.today()).count()
    return Figure(_("Doses today"), reverse("vaccination:sites"), count)


def priority_figure(unit, url: str) -> Figure:
    count, capped = capped_count(priority_list(unit), settings.PHONGDICH_COUNT_CAP)
    return Figure(_("Priority people with no dose yet"), url, count, capped)
