"""Writing audit rows. Services call `record` inside their transaction, so the row and the change commit together."""

import datetime
import decimal
import json
import uuid

from django.db import connection, models
from django.utils import timezone

from .bulk import append_rows
from .choices import AuditAction
from .context import current
from .models import AuditEvent


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict:
    """A JSON-ready copy of an instance's concrete fields (foreign keys by id)."""
    data = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        data[field.attname if field.is_relation else field.name] = _jsonable(field.value_from_object(instance))
    return data


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values changed, as (before, after)."""
    changed = [key for key in after if before.get(key) != after.get(key)]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def user_of(actor):
    """The user an actor is, or None for a named system actor ("demo", "cli", "public")."""
    return actor if getattr(actor, "pk", None) else None


class MissingUnitPath(ValueError):
    """A bulk audit row that names no unit: no administrator below a superuser would ever see it (the database
    refuses it too: the `audit_event_names_a_unit` check)."""


def unit_path_of(instance: models.Model | None) -> str:
    """The path of the unit an object belongs to, found the way scoping finds it (`scope_unit_field`,
    `scope_path_lookup`), or through the object's own `audit_unit_path()`; "" for an object without a place."""
    if instance is None:
        return ""
    if hasattr(instance, "audit_unit_path"):
        return instance.audit_unit_path()
    model = type(instance)
    if unit_field := getattr(model, "scope_unit_field", None):
        unit: object = instance
        for name in unit_field.split("__"):
            unit = getattr(unit, name, None)
            if unit is None:
                return ""
        return getattr(unit, "path", "")
    if path_lookup := getattr(model, "scope_path_lookup", None):
        return getattr(instance, path_lookup) or ""
    return ""


def top_unit_path(actor) -> str:
    """The widest unit an actor works in: a user's broadest role assignment; the province for a named system
    actor ("cli", "demo"), which acts everywhere, and for a user without an assignment (a superuser)."""
    from phongdich.places.models import AdminUnit

    user = user_of(actor)
    return (user.audit_unit_path() if user else "") or AdminUnit.root_path()


def _unit_path(actor, instance, person_id: int | None) -> str:
    if path := unit_path_of(instance):
        return path
    if person_id is not None:
        from phongdich.people.models import Person

        if person_path := Person.objects.filter(pk=person_id).values_list("unit__path", flat=True).first():
            return person_path
    return top_unit_path(actor)


def record(
    *,
    actor,
    action: AuditAction | str,
    instance: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    person_id: int | None = None,
    unit_path: str = "",
    before: dict | None = None,
    after: dict | None = None,
    detail: dict | None = None,
) -> AuditEvent:
    """One audit row. Its unit is `unit_path` if given, else the object's unit, else the person's, else the
    actor's top unit (account events, exports of many people, province-wide changes)."""
    ctx = current()
    if instance is not None:
        object_type = object_type or instance._meta.label_lower
        object_id = object_id or str(instance.pk)
        object_repr = object_repr or str(instance)[:200]
    unit_path = unit_path or _unit_path(actor, instance, person_id)  # never empty: top_unit_path always answers
    return AuditEvent.objects.create(
        actor=user_of(actor),
        actor_label=_actor_label(actor),
        action=str(action),
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        person_id=person_id,
        unit_path=unit_path,
        before=before,
        after=after,
        detail=detail,
        request_id=ctx.request_id if ctx else "",
        ip=ctx.ip if ctx else None,
    )


def record_many(*, actor, action: AuditAction | str, object_type: str, rows: list[tuple]) -> None:
    """Audit rows for a bulk change, written at once (COPY on PostgreSQL, one executemany elsewhere): `rows` are
    (object id, object repr, person id, unit path, after) tuples, `after` a dict or its JSON text already
    encoded (a batch repeats a few values). For imports that change thousands of records, where building a
    model instance per row would cost more than the change itself."""
    if not rows:
        return
    if any(not unit_path for _id, _text, _person, unit_path, _after in rows):
        raise MissingUnitPath(f"An audit row for {object_type} names no unit.")
    ctx = current()
    user, label = user_of(actor), _actor_label(actor)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    request_id, ip = (ctx.request_id, ctx.ip) if ctx else ("", None)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    columns = [
        "at", "actor_id", "actor_label", "action", "object_type", "object_id", "object_repr",
        "person_id", "unit_path", "after", "request_id", "ip",
    ]  # fmt: skip
    actor_id = user.pk if user else None
    values = [
        (now, actor_id, label, str(action), object_type, str(object_id), str(text)[:200], person_id, unit_path,
         after if isinstance(after, str) else json.dumps(after, default=_jsonable), request_id, ip)
        for object_id, text, person_id, unit_path, after in rows
    ]  # fmt: skip
    with connection.cursor() as cursor:
        append_rows(cursor, table, columns, values)


def _actor_label(actor) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return getattr(actor, "username", None) or str(actor)


def _jsonable(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value
