"""Supplies of the treatment tower: oxygen, drugs, test kits and protective equipment counted per facility.

A facility's stock of an item (`StockLevel`) changes only through a movement (`StockMovement`, written by
care.supplies.services in the same transaction), and the database refuses a stock below zero. A donation in kind
(`Donation`) lists what was received; each allocation to a facility is a receipt there that names the donation."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from phongdich.core import clock
from phongdich.core.scoping import ScopedQuerySet

from .choices import Category, DonorKind, MovementKind

__all__ = ["SupplyItem", "StockLevel", "StockMovement", "Donation", "DonationLine"]


class SupplyItem(models.Model):
    """One thing counted in stock, in its unit of measure: data kept by the province's administrators."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=150)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    unit_of_measure = models.CharField(
        _("unit of measure"), max_length=20, help_text=_("lít, bình, máy, hộp, bộ, viên …")
    )
    medicine = models.ForeignKey(
        "care.MedicineKind",
        verbose_name=_("medicine package"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supply_items",
    )
    consumable = models.BooleanField(
        _("used up"),
        default=True,
        help_text=_(
            "Untick for equipment that is not used up (an oxygen concentrator): its stock is shown, never days of"
            " cover nor a low-stock alert."
        ),
    )
    low_cover_days = models.PositiveSmallIntegerField(
        _("alert below (days of cover)"),
        default=3,
        help_text=_("A facility's stock is low when it lasts fewer days than this at its average daily use."),
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("supply item")
        verbose_name_plural = _("supply items")
        ordering = ["category", "code"]

    def __str__(self) -> str:
        return self.name


class StockLevel(models.Model):
    """What a facility holds of an item now."""

    facility = models.ForeignKey(
        "places.Facility", verbose_name=_("facility"), on_delete=models.PROTECT, related_name="stock_levels"
    )
    item = models.ForeignKey(SupplyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="levels")
    quantity = models.BigIntegerField(_("on hand"), default=0)
    updated_at = models.DateTimeField(_("updated"), default=clock.now)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "facility__unit"
    scope_facility_lookup = "facility_id"

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["facility__name", "item__category", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "item"], name="one_stock_level_per_facility_item"),
            models.CheckConstraint(name="stock_never_negative", condition=Q(quantity__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id}/{self.item_id}: {self.quantity}"


class Donation(models.Model):
    """Goods given in kind by an organisation or a person, received by a unit (the province, a district …)."""

    donor_name = models.CharField(_("donor"), max_length=200)
    donor_kind = models.CharField(_("donor type"), max_length=12, choices=DonorKind.choices)
    donor_contact = models.CharField(_("contact"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("received by"), on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("received on"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded"), default=clock.now, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.donor_name} ({self.received_on:%d/%m/%Y})"


class DonationLine(models.Model):
    """One item of a donation and how much of it was received."""

    donation = models.ForeignKey(Donation, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(SupplyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveBigIntegerField(_("quantity received"))

    class Meta:
        verbose_name = _("donated item")
        verbose_name_plural = _("donated items")
        constraints = [
            models.UniqueConstraint(fields=["donation", "item"], name="one_line_per_donated_item"),
            models.CheckConstraint(name="donated_quantity_positive", condition=Q(quantity__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} × {self.quantity}"


class StockMovement(models.Model):
    """Stock in or out of a facility. `quantity` is what moved (for a stock count: what the count found);
    `effect` is the signed change it made to the stock. A transfer is two movements, written together, each naming
    the other facility as `counterpart`. `idempotency_key`, chosen by the client, makes a retried request a no-op."""

    facility = models.ForeignKey(
        "places.Facility", verbose_name=_("facility"), on_delete=models.PROTECT, related_name="stock_movements"
    )
    item = models.ForeignKey(SupplyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=12, choices=MovementKind.choices)
    quantity = models.PositiveBigIntegerField(_("quantity"))
    effect = models.BigIntegerField(_("change to stock"))
    occurred_on = models.DateField(_("day"), db_index=True)
    occurred_at = models.DateTimeField(_("time"), default=clock.now)
    counterpart = models.ForeignKey(
        "places.Facility",
        verbose_name=_("other facility"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    donation = models.ForeignKey(
        Donation,
        verbose_name=_("donation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded"), default=clock.now, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "facility__unit"
    scope_facility_lookup = "facility_id"

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["facility", "item", "kind", "occurred_on"])]
        constraints = [
            models.CheckConstraint(
                name="movement_moves_something",
                condition=Q(quantity__gt=0) | Q(kind=MovementKind.ADJUSTMENT),
            ),
            models.CheckConstraint(
                name="transfer_names_its_counterpart",
                condition=~Q(kind__in=[MovementKind.TRANSFER_OUT, MovementKind.TRANSFER_IN])
                | Q(counterpart__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
