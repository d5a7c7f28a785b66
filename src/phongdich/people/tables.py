import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from phongdich.core.text import mask_id_number

from .models import Person

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
