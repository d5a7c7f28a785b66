import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from phongdich.core.text import mask_id_number

from .models import Person
from .selectors import person_refs

# Columns a 360-px phone leaves out; the record page shows them.
PHONE_HIDDEN = {"th": {"class": "wide-only"}, "td": {"class": "wide-only"}}


class PersonTable(tables.Table):
    full_name = tables.Column(verbose_name=_("Full name"), linkify=True, order_by=("name_search", "id"))
    birth_year = tables.Column(verbose_name=_("Born"))
    sex = tables.Column(verbose_name=_("Sex"), attrs=PHONE_HIDDEN)
    unit = tables.Column(verbose_name=_("Residence"), accessor="unit__name", order_by=("unit__path",))
    id_number = tables.Column(verbose_name=_("CCCD / CMND"), orderable=False, attrs=PHONE_HIDDEN)
    risk = tables.Column(verbose_name=_("Risk factors"), accessor="risk_factors", orderable=False, attrs=PHONE_HIDDEN)

    class Meta:
        model = Person
        fields = ["full_name", "birth_year", "sex", "unit", "id_number", "risk"]
        attrs = {"class": "table"}

    def render_unit(self, record):
        return record.unit.label

    def render_id_number(self, value):
        return mask_id_number(value)

    def render_risk(self, value):
        return ", ".join(value) if value else "—"


class PersonRefColumn(tables.Column):
    """A related person (`accessor` names the id column): a linked name inside the viewer's scope, a masked
    reference outside. The page's rows are resolved together, in one query, the first time a cell renders.
    With `record_url` (row -> url), the name or reference links to the row's own page instead. With `show`
    "address" or "phone" (a `tel:` link), the column shows that of the person, inside the viewer's scope only."""

    def __init__(self, *args, record_url=None, show="name", **kwargs):
        self.record_url = record_url
        self.show = show
        kwargs.setdefault("orderable", "order_by" in kwargs)
        kwargs.setdefault("default", "—")
        super().__init__(*args, **kwargs)

    def render(self, value, record, table, bound_column):
        refs = table.__dict__.setdefault("_person_refs", {})
        key = str(bound_column.accessor)  # the columns of one person share one query
        if key not in refs:
            page = getattr(table, "page", None)
            records = [row.record for row in page.object_list] if page else list(table.data)
            ids = {bound_column.accessor.resolve(record, quiet=True) for record in records}
            refs[key] = person_refs(table.request.user, ids)
        ref = refs[key][value]
        if self.show == "address":
            return ref.address or "—"
        if self.show == "phone":
            return format_html('<a href="tel:{}">{}</a>', ref.phone, ref.phone) if ref.phone else "—"
        return format_html('<a href="{}">{}</a>', self.record_url(record), str(ref)) if self.record_url else ref.link
