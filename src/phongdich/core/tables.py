import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import clock
from .audit_display import describe
from .models import AuditEvent

CARD_FIELDS = 4  # the fields a phone's card shows under its title when a table names none


def card_roles(table: tables.Table) -> dict[str, str]:
    """What each column is on a phone, where every row reads as a card (core/table.html, "Lists as cards" in
    app.css): the card's "title", one of its labelled "field"s, or "more", which only wider screens show.
    A table names its card's columns, title first, in `card_columns`; by default the first column and the
    next few make the card."""
    names = [column.name for column in table.columns]
    chosen = list(getattr(table, "card_columns", None) or names[: 1 + CARD_FIELDS])
    roles = dict.fromkeys(names, "more")
    roles.update(dict.fromkeys(chosen[1:], "field"))
    roles[chosen[0]] = "title"
    return roles


def badge(text, tone: str) -> str:
    """A status in words on a coloured background: the colour helps, the words alone carry the meaning."""
    return format_html('<span class="badge badge-{}">{}</span>', tone, text)


class BadgeColumn(tables.Column):
    """A status shown as a badge, coloured by its stored value through `tones` (value -> "alert", "ok",
    "warn"); the states that need attention (a positive result) stand out on a list and on a phone's card."""

    def __init__(self, *args, tones: dict[str, str] | None = None, **kwargs):
        self.tones = tones or {}
        super().__init__(*args, **kwargs)

    def render(self, value, record, bound_column):
        stored = bound_column.accessor.resolve(record, quiet=True)
        return badge(value, self.tones.get(stored, "plain"))


class DueColumn(tables.Column):
    """A due time, with an "Overdue" badge while the item is still open (`is_open(record)`) past its time."""

    def __init__(self, *args, is_open, **kwargs):
        self.is_open = is_open
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        shown = date_format(timezone.localtime(value), "d/m/Y H:i")
        if self.is_open(record) and value < clock.now():
            return format_html("{} {}", shown, badge(_("Overdue"), "alert"))
        return shown


class AuditEventTable(tables.Table):
    """The audit trail in words (see audit_display): the rows of a page are described at once."""

    at = tables.DateTimeColumn(format="d/m/Y H:i", verbose_name=_("Time"))
    actor_label = tables.Column(verbose_name=_("Actor"))
    action = tables.Column(verbose_name=_("Action"))
    object_type = tables.Column(verbose_name=_("Object type"))
    object_repr = tables.Column(verbose_name=_("Object"))
    person_id = tables.Column(verbose_name=_("Person"), linkify=("people:detail", {"pk": tables.A("person_id")}))
    changes = tables.Column(verbose_name=_("Changes"), empty_values=(), orderable=False)
    card_columns = ("at", "actor_label", "action", "object_type", "object_repr", "person_id", "changes")

    class Meta:
        model = AuditEvent
        fields = ["at", "actor_label", "action", "object_type", "object_repr", "person_id", "changes"]
        order_by = "-at"
        attrs = {"class": "table"}

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
