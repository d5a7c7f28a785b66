"""Tables of the supplies pages: stock rows (care.supplies.selectors.StockRow), donations, the item catalogue."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from phongdich.core.tables import badge
from phongdich.core.templatetags.humanize_vi import num

from .models import Donation, SupplyItem


def decimal_text(value: float) -> str:
    """One decimal, written the way the active language writes it: 2,5 in Vietnamese."""
    text = f"{value:,.1f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".") if get_language() == "vi" else text


def signed(value: int) -> str:
    """+1.200 or −300: a change to stock."""
    return f"{'+' if value >= 0 else '−'}{num(abs(value))}"


def quantity_text(value: int, unit: str) -> str:
    return f"{num(value)} {unit}"


def cover_text(row) -> str:
    """Days of cover in words; empty for equipment, which is not used up (only its stock is shown)."""
    if not row.consumable:
        return ""
    if row.cover_days is None:
        return _("no use in 7 days")
    return _("%(days)s days") % {"days": decimal_text(row.cover_days)}


def cover_html(row):
    text = cover_text(row)
    return format_html("{} {}", text, badge(_("Low"), "alert")) if row.low else text


class StockTable(tables.Table):
    """Rows are StockRow."""

    facility = tables.Column(
        verbose_name=gettext_lazy("Facility"),
        accessor="level__facility__name",
        linkify=lambda record: reverse("care:supply_facility", args=[record.level.facility_id]),
        orderable=False,
    )
    item = tables.Column(verbose_name=gettext_lazy("Item"), accessor="level__item__name", orderable=False)
    on_hand = tables.Column(verbose_name=gettext_lazy("On hand"), empty_values=(), orderable=False)
    daily_use = tables.Column(verbose_name=gettext_lazy("Average use a day (7 days)"), empty_values=(), orderable=False)
    cover = tables.Column(verbose_name=gettext_lazy("Days of cover"), empty_values=(), orderable=False)
    ward = tables.Column(verbose_name=gettext_lazy("Ward"), accessor="level__facility__unit__name", orderable=False)
    card_columns = ("facility", "item", "on_hand", "daily_use", "cover")

    class Meta:
        attrs = {"class": "table"}
        empty_text = gettext_lazy("No stock recorded for these facilities.")

    def render_on_hand(self, record):
        return quantity_text(record.on_hand, record.item.unit_of_measure)

    def render_daily_use(self, record):
        if not record.consumable:
            return _("equipment, not used up")
        return f"{decimal_text(record.daily_use)} {record.item.unit_of_measure}"

    def render_cover(self, record):
        return cover_html(record)


class DonationTable(tables.Table):
    donor_name = tables.Column(
        verbose_name=gettext_lazy("Donor"), linkify=lambda record: reverse("care:supply_donation", args=[record.pk])
    )
    donor_kind = tables.Column(verbose_name=gettext_lazy("Donor type"))
    received_on = tables.Column(verbose_name=gettext_lazy("Received on"))
    unit = tables.Column(verbose_name=gettext_lazy("Received by"), accessor="unit__name")
    items = tables.Column(verbose_name=gettext_lazy("Items"), orderable=False)
    state = tables.Column(verbose_name=gettext_lazy("Allocation"), empty_values=(), orderable=False)
    card_columns = ("donor_name", "donor_kind", "received_on", "unit", "state")

    class Meta:
        model = Donation
        fields = ["donor_name", "donor_kind", "received_on", "unit"]
        attrs = {"class": "table"}
        empty_text = gettext_lazy("No donation recorded in your area yet.")

    def render_received_on(self, value):
        return date_format(value, "d/m/Y")

    def render_state(self, record):
        if record.allocated >= record.received:
            return badge(_("all allocated"), "ok")
        if record.allocated:
            return badge(_("partly allocated"), "warn")
        return badge(_("not allocated yet"), "plain")


class SupplyItemTable(tables.Table):
    code = tables.Column(
        verbose_name=gettext_lazy("Code"), linkify=lambda record: reverse("care:supply_item_edit", args=[record.pk])
    )
    name = tables.Column(verbose_name=gettext_lazy("Name"))
    category = tables.Column(verbose_name=gettext_lazy("Category"))
    unit_of_measure = tables.Column(verbose_name=gettext_lazy("Unit of measure"))
    consumable = tables.BooleanColumn(verbose_name=gettext_lazy("Used up"))
    low_cover_days = tables.Column(verbose_name=gettext_lazy("Alert below (days of cover)"))
    active = tables.Column(verbose_name=gettext_lazy("In use"))
    card_columns = ("code", "name", "category", "unit_of_measure", "consumable", "low_cover_days", "active")

    class Meta:
        model = SupplyItem
        fields = ["code", "name", "category", "unit_of_measure", "consumable", "low_cover_days", "active"]
        attrs = {"class": "table"}
        empty_text = gettext_lazy("No supply item recorded yet.")

    def render_consumable(self, value):
        return _("yes") if value else _("no (equipment)")

    def render_low_cover_days(self, record):
        return record.low_cover_days if record.consumable else "—"

    def render_active(self, value):
        return badge(_("in use"), "ok") if value else badge(_("no longer in use"), "plain")
