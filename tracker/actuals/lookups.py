"""Recorded payments found by an upload's own keys, in statements of bounded size: never by hashing or
scanning the payment table, which a province fills with millions of rows (identity.py asks)."""

from __future__ import annotations

import struct
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any, cast

import numpy as np
from sqlalchemy.engine import CursorResult
from sqlmodel import Session


def plain_rows(result: CursorResult[Any]) -> list[tuple[Any, ...]]:
    """A statement's rows as the driver's tuples. The statement still ran through SQLAlchemy (its events and
    the plan tests see it), but building SQLAlchemy's rows costs about 4 µs each, more than reading them."""
    rows = cast(list[tuple[Any, ...]], result.cursor.fetchall())
    result.close()
    return rows


Column = Sequence[Any] | np.ndarray  # one key column: a list, or a numpy array
TUPLES = 2_000  # (project, date, amount) triples per statement: 6,000 parameters, under every driver's limit


def by_keys(
    session: Session, columns: str, keys: list[tuple[str, str]], values: Sequence[Column], where: str
) -> Iterator[tuple[Any, ...]]:
    """Payments (as `p`) whose key columns equal one of the keys, in statements of bounded size. `values`:
    one sequence per key column (lists or numpy arrays), the i-th key made of their i-th items.

    PostgreSQL: one statement per call, the keys as arrays, each looked up on its own (`_by_keys_pg`); SQLite: the
    keys as a `WITH k(…) AS (VALUES …)`, in parts of TUPLES, in payment id order, each key's payments found by
    a correlated `p.id IN (SELECT …)` on the index. Not a plain join: with statistics (ANALYZE) SQLite 3.38+
    builds a Bloom filter over the whole payment table for every part (0.13 s per part at 2 M payments, 6 s
    for a 100,000-row file); nor row values `IN (VALUES …)`, which scanned the table once per part. Plain
    SQL: building thousands of bound tuples through the ORM compiler cost more than the lookup itself.
    Callers pass the keys sorted as the index is (SQLite looks them up in that order).
    """
    if not len(values[0]):
        return
    names = [name for name, _ in keys]
    on = " AND ".join(f"p.{n} = k.{n}" for n in names)
    if session.get_bind().dialect.name == "postgresql":
        yield from _by_keys_pg(session, columns, keys, values, f"{on} AND {where}")
        return
    conn = session.connection()
    one = "(" + ", ".join("?" * len(keys)) + ")"
    # a row per key, made flat in C per statement into plain Python values (sqlite3 binds no numpy scalars)
    grid = np.empty((len(values[0]), len(keys)), dtype=object)
    for j, column in enumerate(values):
        grid[:, j] = column
    for start in range(0, len(grid), TUPLES):
        some = grid[start : start + TUPLES]
        sql = (
            f"WITH k({', '.join(names)}) AS (VALUES {', '.join([one] * len(some))}) "
            f"SELECT {columns} FROM k JOIN payment p ON p.id IN (SELECT p.id FROM payment p WHERE {on} AND {where}) "
            "ORDER BY p.id"
        )
        yield from plain_rows(conn.exec_driver_sql(sql, tuple(some.ravel().tolist())))


def _by_keys_pg(
    session: Session, columns: str, keys: list[tuple[str, str]], values: Sequence[Column], condition: str
) -> list[tuple[Any, ...]]:
    """`by_keys` on PostgreSQL: each key column one array parameter, sent in binary (a 100,000-row file's
    keys as text cost the server more to parse than the join itself), each key's payments found by an index
    scan of its own: a LATERAL subquery fenced by OFFSET 0, which the planner cannot turn into a join. As a
    join, it hashed the whole payment table for every chunk once payments were many (1 s per chunk of
    50,000 keys at 2 M payments, against 0.2 s for the keys' own index scans)."""
    params = [pg_array(kind, column) for (_, kind), column in zip(keys, values, strict=True)]
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cur:  # type: ignore[union-attr]
        cur.adapters.register_dumper(_Packed, _packed_dumper())
        rows: list[tuple[Any, ...]] = cur.execute(pg_sql(columns, keys, condition), params).fetchall()
    return rows


_EPOCH_DAYS = 10_957  # 2000-01-01, PostgreSQL's day 0, counted from 1970-01-01 (numpy's)
_PACKED = {"bigint": (20, ">i8"), "date": (1082, ">i4")}  # element type oid, binary form


def epoch_days(day: Column) -> np.ndarray:
    """Dates (ISO text or `date`s) as days since 1970-01-01; ValueError for one that is no date."""
    days = np.asarray(day, dtype=object).astype("datetime64[D]")
    if np.isnat(days).any():
        raise ValueError("not a date")
    return days.astype(np.int64)


def pg_array(kind: str, column: Column) -> Any:
    """One key column as a PostgreSQL array parameter. Numbers and dates (ISO text or dates) are packed into
    the binary array format with numpy: psycopg builds an array element by element in Python, 0.15 s for a
    100,000-row file's three key columns, against 0.01 s. Other kinds go to psycopg as they are."""
    if kind not in _PACKED:
        return column.tolist() if isinstance(column, np.ndarray) else list(column)
    oid, dtype = _PACKED[kind]
    if kind == "date":
        try:
            values = epoch_days(column) - _EPOCH_DAYS
        except ValueError:
            return [str(d) for d in column]  # not a date: the server says so, as it would of any value sent
    else:
        values = np.asarray(column, dtype=np.int64)
    body = np.empty(len(values), dtype=[("size", ">i4"), ("value", dtype)])
    body["size"], body["value"] = np.dtype(dtype).itemsize, values
    # array_send's layout: dimensions, no NULLs, element type; the one dimension's length and lower bound
    return _Packed(struct.pack(">iiIii", 1, 0, oid, len(values), 1) + body.tobytes())


class _Packed:
    """An array parameter already in PostgreSQL's binary form; its type comes from the statement's CAST."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data


@cache
def _packed_dumper() -> type:
    """psycopg's dumper of `_Packed` (psycopg is imported here, not by commands on SQLite)."""
    from psycopg.adapt import Dumper
    from psycopg.pq import Format

    class PackedDumper(Dumper):
        format = Format.BINARY

        def dump(self, obj: Any) -> bytes:
            return cast(_Packed, obj).data

    return PackedDumper


def pg_sql(columns: str, keys: list[tuple[str, str]], condition: str) -> str:
    """The statement of `_by_keys_pg` (tests/actuals/test_identity_plans.py explains it)."""
    arrays = ", ".join(f"CAST(%b AS {kind}[])" for _, kind in keys)
    names = ", ".join(name for name, _ in keys)
    return (
        f"SELECT {columns} FROM unnest({arrays}) AS k({names}) "
        f"CROSS JOIN LATERAL (SELECT p.* FROM payment p WHERE {condition} OFFSET 0) AS p"
    )
