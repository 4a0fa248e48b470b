"""Unvouchered rows compared with recorded payments (DOMAIN.md §7) give the same verdicts whether each is
looked up or, once a file names a project often, only those on a day its recorded payments fall on
(tracker/actuals/known.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
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
    default = known.BUY_AT
    monkeypatch.setattr(known, "BUY_AT", float("inf"))  # days never read: every row looked up
    looked_up = _refusal(db)
    monkeypatch.setattr(known, "BUY_AT", default)
    asked = _looked_up(monkeypatch)
    read_whole = _refusal(db)
    assert read_whole == looked_up and len(read_whole) == 1
    assert read_whole[0].startswith("row 10,") and "疑似重复" in read_whole[0] and "第4行" in read_whole[0]
    # 4 recorded payments: the first chunk's 2 rows are looked up; with the second chunk's the rows reach 4,
    # so the project's days are read, and of the 8 rows left only the one on a day with a recorded payment
    # (2024-02-03) is looked up
    assert asked == [2, 1]
    summary = _send(db, LATER, allow_duplicates=True)  # confirmed: written, with the same warning
    assert summary.payments == 10 and any("已按确认的重复支付写入" in w.message for w in summary.warnings)


def test_a_project_with_no_recorded_payment_is_not_looked_up_once_that_is_known(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _looked_up(monkeypatch)
    summary = _send(db, LATER[:8])
    assert summary.payments == 8
    assert asked == []  # the project's payments are counted (none) before its first row would be looked up


def test_payments_past_the_limit_are_looked_up_not_held(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(known, "LIMIT", 10)
    payments = KnownPayments()
    payments.counted({1: 6, 2: 6, 3: 0})
    counted = payments.looked_up(np.array([1] * 6 + [2] * 6 + [3]))
    assert counted == [1, 2, 3]
    assert payments.worth_reading(counted) == [1]  # 2 would pass the limit; 3 has nothing to read
    assert payments.holds(np.array([1, 2, 3])).tolist() == [False, False, True]


def test_only_a_day_with_a_recorded_payment_is_looked_up_whatever_the_date_type() -> None:
    payments = KnownPayments()
    payments.add([7], np.array([7, 7, 8]), np.array(["2024-03-01", date(2024, 3, 5), "2024-03-02"], dtype=object))
    assert payments.projects == {7}
    pid = np.array([7, 7, 7, 7, 8])
    day = np.array(["2024-03-01", "2024-03-02", "2024-03-05", "2025-03-01", "2024-03-01"], dtype=object)
    assert payments.paid_that_day(pid, day).tolist() == [True, False, True, False, False]
