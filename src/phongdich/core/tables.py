import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from .audit_display import describe
from .models import AuditEvent


def labelled(label) -> dict:
    """Cell attributes naming the column, for the stacked layout on phones (`.table.stacked` in app.css)."""
    return {"td": {"data-label": label}}


class AuditEventTable(tables.Table):
    """The audit trail in words (see audit_display): the rows of a page are described at once."""

    at = tables.DateTimeColumn(format="d/m/Y H:i", verbose_name=_("Time"), attrs=labelled(_("Time")))
    actor_label = tables.Column(verbose_name=_("Actor"), attrs=labelled(_("Actor")))
    action = tables.Column(verbose_name=_("Action"), attrs=labelled(_("Action")))
    object_type = tables.Column(verbose_name=_("Object type"), attrs=labelled(_("Object type")))
    object_repr = tables.Column(verbose_name=_("Object"), attrs=labelled(_("Object")))
    person_id = tables.Column(
        verbose_name=_("Person"),
        linkify=("people:detail", {"pk": tables.A("person_id")}),
        attrs=labelled(_("Person")),
    )
    changes = tables.Column(verbose_name=_("Changes"), empty_values=(), orderable=False, attrs=labelled(_("Changes")))

    class Meta:
        model = AuditEvent
        fields = ["at", "actor_label", "action", "object_type", "object_repr", "person_id", "changes"]
        order_by = "-at"
        attrs = {"class": "table stacked"}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self._described: dict[int, object] = {}

    def described(self, record):
        if record.pk not in self._described:
            rows = [row.record for row in self.page.object_list] if hasattr(self, "page") else [record]
            self._described.update({d.event.pk: d for d in describe(rows, self.user)})
        return self._described.get(record.pk) or describe([record], self.user)[0]

    def render_action(self, record):
        return record.get_action_display()

    def render_object_type(self, record):
        return self.described(record).object_type

    def render_person_id(self, record):
        return self.described(record).person

    def render_changes(self, record):
        return render_to_string("core/_audit_changes.html", {"e": self.described(record)})
