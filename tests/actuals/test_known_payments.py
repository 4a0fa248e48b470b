"""Unvouchered rows compared with recorded payments (DOMAIN.md §7) give the same verdicts whether they are
looked up one by one or matched against a project's payments read whole once a file names it often
(tracker/actuals/known.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sqlmodel import Session

from tests.actuals.helpers import ADMIN, PAY_ZH, counts, csv_bytes, pay
from tests.actuals.test_guarantees import BIG
from tracker.actuals import identity, known, service
from tracker.actuals.known import KnownPayments
from tracker.actuals.report import UploadRejected
from tracker.rules import load_rules

RECORDED = [pay(day=f"2024-02-{n + 1:02d}", amount=f"{n + 1}", note=f"第{n}笔", code=BIG) for n in range(4)]
# ten rows of the same project in chunks of two; the ninth repeats the third recorded payment exactly
LATER = [pay(day=f"2024-04-{n + 1:02d}", amount="0.5", code=BIG) for n in range(8)]
LATER += [pay(day="2024-02-03", amount="3", note="第2笔", code=BIG), pay(day="2024-05-01", amount="3", code=BIG)]


def _send(db: Session, rows: list[list[str]], **kwargs: Any) -> Any:
    return service.upload(session=db, source=csv_bytes(PAY_ZH, rows), filename="later.csv", principal=ADMIN,
                          rules=load_rules(), chunk_rows=2, **kwargs)  # fmt: skip


def _looked_up(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the rows each lookup statement is asked about."""
    asked: list[int] = []
    look_up = identity.Identities._look_up

    def counted(self: identity.Identities, pid: np.ndarray, day: np.ndarray, fen: np.ndarray) -> Any:
        asked.append(len(pid))
        return look_up(self, pid, day, fen)

    monkeypatch.setattr(identity.Identities, "_look_up", counted)
    return asked


def _refusal(db: Session) -> list[str]:
    before = counts(db)
    with pytest.raises(UploadRejected) as caught:
        _send(db, LATER)
    assert counts(db) == before  # nothing written
    return [issue.line() for issue in caught.value.issues]


def test_a_project_named_often_is_read_once_and_gives_the_verdict_a_lookup_gives(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _send(db, RECORDED)
    monkeypatch.setattr(known, "BUY_AT", float("inf"))  # never read whole: every row looked up
    looked_up = _refusal(db)
    monkeypatch.setattr(known, "BUY_AT", 0.5)
    asked = _looked_up(monkeypatch)
    read_whole = _refusal(db)
    assert read_whole == looked_up and len(read_whole) == 1
    assert read_whole[0].startswith("row 10,") and "疑似重复" in read_whole[0] and "第4行" in read_whole[0]
    # 4 recorded payments: after 2 rows looked up (half of them) the project's payments are read once
    assert asked == [2]
    summary = _send(db, LATER, allow_duplicates=True)  # confirmed: written, with the same warning
    assert summary.payments == 10 and any("已按确认的重复支付写入" in w.message for w in summary.warnings)


def test_a_project_with_no_recorded_payment_is_not_looked_up_once_that_is_known(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _looked_up(monkeypatch)
    summary = _send(db, LATER[:8])
    assert summary.payments == 8
    assert asked == [2]  # the first chunk, before the budget check counted the project's payments (none)


def test_payments_past_the_limit_are_looked_up_not_held(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(known, "LIMIT", 10)
    payments = KnownPayments()
    payments.counted({1: 6, 2: 6, 3: 0})
    payments.looked_up(np.array([1, 1, 1, 2, 2, 2, 3]))
    assert payments.worth_reading() == [1]  # 2 would pass the limit; 3 has nothing to read
    assert payments.holds(np.array([1, 2, 3])).tolist() == [False, False, True]


def test_a_held_payment_matches_only_its_whole_key() -> None:
    payments = KnownPayments()
    payments.add([7], [((7, "2024-03-01", 500, "甲"), ("V1", 1, 2)), ((7, "2024-03-01", 500, "甲"), ("V2", 1, 3))])
    assert payments.size == 2 and payments.projects == {7}
    pid, fen = np.array([7, 7, 7, 7]), np.array([500, 500, 500, 501])
    day = np.array(["2024-03-01", "2024-03-02", "2024-03-01", "2024-03-01"], dtype=object)
    note = np.array(["甲", "甲", "乙", "甲"], dtype=object)
    # same project and amount is only a candidate: the date and the note must match too; the first kept
    assert payments.find(pid, day, fen, note) == {0: ("V1", 1, 2)}
