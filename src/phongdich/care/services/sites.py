"""The places of a concentrated isolation site."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phongdich.core import audit
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import OutOfScope, scope_of
from phongdich.core.templatetags.humanize_vi import num
from phongdich.places.models import Facility

from ..models import SiteCapacity
from ..sites import SITE_FACILITY_KINDS, people_at

MOST_PLACES = 100_000


def site_capacity_set(*, actor, site: Facility, places: int) -> SiteCapacity:
    """Record how many people a concentrated site can hold; never fewer than are there now. The capacity row is
    locked while occupancy is counted, so an order placing someone at the site (which locks it too) waits."""
    with transaction.atomic():
        site = Facility.objects.select_related("unit").get(pk=site.pk)
        if not scope_of(actor, "care.change_sitecapacity").covers_path(site.unit.path):
            raise OutOfScope(_("No such site in your jurisdiction."))
        if site.kind not in SITE_FACILITY_KINDS:
            raise ValidationError({"site": _("Only a concentrated isolation site has places to set.")})
        capacity = SiteCapacity.objects.select_for_update().filter(site=site).first()
        if not 0 <= places <= MOST_PLACES:
            raise ValidationError({"places": _("Between 0 and %(most)s places.") % {"most": num(MOST_PLACES)}})
        people = people_at(site.pk)
        if places < people:
            raise ValidationError(
                {
                    "places": _("%(people)s people are at this site now: it cannot have fewer places until some leave.")
                    % {"people": num(people)}
                }
            )
        before = audit.snapshot(capacity, ["places"]) if capacity else None
        if capacity is None:
            capacity = SiteCapacity.objects.create(site=site, places=places)
        else:
            capacity.places = places
            capacity.save(update_fields=["places", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            instance=capacity,
            object_repr=site.name,
            unit_path=site.unit.path,
            before=before,
            after={"places": places},
        )
    return capacity
