"""Alembic environment: the database comes from the tracker settings unless the caller passes one."""

from __future__ import annotations

from alembic import context

import tracker.models
from tracker.config import get_settings
from tracker.db import make_engine

config = context.config
target_metadata = tracker.models.load_all()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().db_url
    engine = make_engine(url)
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            # Batch mode copies a table and drops the old one; with foreign keys on, SQLite's DROP
            # TABLE deletes the children (ON DELETE CASCADE) first. The pragma only takes effect
            # outside a transaction, so it is set before Alembic opens its own; _run checks the keys.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        _run(conn)
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        if connection.dialect.name == "sqlite":  # type: ignore[attr-defined]
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()  # type: ignore[attr-defined]
            if broken:
                raise RuntimeError(f"迁移后外键不一致：{broken[:5]}")


run_migrations_online()
