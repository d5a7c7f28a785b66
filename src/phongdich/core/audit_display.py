"""The audit trail in words, for the audit page and a person's history: field labels instead of column names,
choices by their labels, foreign keys by name, dates as dd/mm/yyyy HH:MM.

Rows store what the code wrote (`before`/`after` keyed by field or attribute name, `detail` by a few
conventional keys); this module only reads them. A page of rows is described at once: the foreign keys it
names are looked up with one query per model, through the viewer's scope (a record outside it stays "#id").
"""

import datetime
import json
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import dateparse, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EMPTY = "—"

# Keys of `detail` and of hand-written `after` dicts that are not fields of the audited model.
KEY_LABELS = {
    "event": gettext_lazy("event"),
    "document": gettext_lazy("document"),
    "rows": gettext_lazy("rows"),
    "format": gettext_lazy("format"),
    "photo": gettext_lazy("photo"),
    "page": gettext_lazy("page"),
    "file": gettext_lazy("file"),
    "created": gettext_lazy("created"),
    "unchanged": gettext_lazy("unchanged"),
    "errors": gettext_lazy("errors"),
    "contacts": gettext_lazy("contacts"),
    "households": gettext_lazy("households"),
    "persons": gettext_lazy("persons"),
    "doses": gettext_lazy("doses"),
    "source": gettext_lazy("found by"),
    "reason": gettext_lazy("reason"),
    "into": gettext_lazy("merged into"),
    "case": gettext_lazy("case"),
    "round": gettext_lazy("testing round"),
    "filters": gettext_lazy("filters"),
    "tokens_revoked": gettext_lazy("API tokens revoked"),
}
VALUE_LABELS = {
    "created": gettext_lazy("created"),
    "revoked": gettext_lazy("revoked"),
    "password changed": gettext_lazy("password changed"),
    "password reset": gettext_lazy("password reset"),
    "tracing walking list": gettext_lazy("tracing walking list"),
    "testing walking list": gettext_lazy("testing walking list"),
    "personal QR card": gettext_lazy("personal QR card"),
    "vaccination record": gettext_lazy("vaccination record"),
    "refused lines": gettext_lazy("refused lines"),
    "household register": gettext_lazy("household register"),
    "passenger lists": gettext_lazy("passenger lists"),
    "check-ins": gettext_lazy("check-ins"),
    "rebuild": gettext_lazy("rebuild"),
    "no case left": gettext_lazy("no case left"),
}


# What a model's readable name reads besides its own row (a residential group's label names its commune).
NAME_JOINS = {"places.adminunit": ("parent",)}


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass
class DescribedEvent:
    event: models.Model
    object_type: str
    person: str
    changes: list[Change] = field(default_factory=list)
    details: list[Change] = field(default_factory=list)


def model_of(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    model = model_of(object_type)
    return str(capfirst(model._meta.verbose_name)) if model else object_type


def describe(events, user) -> list[DescribedEvent]:
    """Each event with its object type, person and changes in words."""
    events = list(events)
    names = _names(events, user)
    return [_describe(event, names) for event in events]


def _describe(event, names) -> DescribedEvent:
    model = model_of(event.object_type)
    before, after = event.before or {}, event.after or {}

    def text(key, value, on=model):
        return _value(on, key, value, names)

    changes = [
        Change(_label(model, key), text(key, before[key]) if key in before else "", text(key, value))
        for key, value in after.items()
        if _worth_showing(model, key, value) or key in before
    ]
    changes += [
        Change(_label(model, key), text(key, value), "")
        for key, value in before.items()
        if key not in after and _worth_showing(model, key, value)
    ]
    details = [Change(_label(None, key), "", text(key, value, None)) for key, value in (event.detail or {}).items()]
    person = names.get(("people.person", event.person_id), f"#{event.person_id}") if event.person_id else ""
    return DescribedEvent(event, object_type_label(event.object_type), person, changes, details)


def _field(model, key: str) -> models.Field | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def _worth_showing(model, key: str, value) -> bool:
    """Not the id, a field the code keeps for itself (search keys), nor an empty value of a new record."""
    found = _field(model, key)
    if found is not None and (found.primary_key or not found.editable):
        return False
    return value not in (None, "")


def _foreign_model(found) -> type[models.Model] | None:
    """The model a foreign key field points to, or None for any other field (or no field)."""
    forward = found is not None and found.is_relation and found.concrete and (found.many_to_one or found.one_to_one)
    return found.related_model if forward else None


def _label(model, key: str) -> str:
    found = _field(model, key)
    if found is not None and hasattr(found, "verbose_name"):
        return str(capfirst(found.verbose_name))
    return str(capfirst(KEY_LABELS.get(key, key.replace("_", " "))))


def _value(model, key: str, value, names) -> str:
    found = _field(model, key)
    if value is None or value == "":
        return EMPTY
    if (related := _foreign_model(found)) is not None and isinstance(value, int):
        return names.get((related._meta.label_lower, value), f"#{value}")
    if found is not None and found.choices:
        return str(dict(found.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str):
        return _date_text(value) or str(VALUE_LABELS.get(value, value))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _date_text(text: str) -> str:
    """An ISO date or date-time (as `audit.snapshot` stores them) as dd/mm/yyyy or dd/mm/yyyy HH:MM, local time."""
    if len(text) < 10 or text[4:5] != "-" or text[7:8] != "-":
        return ""
    try:
        moment = dateparse.parse_datetime(text)
        if moment is not None and len(text) > 10:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return moment.strftime("%d/%m/%Y %H:%M")
        day = dateparse.parse_date(text)
    except ValueError:
        return ""
    return day.strftime("%d/%m/%Y") if isinstance(day, datetime.date) else ""


def _names(events, user) -> dict[tuple[str, object], str]:
    """(model label, id) -> a readable name, for the foreign keys and persons the events name, one query per
    model, through the user's scope where the model has one."""
    wanted: dict[type[models.Model], set] = {}
    person_model = apps.get_model("people", "Person")
    for event in events:
        if event.person_id:
            wanted.setdefault(person_model, set()).add(event.person_id)
        model = model_of(event.object_type)
        for values in (event.before or {}, event.after or {}):
            for key, value in values.items():
                related = _foreign_model(_field(model, key))
                if related is not None and isinstance(value, int) and not isinstance(value, bool):
                    wanted.setdefault(related, set()).add(value)
    names = {}
    for model, ids in wanted.items():
        manager = model._default_manager
        queryset = manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()
        label = model._meta.label_lower
        if joins := NAME_JOINS.get(label):
            queryset = queryset.select_related(*joins)
        for obj in queryset.filter(pk__in=ids):
            names[(label, obj.pk)] = str(getattr(obj, "label", None) or obj)
    return names
