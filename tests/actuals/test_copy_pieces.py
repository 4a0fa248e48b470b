"""Payments are written by COPY in pieces on PostgreSQL (tracker/actuals/writing.py): every row of the file is
stored once, with the values written, whatever piece it falls in (on SQLite the same file, by INSERT)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from tests.actuals.helpers import PAY_ZH, csv_bytes, pay, upload
from tracker.actuals import writing
from tracker.models import Payment

# notes that CSV must quote (a comma, a quote, a line break) at the start, middle and end of pieces of three
NOTES = ["", "甲,乙", '说"明"', "第一行\n第二行", "普通", "", "末尾,", '"', "x" * 200, "最后一笔"]


def test_every_row_of_a_copy_in_pieces_is_stored_once_as_written(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writing, "COPY_PIECE_ROWS", 3)  # ten rows: pieces of 3, 3, 3 and 1
    rows = [pay(day=f"2024-03-{n + 1:02d}", amount=f"{n + 1}.25", note=note) for n, note in enumerate(NOTES)]
    summary = upload(db, csv_bytes(PAY_ZH, rows))
    assert summary.status == "applied" and summary.payments == len(NOTES)
    stored = db.exec(select(Payment).where(Payment.batch_id == summary.batch_id).order_by(col(Payment.id))).all()
    assert [(p.paid_on.isoformat(), p.amount_fen, p.note, p.row_no) for p in stored] == [
        (f"2024-03-{n + 1:02d}", (n + 1) * 1_000_000 + 250_000, note, n + 2) for n, note in enumerate(NOTES)
    ]
    assert [p.voucher for p in stored] == [f"B{summary.batch_id}-{n + 2}" for n in range(len(NOTES))]
