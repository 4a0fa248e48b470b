"""Migration 5e7c1a9b2d40: payments stored before it get the voucher the template lists them by."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command

from tracker.migrate import alembic_config

CODES = {"region": "130322", "dept": "314001"}  # the row's own code; project codes are any text


def filler(conn: sqlite3.Connection, table: str) -> None:
    """One row of `table` with id 1 and a plain value in each required column (codes line up with the parents')."""
    values: dict[str, object] = {}
    for _cid, name, kind, notnull, default, _pk in conn.execute(f"PRAGMA table_info({table})"):
        text = "CHAR" in kind.upper() or "TEXT" in kind.upper()
        if name == "id":
            values[name] = 1
        elif name in ("region_code", "dept_code"):
            values[name] = CODES[name.removesuffix("_code")]
        elif name == "code":
            values[name] = CODES.get(table, "P1")
        elif notnull and default is None:  # nullable columns (links to other tables among them) stay NULL
            values[name] = "x" if text else "2024-01-01" if "DATE" in kind.upper() else 0
    marks = ", ".join("?" * len(values))
    conn.execute(f"INSERT INTO {table} ({', '.join(values)}) VALUES ({marks})", list(values.values()))


def test_existing_payments_get_batch_and_row_as_their_voucher_and_stay_unique(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    config = alembic_config(f"sqlite:///{path}")
    command.upgrade(config, "a4870084eb94")
    with sqlite3.connect(path) as conn:
        for table in ("region", "dept", "project"):  # the parents, with any value their columns take
            filler(conn, table)
        conn.execute(
            "INSERT INTO upload_batch (id, filename, sha256, uploaded_at, status, payments, results, withdraw_reason,"
            " summary) VALUES (7, 'q1.csv', 'x', '2024-04-01 00:00:00', 'applied', 2, 0, '', '{}')"
        )
        conn.executemany(
            "INSERT INTO payment (project_id, batch_id, paid_on, amount_fen, note, source, row_no, withdrawn)"
            " VALUES (1, 7, '2024-03-05', 100, '', '本年财政拨款', ?, 0)",
            [(2,), (3,)],
        )
    command.upgrade(config, "head")
    with sqlite3.connect(path) as conn:
        vouchers = [v for (v,) in conn.execute("SELECT voucher FROM payment ORDER BY row_no")]
        indexes = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'payment'")]
    assert vouchers == ["B7-2", "B7-3"]
    assert "uq_payment_project_id_voucher" in indexes
    command.downgrade(config, "a4870084eb94")  # and back, for a rollback of the release
