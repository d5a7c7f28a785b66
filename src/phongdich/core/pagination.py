"""Keyset pagination for the API: a page is 'rows after this cursor', so deep pages cost what the first does."""

import base64
import binascii
import json
from datetime import date, datetime

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Field, Q, QuerySet


class BadCursor(ValueError):
    pass


def encode_cursor(values: list) -> str:
    """A cursor of key values; a time or a day travels as its ISO text, which its column reads back."""
    text = json.dumps(values, separators=(",", ":"), default=_iso)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _iso(value) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a key value")


def decode_cursor(cursor: str, length: int) -> list:
    """The values a cursor carries: a JSON list of `length` strings and numbers, or BadCursor."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()), parse_constant=_no_constant)
    except (ValueError, binascii.Error) as error:
        raise BadCursor(cursor) from error
    if not isinstance(values, list) or len(values) != length:
        raise BadCursor(cursor)
    if not all(isinstance(value, str | int | float) and not isinstance(value, bool) for value in values):
        raise BadCursor(cursor)
    return values


def _no_constant(name: str):
    raise ValueError(name)  # NaN and Infinity: never a key value


def _typed(queryset: QuerySet, names: list[str], values: list, cursor: str) -> list:
    """Each cursor value as its column's type, so a forged cursor is refused here, not by the database."""
    typed = []
    for name, value in zip(names, values, strict=True):
        field = _field_of(queryset, name)
        try:
            value = field.to_python(value)
            field.run_validators(value)
        except (ValidationError, TypeError, ValueError, OverflowError) as error:
            raise BadCursor(cursor) from error
        typed.append(value)
    return typed


def _field_of(queryset: QuerySet, name: str) -> Field:
    if name in queryset.query.annotations:
        return queryset.query.annotations[name].output_field
    model = queryset.model
    *relations, last = name.split("__")
    try:
        for relation in relations:
            model = model._meta.get_field(relation).related_model
        return model._meta.get_field(last)
    except FieldDoesNotExist as error:
        raise ValueError(f"{name} is not a column to page by") from error


def keyset_page(queryset: QuerySet, order: tuple[str, ...], cursor: str | None, limit: int) -> tuple[list, str | None]:
    """Rows of `queryset` ordered by `order` (fields as in order_by, "-" for descending; the last one unique,
    all JSON-serialisable) after `cursor`, and the next cursor."""
    queryset = queryset.order_by(*order)
    names = [field.lstrip("-") for field in order]
    if cursor:
        values = _typed(queryset, names, decode_cursor(cursor, len(order)), cursor)
        after = Q()
        for i, field in enumerate(order):
            step = Q(**{f"{names[i]}__{'lt' if field.startswith('-') else 'gt'}": values[i]})
            for previous, value in zip(names[:i], values[:i], strict=True):
                step &= Q(**{previous: value})
            after |= step
        queryset = queryset.filter(after)
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    values = [last[name] for name in names] if isinstance(last, dict) else [getattr(last, name) for name in names]
    return rows[:limit], encode_cursor(values)


def capped_count(queryset: QuerySet, cap: int) -> tuple[int, bool]:
    """(count, is_capped): counts at most `cap` rows so a huge list costs no more than a bounded scan."""
    n = queryset.order_by()[: cap + 1].count()
    return min(n, cap), n > cap
