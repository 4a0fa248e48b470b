"""Actuals tests share the 昌黎县 2024 targets, imported once per module and database, each test in a savepoint."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Connection
from sqlmodel import Session

from tests.conftest import BACKENDS
from tracker.targets.service import import_targets


@pytest.fixture(scope="module", params=BACKENDS)
def loaded(request: pytest.FixtureRequest, changli_bytes: bytes) -> Iterator[Connection]:
    """A connection inside a transaction that holds the imported targets; rolled back after the module."""
    engine = request.getfixturevalue("sqlite_engine" if request.param == "sqlite" else "pg_engine")
    conn = engine.connect()
    outer = conn.begin()
    if conn.dialect.name == "sqlite":
        # pysqlite opens its transaction lazily, and a SAVEPOINT outside one would commit on release:
        # a no-op DELETE makes it BEGIN now, so everything below stays inside this transaction.
        conn.exec_driver_sql("DELETE FROM audit_entry WHERE 1 = 0")
    with Session(bind=conn, join_transaction_mode="create_savepoint") as s:
        import_targets(session=s, data=changli_bytes, filename="changli.txt")
        s.commit()  # releases the savepoint into the module's transaction
    try:
        yield conn
    finally:
        outer.rollback()
        conn.close()


@pytest.fixture
def db(loaded: Connection) -> Iterator[Session]:
    """A session on the loaded targets whose work is rolled back after the test."""
    nested = loaded.begin_nested()
    with Session(bind=loaded, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
        yield s
    if nested.is_active:
        nested.rollback()
