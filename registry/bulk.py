"""Insert many rows at once: PostgreSQL COPY, or one executemany elsewhere.

COPY moves 100,000 member rows in about a second where bulk_create's INSERTs take
several; primary keys are taken from the table's sequence first so the rows that
point at them (memberships, history) can be written in the same way. New rows go in
as plain tuples (``Rows``): a model instance per row costs more than writing it.
"""

import json
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from operator import itemgetter

from django.db import connection
from django.db.models import Model
from django.db.models.expressions import RawSQL

BATCH_SIZE = 2000


class Rows:
    """Rows of one table as tuples in its column order, from dicts keyed by attname.

    Columns a dict leaves out take the field's default; keys that are not columns
    are left out. The caller gives the primary key (from ``reserve_ids``).
    """

    def __init__(self, model: type[Model]):
        meta = model._meta
        self.table = meta.db_table
        self.fields = list(meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        self._defaults = {f.attname: f.get_default() for f in self.fields}
        self._get = itemgetter(*(f.attname for f in self.fields))

    def row(self, record: dict) -> tuple:
        return self._get(self._defaults | record)

    def insert(self, rows: Sequence[tuple], *, on=None) -> None:
        insert_rows(self.table, self.columns, rows, on=on)


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """``count`` new primary keys for ``model``, for rows written with ``Rows``.

    Runs inside the import's transaction: on SQLite that transaction holds the write
    lock from its start (transaction_mode IMMEDIATE), so nobody else takes these ids.
    """
    if not count:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s))"
                " FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [pk for (pk,) in cursor.fetchall()]
        quoted = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({quoted(column)}) FROM {quoted(table)}")
        (highest,) = cursor.fetchone()
        if connection.vendor == "sqlite":
            # AUTOINCREMENT never reuses an id, even one whose row was deleted.
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            used = cursor.fetchone()
            highest = max(highest or 0, used[0] if used else 0)
    start = (highest or 0) + 1
    return list(range(start, start + count))


def reserve_ids_aside(count: int, *models: type[Model]) -> Callable[[], list[list]]:
    """``reserve_ids(model, count)`` for each of ``models``, started now; call the
    result for the lists of ids.

    On PostgreSQL the numbers are taken on a connection of their own, in another
    thread, while the caller goes on (a sequence's numbers belong to no transaction):
    100,000 of each take the database over half a second.
    """
    if connection.vendor != "postgresql" or not count:
        ids = [reserve_ids(model, count) for model in models]
        return lambda: ids
    future = Future()

    def take() -> None:
        try:
            future.set_result([reserve_ids(model, count) for model in models])
        except BaseException as error:  # raised again by future.result()
            future.set_exception(error)
        finally:
            connection.close()  # this thread's own

    threading.Thread(target=take, daemon=True).start()
    return future.result


def insert_rows(
    table: str, columns: list[str], rows: Iterable[tuple], *, on=None
) -> None:
    """Write tuples into ``columns`` of ``table``: COPY, or one executemany.

    ``on`` is the driver's connection to write on when the caller is not the thread
    that owns it (background_writer.py); by default, this thread's connection.
    """
    quoted = connection.ops.quote_name
    names = ", ".join(quoted(column) for column in columns)
    if connection.vendor == "postgresql":
        if on is None:
            connection.ensure_connection()
            on = connection.connection
        with on.cursor() as cursor:
            # Binary COPY: the values are dumped by psycopg's C code by column type,
            # about half the client time of the text format.
            types = _column_types(cursor, table, columns)
            sql = f"COPY {quoted(table)} ({names}) FROM STDIN (FORMAT BINARY)"
            with cursor.copy(sql) as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    _execute(
        f"INSERT INTO {quoted(table)} ({names}) VALUES ({placeholders})",
        rows,
        on=on,
        many=True,
    )


def _execute(sql: str, params, *, on=None, many: bool = False) -> None:
    """Run ``sql`` (with %s placeholders) on ``on``, a driver connection, or else on
    this thread's connection."""
    if on is None:
        with connection.cursor() as cursor:
            (cursor.executemany if many else cursor.execute)(sql, params)
    elif connection.vendor == "postgresql":
        with on.cursor() as cursor:
            (cursor.executemany if many else cursor.execute)(sql, params)
    else:  # sqlite3 takes ? placeholders; none of our SQL holds a literal %s
        (on.executemany if many else on.execute)(sql.replace("%s", "?"), params)


class History:
    """django-simple-history rows recording rows of ``model`` as they are now.

    The database copies them from the rows just written (INSERT … SELECT), so each
    history row holds exactly what its record holds, and a 100,000-row import sends
    its rows once instead of twice. ``constants`` are the history's own columns
    (date, type, user, reason).
    """

    def __init__(self, model: type[Model], **constants):
        historical = model.history.model
        fields = [f for f in historical._meta.concrete_fields if not f.primary_key]
        tracked = [f.column for f in fields if not f.attname.startswith("history_")]
        own = [f for f in fields if f.attname.startswith("history_")]
        quoted = connection.ops.quote_name
        columns = ", ".join(quoted(c) for c in [*tracked, *(f.column for f in own)])
        selected = ", ".join([*(quoted(c) for c in tracked), *["%s"] * len(own)])
        if connection.vendor == "postgresql":
            chosen = f"{quoted(model._meta.pk.column)} = ANY(%s)"
        else:
            chosen = (
                f"{quoted(model._meta.pk.column)} IN (SELECT value FROM json_each(%s))"
            )
        self.sql = (
            f"INSERT INTO {quoted(historical._meta.db_table)} ({columns})"
            f" SELECT {selected} FROM {quoted(model._meta.db_table)} WHERE {chosen}"
        )
        self._constants = [
            f.get_db_prep_save(constants[f.attname], connection) for f in own
        ]

    def insert(self, ids: list[int], *, on=None) -> None:
        """Record the rows with primary keys ``ids``."""
        if connection.vendor != "postgresql":
            ids = json.dumps(ids)
        _execute(self.sql, [*self._constants, ids], on=on)


def delete_rows(model: type[Model], ids: list[int]) -> None:
    """Delete the rows of ``model`` with primary keys ``ids`` in one statement, with no
    signal per row (the caller records their history with ``History``)."""
    quoted = connection.ops.quote_name
    table, pk = quoted(model._meta.db_table), quoted(model._meta.pk.column)
    if connection.vendor == "postgresql":
        _execute(f"DELETE FROM {table} WHERE {pk} = ANY(%s)", [list(ids)])
    else:
        _execute(
            f"DELETE FROM {table} WHERE {pk} IN (SELECT value FROM json_each(%s))",
            [json.dumps(list(ids))],
        )


def _column_types(cursor, table: str, columns: list[str]) -> list[int]:
    """The type oids of ``columns``, as binary COPY needs them."""
    cursor.execute(
        "SELECT attname, atttypid FROM pg_attribute"
        " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
        [connection.ops.quote_name(table)],
    )
    oids = dict(cursor.fetchall())
    return [int(oids[column]) for column in columns]


def many(texts: Iterable[str]) -> RawSQL:
    """``field__in=many(texts)``: the whole list as one query parameter (an array on
    PostgreSQL, JSON on SQLite) where ``IN (%s, %s, …)`` would send one placeholder per
    value; Django and psycopg spend longer building that than the database answering."""
    values = list(texts)
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::text[])", (values,))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(values),))
