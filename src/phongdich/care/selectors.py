"""Reads of care that are more than a scoped queryset: an order read in full (audited), the people who may look
after an order, concentrated sites with their free places."""

from datetime import datetime, timedelta

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from phongdich.core import audit, clock
from phongdich.core.choices import AuditAction
from phongdich.core.rules import in_force
from phongdich.core.scoping import scope_of
from phongdich.places.models import Facility

from .choices import AlertStatus, OrderStatus, Severity
from .models import Alert, IsolationOrder, SelfReport, SiteCapacity, WarningRules
from .services.orders import CARE_FACILITY_KINDS
from .services.reports import MISSED_REPORT_KINDS
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


READINGS_SHOWN = 30


def missed_reports(orders: QuerySet, now: datetime | None = None) -> QuerySet:
    """Active orders of people at home not heard from for the rules' hours (since their last report, or since the
    order was recorded), the longest silent first; `heard_from` is annotated."""
    now = now or clock.now()
    hours = in_force(WarningRules, timezone.localdate(now)).missed_report_hours
    return (
        orders.filter(status=OrderStatus.ACTIVE, kind__in=MISSED_REPORT_KINDS)
        .annotate(heard_from=Coalesce("last_report_at", "created_at"))
        .filter(heard_from__lt=now - timedelta(hours=hours))
        .order_by(F("heard_from").asc(), "pk")
    )


def alert_queue(alerts: QuerySet) -> QuerySet:
    """The queue's order: escalated first (the district works those), then open before acknowledged, the severe
    before the moderate and the mild, then the nearest deadline."""
    waiting = Case(When(status=AlertStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    severity = Case(
        When(severity=Severity.SEVERE, then=Value(0)),
        When(severity=Severity.MODERATE, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return alerts.order_by(F("escalated_at").desc(nulls_last=True), waiting, severity, "acknowledge_by", "pk")


def alert_for_reading(user, pk: int) -> Alert:
    """An alert the user may see, its reading of a person's health written to the audit trail. Raises DoesNotExist."""
    alert = (
        Alert.objects.visible_to(user)
        .select_related("order", "unit", "facility", "report", "acknowledged_by", "closed_by")
        .get(pk=pk)
    )
    audit.record(actor=user, action=AuditAction.READ, instance=alert, person_id=alert.person_id)
    return alert


def readings_for_reading(user, order: IsolationOrder, limit: int = READINGS_SHOWN) -> list[SelfReport]:
    """The newest readings of an order the user has already opened in scope, the read audited."""
    reports = list(
        SelfReport.objects.filter(order=order).select_related("recorded_by").order_by("-measured_at")[:limit]
    )
    audit.record(
        actor=user,
        action=AuditAction.READ,
        object_type="care.selfreport",
        object_id=str(order.pk),
        object_repr=f"readings of order #{order.pk}",
        person_id=order.person_id,
        unit_path=audit.unit_path_of(order),
        detail={"order": order.pk, "readings": len(reports)},
    )
    return reports
