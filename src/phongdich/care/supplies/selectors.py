"""Reads of supplies: the facilities a user keeps stock for, each facility's stock with its average daily use and
days of cover, the low-stock alerts, and what a donation has left to allocate. Each list costs one query whatever
the number of facilities."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from phongdich.core import clock
from phongdich.core.scoping import scope_filter, scope_of
from phongdich.places.choices import FacilityKind
from phongdich.places.models import Facility

from .choices import MovementKind
from .models import Donation, DonationLine, StockLevel, StockMovement

# The facilities that keep stock: treatment and isolation places of the tower, and the communes' health stations.
SUPPLY_FACILITY_KINDS = (
    FacilityKind.HOSPITAL,
    FacilityKind.FIELD_HOSPITAL,
    FacilityKind.ISOLATION_SITE,
    FacilityKind.ENTERPRISE_ISOLATION_SITE,
    FacilityKind.COMMUNE_HEALTH_STATION,
    FacilityKind.MOBILE_STATION,
)
USE_DAYS = 7  # days of issues the average daily use is taken over


def facilities_for(user, permission: str = "care.view_stocklevel"):
    """The facilities keeping stock in which `user` holds `permission` (through their unit or as their own)."""
    scope = scope_of(user, permission)
    facilities = Facility.objects.filter(kind__in=SUPPLY_FACILITY_KINDS)
    if scope.everywhere:
        return facilities
    if scope.is_empty:
        return facilities.none()
    return facilities.filter(scope_filter(Facility, scope) | Q(pk__in=scope.facility_ids))


@dataclass
class StockRow:
    level: StockLevel
    used: int  # issued over the last USE_DAYS days

    @property
    def facility(self):
        return self.level.facility

    @property
    def item(self):
        return self.level.item

    @property
    def on_hand(self) -> int:
        return self.level.quantity

    @property
    def daily_use(self) -> float:
        return self.used / USE_DAYS

    @property
    def consumable(self) -> bool:
        return self.item.consumable

    @property
    def cover_days(self) -> float | None:
        """How many days the stock lasts at the average daily use; None when nothing was used, or for equipment
        (an item not used up)."""
        return self.on_hand / self.daily_use if self.used and self.consumable else None

    @property
    def low(self) -> bool:
        if not (self.used and self.consumable):
            return False
        return self.on_hand == 0 or self.on_hand * USE_DAYS < self.item.low_cover_days * self.used


def with_use(levels):
    """Stock levels annotated with `used`: what each facility issued of the item over the last USE_DAYS days."""
    today = clock.today()
    issued = (
        StockMovement.objects.filter(
            facility_id=OuterRef("facility_id"),
            item_id=OuterRef("item_id"),
            kind=MovementKind.ISSUE,
            occurred_on__gt=today - timedelta(days=USE_DAYS),
            occurred_on__lte=today,
        )
        .order_by()
        .values("facility_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return levels.annotate(
        used=Coalesce(Subquery(issued), Value(0), output_field=IntegerField()),
        week_of_stock=F("quantity") * USE_DAYS,
    )


def low_condition() -> Q:
    """The rows of `with_use` whose stock lasts fewer days than the item's threshold (or is gone while in use);
    never equipment, which is not used up."""
    return Q(item__consumable=True, used__gt=0) & (
        Q(quantity=0) | Q(week_of_stock__lt=F("item__low_cover_days") * F("used"))
    )


def stock_rows(facilities, *, category: str = "", low_only: bool = False) -> list[StockRow]:
    """Each item held by each of `facilities` (a queryset or a list), with its use and days of cover: one query."""
    levels = StockLevel.objects.filter(facility__in=facilities).select_related("facility__unit", "item")
    if category:
        levels = levels.filter(item__category=category)
    levels = with_use(levels)
    if low_only:
        levels = levels.filter(low_condition())
    rows = [StockRow(level=level, used=level.used) for level in levels]
    return [row for row in rows if row.low] if low_only else rows


def low_stock(user) -> list[StockRow]:
    """The low-stock alerts of the facilities the user sees, the shortest cover first."""
    rows = stock_rows(facilities_for(user), low_only=True)
    return sorted(rows, key=lambda row: (row.cover_days or 0, row.facility.name))


def low_stock_count(user) -> int:
    levels = with_use(StockLevel.objects.filter(facility__in=facilities_for(user)))
    return levels.filter(low_condition()).count()


def movements_of(facility, limit: int = 50) -> list[StockMovement]:
    movements = StockMovement.objects.filter(facility=facility)
    return list(movements.select_related("item", "counterpart", "donation", "recorded_by")[:limit])


@dataclass
class DonationLineState:
    line: DonationLine
    allocated: int

    @property
    def left(self) -> int:
        return self.line.quantity - self.allocated


def donation_lines(donation: Donation) -> list[DonationLineState]:
    """Each item of a donation: received, allocated so far, left to allocate (two queries)."""
    totals = donation.allocations.order_by().values("item_id").annotate(total=Sum("quantity"))
    allocated = dict(totals.values_list("item_id", "total"))
    lines = donation.lines.select_related("item").order_by("item__category", "item__code")
    return [DonationLineState(line=line, allocated=allocated.get(line.item_id, 0)) for line in lines]


def donations_with_totals(donations):
    """Donations with `received` (sum of its lines) and `allocated` (sum of its receipts), for a list."""
    received = DonationLine.objects.filter(donation=OuterRef("pk")).order_by().values("donation")
    allocated = StockMovement.objects.filter(donation=OuterRef("pk")).order_by().values("donation")
    return donations.annotate(
        items=Coalesce(Subquery(received.annotate(n=Count("pk")).values("n")), Value(0)),
        received=Coalesce(Subquery(received.annotate(total=Sum("quantity")).values("total")), Value(0)),
        allocated=Coalesce(Subquery(allocated.annotate(total=Sum("quantity")).values("total")), Value(0)),
    )
