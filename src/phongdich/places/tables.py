import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from phongdich.core.scoping import scope_of

from .models import Facility, Venue


def edit_link(viewname: str):
    """The row's edit page where the viewer may change it; plain text where the list only lets them see it."""

    def url(record, table):
        permission = f"places.change_{record._meta.model_name}"
        if scope_of(table.request.user, permission).covers_path(record.unit.path):
            return reverse(viewname, args=[record.pk])
        return None

    return url


class VenueTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"), linkify=edit_link("places:venue_edit"))
    kind = tables.Column(verbose_name=_("Kind"))
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", order_by=("unit__path",))
    qr = tables.Column(verbose_name=_("QR code"), empty_values=(), orderable=False)

    class Meta:
        model = Venue
        fields = ["name", "kind", "unit", "active", "qr"]
        attrs = {"class": "table"}

    def render_unit(self, record):
        return record.unit.label

    def render_qr(self, record):
        return format_html(
            '<a href="{}">PNG</a> · <a href="{}">SVG</a> · {} <a href="{}">PDF</a> · <a href="{}">PNG</a>',
            reverse("places:venue_qr", args=[record.pk, "png"]),
            reverse("places:venue_qr", args=[record.pk, "svg"]),
            _("poster"),
            reverse("places:venue_poster", args=[record.pk, "pdf"]),
            reverse("places:venue_poster", args=[record.pk, "png"]),
        )


class FacilityTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"), linkify=edit_link("places:facility_edit"))
    kind = tables.Column(verbose_name=_("Kind"))
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", order_by=("unit__path",))

    class Meta:
        model = Facility
        fields = ["name", "kind", "unit", "address", "phone"]
        attrs = {"class": "table"}

    def render_unit(self, record):
        return record.unit.label
