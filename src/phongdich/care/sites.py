"""Concentrated isolation sites as care sees them: the places each has, who is there now, what is free."""

from dataclasses import dataclass

from django.db.models import Count, Q

from phongdich.places.choices import FacilityKind
from phongdich.places.models import Facility

from .choices import OrderStatus
from .models import IsolationOrder, SiteCapacity

SITE_FACILITY_KINDS = (FacilityKind.ISOLATION_SITE, FacilityKind.ENTERPRISE_ISOLATION_SITE, FacilityKind.FIELD_HOSPITAL)


def sites_for(user):
    """The concentrated sites among the facilities the user may see."""
    return Facility.objects.visible_to(user).filter(kind__in=SITE_FACILITY_KINDS).select_related("unit")


@dataclass
class SiteLoad:
    site: Facility
    places: int | None  # None: no capacity recorded yet
    people: int  # active orders at the site
    households: int  # households among them; a person ordered without a household counts as one

    @property
    def free(self) -> int | None:
        return None if self.places is None else self.places - self.people

    @property
    def full(self) -> bool:
        return self.free is not None and self.free <= 0


def site_loads(sites) -> list[SiteLoad]:
    """Capacity and occupancy of each site, in the order given: two queries, whatever the number of sites."""
    sites = list(sites)
    ids = [site.pk for site in sites]
    places = dict(SiteCapacity.objects.filter(site_id__in=ids).values_list("site_id", "places"))
    counts = {row["site_id"]: row for row in occupancy(ids)}
    return [
        SiteLoad(
            site=site,
            places=places.get(site.pk),
            people=counts.get(site.pk, {}).get("people", 0),
            households=counts.get(site.pk, {}).get("households", 0),
        )
        for site in sites
    ]


def occupancy(site_ids: list[int]):
    """Active orders and households per site (`site_id`, `people`, `households`)."""
    return (
        IsolationOrder.objects.filter(site_id__in=site_ids, status=OrderStatus.ACTIVE)
        .order_by()
        .values("site_id")
        .annotate(
            people=Count("id"),
            households=Count("household_id", distinct=True) + Count("id", filter=Q(household_id__isnull=True)),
        )
    )


def people_at(site_id: int) -> int:
    return IsolationOrder.objects.filter(site_id=site_id, status=OrderStatus.ACTIVE).count()
