"""Reads of care that are more than a scoped queryset: an order read in full (audited), the people who may look
after an order, concentrated sites with their free places."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from phongdich.core import audit
from phongdich.core.choices import AuditAction
from phongdich.core.scoping import scope_of
from phongdich.places.models import Facility

from .choices import OrderStatus
from .models import IsolationOrder, SiteCapacity
from .services.orders import CARE_FACILITY_KINDS
from .sites import SITE_FACILITY_KINDS

CARE_PERMISSION = "care.add_carecontact"  # who visits, calls and hands out medicine


def order_for_reading(user, pk: int) -> IsolationOrder:
    """An order the user may see, with the read of this health record written to the audit trail. Raises
    DoesNotExist."""
    order = (
        IsolationOrder.objects.visible_to(user)
        .select_related("unit", "rules", "site", "facility", "responsible", "case", "source_task")
        .get(pk=pk)
    )
    audit.record(
        actor=user, action=AuditAction.READ, instance=order, person_id=order.person_id, unit_path=order.unit.path
    )
    return order


def orders_of(user, person) -> QuerySet:
    """A person's orders the user may see, newest first."""
    return (
        IsolationOrder.objects.visible_to(user)
        .filter(person=person)
        .select_related("site", "facility")
        .order_by("-starts_on", "-id")
    )


def _carer_roles() -> list[str]:
    from phongdich.accounts.roles import ROLE_PERMISSIONS

    return [role for role, granted in ROLE_PERMISSIONS.items() if CARE_PERMISSION in granted]


def carers_for(order: IsolationOrder) -> QuerySet:
    """Users who may look after this order: their assignment's unit is the order's or one above it, or they work
    at the facility following it, at its site, or at the health station of its ward."""
    from phongdich.accounts.models import User
    from phongdich.accounts.roles import SERVES_ITS_WARD

    parts = order.unit.path.rstrip("/").split("/")
    paths = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    facilities = [pk for pk in (order.facility_id, order.site_id) if pk]
    where = (
        Q(role_assignments__unit__path__in=paths)
        | Q(role_assignments__facility_id__in=facilities)
        | Q(role_assignments__facility__unit__path__in=paths, role_assignments__facility__kind__in=SERVES_ITS_WARD)
    )
    return (
        User.objects.filter(where, is_active=True, role_assignments__role__in=_carer_roles())
        .distinct()
        .order_by("full_name", "username")
    )


def carers_near(user) -> QuerySet:
    """Users who may look after orders where `user` orders isolation: assigned inside the user's area or above
    it, or at a facility inside it. The service checks the one chosen against the person's residence."""
    from phongdich.accounts.models import User

    scope = scope_of(user, "care.add_isolationorder")
    users = User.objects.filter(is_active=True)
    if scope.is_empty:
        return users.none()
    roles = _carer_roles()
    if scope.everywhere:
        return users.filter(role_assignments__role__in=roles).distinct().order_by("full_name", "username")
    where = Q(role_assignments__facility_id__in=scope.facility_ids)
    for root in scope.unit_paths:
        parts = root.rstrip("/").split("/")
        above = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
        where |= Q(role_assignments__unit__path__prefix=root) | Q(role_assignments__unit__path__in=above)
        where |= Q(role_assignments__facility__unit__path__prefix=root)
    return users.filter(where, role_assignments__role__in=roles).distinct().order_by("full_name", "username")


def sites_with_room() -> QuerySet:
    """Concentrated sites with their `places` (None: not recorded) and `taken` (people under an active order)."""
    taken = (
        IsolationOrder.objects.filter(site=OuterRef("pk"), status=OrderStatus.ACTIVE)
        .order_by()
        .values("site")
        .annotate(n=Count("pk"))
        .values("n")
    )
    places = SiteCapacity.objects.filter(site=OuterRef("pk")).values("places")[:1]
    return (
        Facility.objects.filter(kind__in=SITE_FACILITY_KINDS)
        .annotate(
            places=Subquery(places, output_field=IntegerField()),
            taken=Coalesce(Subquery(taken, output_field=IntegerField()), 0),
        )
        .select_related("unit")
        .order_by("name")
    )


def care_facilities(user) -> QuerySet:
    """Health facilities that may follow an order, among those the user may see."""
    return Facility.objects.visible_to(user).filter(kind__in=CARE_FACILITY_KINDS).order_by("name")
