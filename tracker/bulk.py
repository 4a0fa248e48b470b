"""Statements whose size does not grow with the install: membership tests with bounded parameters, and
bulk inserts that cost the rows they write (COPY on PostgreSQL).

A driver allows at most 65,535 parameters per statement (PostgreSQL's wire protocol) and SQLite at most
32,766, so `column IN (:p1, …, :pN)` over every project of a province fails. On PostgreSQL a set of any
size travels as one array parameter (`= ANY(:ids)`); elsewhere the set is split into chunks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

T = TypeVar("T")
CHUNK = 5_000


def chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """Consecutive lists of at most `size` values."""
    part: list[T] = []
    for value in values:
        part.append(value)
        if len(part) == size:
            yield part
            part = []
    if part:
        yield part


def matching(session: Session, column: Any, values: Iterable[Any]) -> Iterator[sa.ColumnElement[bool]]:
    """Conditions that together select the rows whose `column` is in `values`, each with few parameters.

    Run the query once per condition and combine the answers; no condition is yielded for no values.
    """
    distinct = list(dict.fromkeys(values))
    if not distinct:
        return
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY  # here: SQLite's commands never load PostgreSQL's dialect

        yield column == sa.any_(sa.bindparam(None, distinct, type_=ARRAY(column.type)))
        return
    for part in chunks(distinct, CHUNK):
        yield column.in_(part)


def insert_rows(session: Session, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert plain rows (every row with the same keys) in the session's transaction, without the ORM.

    PostgreSQL: one COPY; elsewhere one driver executemany of a prepared INSERT. Either way the values are
    bound as the columns' types bind them, and a column missing from the rows gets its server default (no
    Python-side default is applied). Thousands of rows cost milliseconds, where ORM objects and multi-row
    VALUES cost seconds.
    """
    if not rows:
        return
    names = list(rows[0])
    conn = session.connection()
    quote = conn.dialect.identifier_preparer
    columns = f"{quote.format_table(table)} ({', '.join(quote.quote(n) for n in names)})"
    # bound as SQLAlchemy binds each column's type, column by column: most columns bind as they are, and a
    # value the rows share is bound once
    binders = [table.c[n].type._cached_bind_processor(conn.dialect) for n in names]
    values = [[row[n] for row in rows] for n in names]
    values = [v if b is None else _bound_all(b, v) for b, v in zip(binders, values, strict=True)]
    if conn.dialect.name != "postgresql":  # one prepared statement
        marks = ", ".join(["?" if conn.dialect.paramstyle == "qmark" else "%s"] * len(names))
        conn.exec_driver_sql(f"INSERT INTO {columns} VALUES ({marks})", list(zip(*values, strict=True)))
        return
    raw = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(f"COPY {columns} FROM STDIN") as copy:  # type: ignore[union-attr]
        for row in zip(*values, strict=True):
            copy.write_row(row)


def _bound_all(binder: Any, values: list[Any]) -> list[Any]:
    """The values bound; a run of the very same object is bound once (an upload's audit rows share their time)."""
    out: list[Any] = []
    last: Any = object()
    done: Any = None
    for value in values:
        if value is not last:
            last, done = value, _bound(binder, value)
        out.append(done)
    return out


def _bound(binder: Any, value: Any) -> Any:
    return value if binder is None or value is None else binder(value)
