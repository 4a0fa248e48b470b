"""The upload's payment lookups cost the file's keys, not the install (issue 14): checked with EXPLAIN on SQLite.

With statistics of a province's payment table (2,040,000 payments), a plain join of the keys' VALUES with the
payment table makes SQLite 3.38+ build a Bloom filter by reading the whole table for every part of 2,000 keys
(6 s for a 100,000-row file); the lookups must go through the indexes only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import event
from sqlmodel import Session

from tracker.actuals.identity import Identities
from tracker.actuals.lookups import TUPLES, pg_sql

# what ANALYZE wrote for the province install of bench.upload (60,000 projects, 2,040,000 payments)
PROVINCE_STATS = [
    ("payment", "ix_payment_project_id_paid_on", "2040000 34 1"),
    ("payment", "uq_payment_project_id_voucher", "360000 6 1"),
    ("payment", "ix_payment_batch_id", "2040000 2040000"),
]


@pytest.fixture
def province_stats(db: Session) -> Iterator[Session]:
    """SQLite's planner told that the payment table holds a province's year (the transaction is rolled back)."""
    if db.connection().dialect.name != "sqlite":
        pytest.skip("SQLite's query plans; PostgreSQL binds the keys as arrays (lookups._by_keys_pg)")
    conn = db.connection()
    conn.exec_driver_sql("ANALYZE")  # creates sqlite_stat1
    conn.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE tbl = 'payment'")
    conn.exec_driver_sql("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", PROVINCE_STATS)
    conn.exec_driver_sql("ANALYZE sqlite_schema")  # the planner reads the statistics again
    yield db


def _statements(db: Session, rows: pd.DataFrame) -> list[tuple[str, Any]]:
    """The SELECTs on payment that resolving these rows ran, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, sql: str, params: Any, _context: Any, _many: bool) -> None:
        if "payment p" in sql:
            seen.append((sql, params))

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", keep)
    try:
        Identities(db).resolve(rows)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return seen


def test_duplicate_and_voucher_lookups_read_the_indexes_only_at_province_size(province_stats: Session) -> None:
    db = province_stats
    project_id = db.connection().exec_driver_sql("SELECT min(id) FROM project").scalar_one()
    n = TUPLES  # a whole part of keys: with a few keys SQLite would not think of a Bloom filter
    days = pd.date_range("2024-01-01", periods=n, freq="h").strftime("%Y-%m-%d")
    rows = pd.DataFrame(
        {
            "project_id": [project_id] * n,
            "paid_on": days,
            "amount_fen": range(100, 100 + n),
            "note": [""] * n,
            "voucher": [""] * (n // 2) + [f"V{i}" for i in range(n - n // 2)],  # duplicates', then vouchers' lookup
            "row": range(2, 2 + n),
        }
    )
    statements = _statements(db, rows)
    assert len(statements) == 2  # the vouchers' lookup and the duplicates' lookup
    for sql, params in statements:
        plan = [r[3] for r in db.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)]
        assert not any("BLOOM FILTER" in step for step in plan), plan
        assert not any(step.startswith("SCAN p") for step in plan), plan
        assert any("USING INDEX" in step for step in plan), plan


def test_on_postgresql_each_key_is_looked_up_on_its_own_never_by_hashing_the_payments(db: Session) -> None:
    """As a join, PostgreSQL hashed the whole payment table for every chunk of keys once payments were many
    (1 s per chunk at 2 M payments); the keys' own lookups cost 0.2 s. The plan must loop over the keys."""
    if db.connection().dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plan; SQLite's is checked above")
    keys = [("project_id", "bigint"), ("paid_on", "date"), ("amount_fen", "bigint")]
    sql = pg_sql("p.id", keys, "p.project_id = k.project_id AND p.paid_on = k.paid_on "
                       "AND p.amount_fen = k.amount_fen AND NOT p.withdrawn")  # fmt: skip
    n = 50_000  # a chunk's keys
    params = [list(range(1, n + 1)), ["2024-03-01"] * n, list(range(n))]
    raw = db.connection().connection.driver_connection
    with raw.cursor() as cur:  # type: ignore[union-attr]
        cur.execute("SET LOCAL enable_nestloop = on")  # the default, stated: the test reads the planner's choice
        plan = [row[0] for row in cur.execute("EXPLAIN " + sql, params).fetchall()]
    assert plan[0].lstrip().startswith("Nested Loop"), plan
    assert any("Function Scan" in step for step in plan), plan
    assert not any("Hash Join" in step or "Merge Join" in step for step in plan), plan
