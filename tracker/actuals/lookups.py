"""Recorded payments found by an upload's own keys, in statements of bounded size: never by hashing or
scanning the payment table, which a province fills with millions of rows (identity.py asks)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import Any, cast

from sqlalchemy.engine import CursorResult
from sqlmodel import Session


def plain_rows(result: CursorResult[Any]) -> list[tuple[Any, ...]]:
    """A statement's rows as the driver's tuples. The statement still ran through SQLAlchemy (its events and
    the plan tests see it), but building SQLAlchemy's rows costs about 4 µs each, more than reading them."""
    rows = cast(list[tuple[Any, ...]], result.cursor.fetchall())
    result.close()
    return rows


TUPLES = 2_000  # (project, date, amount) triples per statement: 6,000 parameters, under every driver's limit


def by_keys(
    session: Session, columns: str, keys: list[tuple[str, str]], values: list[tuple[Any, ...]], where: str
) -> Iterator[tuple[Any, ...]]:
    """Payments (as `p`) whose key columns equal one of `values`, in statements of bounded size.

    PostgreSQL: one statement per call, the keys as arrays, each looked up on its own (`_by_keys_pg`); SQLite: the
    keys as a `WITH k(…) AS (VALUES …)`, in parts of TUPLES, in payment id order, each key's payments found by
    a correlated `p.id IN (SELECT …)` on the index. Not a plain join: with statistics (ANALYZE) SQLite 3.38+
    builds a Bloom filter over the whole payment table for every part (0.13 s per part at 2 M payments, 6 s
    for a 100,000-row file); nor row values `IN (VALUES …)`, which scanned the table once per part. Plain
    SQL: building thousands of bound tuples through the ORM compiler cost more than the lookup itself.
    Callers pass `values` sorted as the index is (SQLite looks them up in that order).
    """
    if not values:
        return
    names = [name for name, _ in keys]
    on = " AND ".join(f"p.{n} = k.{n}" for n in names)
    if session.get_bind().dialect.name == "postgresql":
        yield from _by_keys_pg(session, columns, keys, values, f"{on} AND {where}")
        return
    conn = session.connection()
    one = "(" + ", ".join("?" * len(keys)) + ")"
    for start in range(0, len(values), TUPLES):
        some = values[start : start + TUPLES]
        sql = (
            f"WITH k({', '.join(names)}) AS (VALUES {', '.join([one] * len(some))}) "
            f"SELECT {columns} FROM k JOIN payment p ON p.id IN (SELECT p.id FROM payment p WHERE {on} AND {where}) "
            "ORDER BY p.id"
        )
        yield from plain_rows(conn.exec_driver_sql(sql, tuple(chain.from_iterable(some))))


def _by_keys_pg(
    session: Session, columns: str, keys: list[tuple[str, str]], values: list[tuple[Any, ...]], condition: str
) -> list[tuple[Any, ...]]:
    """`by_keys` on PostgreSQL: each key column one array parameter, sent in binary (a 100,000-row file's
    keys as text cost the server more to parse than the join itself), each key's payments found by an index
    scan of its own: a LATERAL subquery fenced by OFFSET 0, which the planner cannot turn into a join. As a
    join, it hashed the whole payment table for every chunk once payments were many (1 s per chunk of
    50,000 keys at 2 M payments, against 0.2 s for the keys' own index scans)."""
    params = [[str(v[i]) if kind == "date" else v[i] for v in values] for i, (_, kind) in enumerate(keys)]
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cur:  # type: ignore[union-attr]
        rows: list[tuple[Any, ...]] = cur.execute(pg_sql(columns, keys, condition), params).fetchall()
    return rows


def pg_sql(columns: str, keys: list[tuple[str, str]], condition: str) -> str:
    """The statement of `_by_keys_pg` (tests/actuals/test_identity_plans.py explains it)."""
    arrays = ", ".join(f"CAST(%b AS {kind}[])" for _, kind in keys)
    names = ", ".join(name for name, _ in keys)
    return (
        f"SELECT {columns} FROM unnest({arrays}) AS k({names}) "
        f"CROSS JOIN LATERAL (SELECT p.* FROM payment p WHERE {condition} OFFSET 0) AS p"
    )
