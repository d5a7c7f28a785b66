"""Keyset pagination for the API: a page is 'rows after this cursor', so deep pages cost what the first does."""

import base64
import json

from django.db.models import Q, QuerySet


class BadCursor(ValueError):
    pass


def encode_cursor(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, length: int) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as error:
        raise BadCursor(cursor) from error
    if not isinstance(values, list) or len(values) != length:
        raise BadCursor(cursor)
    return values


def keyset_page(queryset: QuerySet, order: tuple[str, ...], cursor: str | None, limit: int) -> tuple[list, str | None]:
    """Rows of `queryset` ordered by `order` (fields as in order_by, "-" for descending; the last one unique,
    all JSON-serialisable) after `cursor`, and the next cursor."""
    queryset = queryset.order_by(*order)
    names = [field.lstrip("-") for field in order]
    if cursor:
        values = decode_cursor(cursor, len(order))
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
