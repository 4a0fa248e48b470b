"""Portable "insert unless it exists" and upsert for SQLite and PostgreSQL: the unique key decides."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Table
from sqlmodel import Session

_CHUNK = 500  # keeps a statement well under SQLite's limit on bound parameters


def _insert(session: Session, table: Table) -> Any:
    from sqlalchemy.dialects import postgresql, sqlite  # here: a command loads only its own database's dialect

    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"unsupported database: {name}")


def insert_new(
    session: Session, table: Table, rows: Sequence[dict[str, Any]], *, key: Sequence[str], returning: Sequence[str]
) -> list[Row[Any]]:
    """Insert the rows whose `key` is not taken yet (ON CONFLICT DO NOTHING); answer the inserted ones.

    Rows go in key order, so that two transactions inserting overlapping sets on PostgreSQL wait
    for each other instead of deadlocking; the later one then skips what the earlier committed.
    """
    ordered = sorted(rows, key=lambda r: tuple(str(r[k]) for k in key))
    out: list[Row[Any]] = []
    for start in range(0, len(ordered), _CHUNK):
        stmt = (
            _insert(session, table)
            .values(ordered[start : start + _CHUNK])
            .on_conflict_do_nothing(index_elements=list(key))
            .returning(*(table.c[c] for c in returning))
        )
        out.extend(session.execute(stmt).all())
    return out


def upsert(session: Session, table: Table, rows: Sequence[dict[str, Any]], *, key: Sequence[str]) -> None:
    """Insert the rows, or overwrite the non-key columns of the row already holding the key."""
    ordered = sorted(rows, key=lambda r: tuple(str(r[k]) for k in key))
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        stmt = _insert(session, table).values(chunk)
        columns = [c for c in chunk[0] if c not in key]
        update = {c: stmt.excluded[c] for c in columns}
        session.execute(stmt.on_conflict_do_update(index_elements=list(key), set_=update))
