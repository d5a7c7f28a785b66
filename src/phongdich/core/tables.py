import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


class AuditEventTable(tables.Table):
    at = tables.DateTimeColumn(format="Y-m-d H:i:s", verbose_name=_("Time"))
    actor_label = tables.Column(verbose_name=_("Actor"))
    action = tables.Column(verbose_name=_("Action"))
    object_type = tables.Column(verbose_name=_("Object type"))
    object_repr = tables.Column(verbose_name=_("Object"))
    person_id = tables.Column(verbose_name=_("Person"), linkify=("people:detail", {"pk": tables.A("person_id")}))
    changes = tables.Column(verbose_name=_("Changes"), empty_values=(), orderable=False)

    class Meta:
        model = AuditEvent
        fields = ["at", "actor_label", "action", "object_type", "object_repr", "person_id", "changes"]
        order_by = "-at"
        attrs = {"class": "table"}

    def render_changes(self, record):
        before = record.before or {}
        if record.after:
            return format_html(
                '<ul class="changes">{}</ul>',
                format_html_join(
                    "",
                    "<li><b>{}</b>: {} → {}</li>",
                    ((key, before.get(key, "—"), value) for key, value in record.after.items()),
                ),
            )
        return format_html("<small>{}</small>", record.detail) if record.detail else "—"
