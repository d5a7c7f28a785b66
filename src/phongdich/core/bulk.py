"""A fast insert path for large generated or imported batches.

The ORM's bulk_create spends most of its time preparing each value of each row; for millions of rows that
dominates. `RowWriter` takes rows as plain tuples in column order, assigns primary keys itself (so related
rows can refer to them before they are written), and writes them with one executemany per batch.
Only for callers that hold the write lock for the whole run (demo build, imports inside a transaction);
sequences are reset afterwards so the ORM's next insert gets a fresh id.
"""

import gc
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

from django.core.exceptions import EmptyResultSet
from django.core.management.color import no_style
from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast


class RowWriter:
    """`parents` are the writers of rows these rows refer to: they are flushed first, so no row is written
    before what it points at (a deferred foreign-key violation, even a passing one, makes SQLite check
    every later insert against the referring tables)."""

    def __init__(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        batch_size: int = 5000,
        parents: Sequence["RowWriter"] = (),
    ):
        self.model = model
        self.parents = parents
        self.columns = ["id", *columns]
        self.batch_size = batch_size
        self.pending: list[tuple] = []
        self.written = 0
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(column_of(model, name)) for name in self.columns)
        marks = ", ".join(["%s"] * len(self.columns))
        self.sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
        self.next_id = (model._default_manager.aggregate(m=models.Max("id"))["m"] or 0) + 1

    def add(self, values: tuple) -> int:
        """Queue one row (without its id) and return the id it will have."""
        row_id = self.next_id
        self.next_id += 1
        self.pending.append((row_id, *values))
        if len(self.pending) >= self.batch_size:
            self.flush()
        return row_id

    def flush(self) -> None:
        for parent in self.parents:
            parent.flush()
        if self.pending:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, self.pending)
            self.written += len(self.pending)
            self.pending = []

    def close(self) -> None:
        self.flush()
        reset_sequences(self.model)


def column_of(model: type[models.Model], field_name: str) -> str:
    field = model._meta.get_field(field_name)
    assert isinstance(field, models.Field) and field.column, f"{field_name} is not a column"
    return field.column


def reset_sequences(*models_: type[models.Model]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def db_date(value):
    """A date as the database driver wants it (ISO text for SQLite, the date itself elsewhere)."""
    return connection.ops.adapt_datefield_value(value)


def db_datetime(value):
    return connection.ops.adapt_datetimefield_value(value)


def json_values(values) -> RawSQL | list:
    """A subquery yielding `values`, for `field__in=json_values(ids)`: the whole list is one JSON parameter, so
    thousands of values cost one string instead of a prepared parameter each (the ORM prepares every element
    of a plain list, about 7 µs each), and no parameter limit applies. No values give an empty list, which the
    ORM answers without asking the database (and PostgreSQL could not type an empty subquery)."""
    values = list(values)
    if not values:
        return []
    text = json.dumps(values)
    if connection.vendor == "postgresql":
        cast = "::bigint" if isinstance(values[0], int) else ""  # the elements come out as text
        return RawSQL(f"SELECT jsonb_array_elements_text(%s::jsonb){cast}", [text])
    return RawSQL("SELECT value FROM json_each(%s)", [text])


def insert_new(
    model: type[models.Model], columns: Sequence[str], rows: list[tuple], unique: Sequence[str]
) -> set[tuple]:
    """Insert rows (database-ready tuples in `columns` order), skipping any whose `unique` columns' values are
    already stored: a retried upload adds nothing. Returns the `unique` values of the rows this call really
    inserted, so a caller racing another writer knows which rows are its own. Multi-row INSERTs, no model
    instances."""
    if not rows:
        return set()
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column_of(model, name)) for name in columns)
    keys = ", ".join(quote(column_of(model, name)) for name in unique)
    marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    per_statement = max(1, min(500, (connection.features.max_query_params or 65535) // len(columns)))
    inserted: set[tuple] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            values = ", ".join([marks] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {values} ON CONFLICT ({keys}) DO NOTHING RETURNING {keys}",
                [value for row in chunk for value in row],
            )
            inserted.update(tuple(found) for found in cursor.fetchall())
    return inserted


def update_rows(
    model: type[models.Model], columns: Sequence[str], rows: list[tuple], *, keep_if_set: Sequence[str] = ()
) -> None:
    """Set `columns` of many rows at once: `rows` are (id, *values) tuples, database-ready. The rows go into a
    scratch table (COPY on PostgreSQL, one executemany elsewhere), then one UPDATE … FROM joins it to the
    table: about three times faster on SQLite than an UPDATE per row. A column in `keep_if_set` is written
    only where the row has no value yet."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    scratch = quote(f"bulk_{model._meta.db_table}")
    fields = [model._meta.get_field(name) for name in columns]
    names = [quote(column_of(model, name)) for name in columns]
    definitions = ", ".join(f"{name} {field.db_type(connection)}" for name, field in zip(names, fields, strict=True))
    assignments = ", ".join(
        f"{name} = COALESCE({table}.{name}, s.{name})" if column in keep_if_set else f"{name} = s.{name}"
        for column, name in zip(columns, names, strict=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {scratch}")
        cursor.execute(f"CREATE TEMPORARY TABLE {scratch} (id bigint, {definitions})")
        append_rows(cursor, scratch, ["id", *names], rows)
        cursor.execute(f"UPDATE {table} SET {assignments} FROM {scratch} AS s WHERE {table}.id = s.id")
        cursor.execute(f"DROP TABLE {scratch}")


def append_rows(cursor, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    """Plain inserts of database-ready rows into a quoted table: COPY on PostgreSQL (an executemany there
    still sends a statement a row), one executemany elsewhere."""
    names = ", ".join(columns)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})", rows)


def plain_values(queryset: models.QuerySet, *fields: str) -> list[tuple]:
    """`queryset.values_list(*fields)`, for a hundred thousand rows: the ORM passes every value through its
    converters; here only SQLite's datetimes are touched. SQLite's driver would parse each one in Python: they are
    read as text instead and parsed once per distinct value (a lab's samples share a few thousand times), in UTC.
    Other databases return typed, aware values already."""
    datetimes = [
        i for i, name in enumerate(fields) if isinstance(queryset.model._meta.get_field(name), models.DateTimeField)
    ]
    as_text = connection.vendor == "sqlite" and datetimes
    if as_text:
        texts = {f"{fields[i]}_as_text": Cast(fields[i], models.TextField()) for i in datetimes}
        queryset = queryset.annotate(**texts)
        fields = tuple(f"{name}_as_text" if i in datetimes else name for i, name in enumerate(fields))
    try:
        sql, params = queryset.values_list(*fields).query.sql_with_params()
    except EmptyResultSet:  # e.g. `field__in=[]`
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not as_text:
        return rows
    parsed: dict[str | None, datetime | None] = {None: None}
    converted = []
    for row in rows:
        values = list(row)
        for i in datetimes:
            text = values[i]
            moment = parsed.get(text)
            if moment is None and text is not None:
                moment = parsed[text] = datetime.fromisoformat(text).replace(tzinfo=UTC)
            values[i] = moment
        converted.append(tuple(values))
    return converted


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """For a batch that makes a million short-lived tuples: the cyclic garbage collector, triggered by the
    allocations, would walk every live object of the worker again and again (measured on a lab file: a fifth of
    the import's time), for objects that reference counting frees anyway. Cycles the batch leaves are collected
    once it ends."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
