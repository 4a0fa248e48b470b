"""All or nothing, idempotency and withdrawal, on SQLite and PostgreSQL; a process killed mid-write."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from tests.actuals.helpers import (
    ADMIN,
    DEPT,
    PAY_ZH,
    RES_ZH,
    counts,
    csv_bytes,
    pay,
    rejected,
    res,
    upload,
)
from tracker.actuals import checking, payments, service
from tracker.actuals.batches import list_batches, withdraw_batch
from tracker.actuals.read import cumulative_paid, latest_results
from tracker.actuals.report import UploadRejected
from tracker.auth.principal import Principal
from tracker.errors import Conflict, NotFound
from tracker.models import Payment, Project, UploadBatch
from tracker.rules import load_rules
from tracker.scope import Scope

BIG = "13032224P00XC0610102D"  # budget 2000 万元


def project_id(session: Session, code: str) -> int:
    return session.exec(select(Project.id).where(Project.code == code, Project.dept_code == DEPT)).one() or 0


def test_one_bad_row_among_good_ones_writes_nothing(db: Session) -> None:
    rows = [pay(), pay(day="2024-03-06"), pay(amount="abc"), pay(day="2024-03-07")]
    rejected(db, csv_bytes(PAY_ZH, rows))  # asserts that no table changed
    assert counts(db) == {"batches": 0, "payments": 0, "results": 0, "audit": 0}


def test_same_file_again_changes_nothing_and_says_so(db: Session) -> None:
    data = csv_bytes(PAY_ZH, [pay(), pay(day="2024-03-06")])
    first = upload(db, data)
    before = counts(db)
    again = upload(db, data, "renamed.csv")
    assert (again.status, again.batch_id) == ("unchanged", first.batch_id)
    assert "已作为批次" in again.message and "未做任何修改" in again.message
    assert counts(db) == before


def test_withdrawal_reverses_payments_and_brings_back_the_result_it_replaced(db: Session) -> None:
    upload(db, csv_bytes(RES_ZH, [res("1", "2600人")]), "a.csv")
    second = upload(db, csv_bytes(PAY_ZH, [pay(amount="30")]), "b.csv")
    third = upload(db, csv_bytes(RES_ZH, [res("1", "2700人")]), "c.csv")
    pid = project_id(db, "13032224P00XC0610104L")
    withdraw_batch(session=db, principal=ADMIN, batch_id=second.batch_id or 0, reason="重复上传")
    withdraw_batch(session=db, principal=ADMIN, batch_id=third.batch_id or 0, reason="数字有误")
    assert cumulative_paid(session=db, project_ids=[pid]) == {pid: 0}
    assert [r.actual_text for r in latest_results(session=db, project_ids=[pid]).values()] == ["2600人"]
    assert db.exec(select(Payment.withdrawn)).all() == [True]  # kept, never deleted
    with pytest.raises(Conflict):
        withdraw_batch(session=db, principal=ADMIN, batch_id=second.batch_id or 0, reason="again")
    assert upload(db, csv_bytes(PAY_ZH, [pay(amount="30")]), "b.csv").status == "applied"  # may come back


def test_batches_are_listed_only_to_the_units_they_wrote_into(db: Session) -> None:
    upload(db, csv_bytes(PAY_ZH, [pay()]))
    other = Principal(username="u320", role="department", scope=Scope.of_units({("130322", "320001")}))
    assert list_batches(session=db, scope=other.scope)[1] == 0
    assert list_batches(session=db, scope=Scope.of_units({("130322", DEPT)}))[1] == 1
    batch = db.exec(select(UploadBatch)).one()
    with pytest.raises(NotFound):
        withdraw_batch(session=db, principal=other, batch_id=batch.id or 0, reason="不是我的")


def test_department_user_may_not_report_for_another_unit_and_learns_nothing_of_it(db: Session) -> None:
    unit = Principal(username="u314", role="department", scope=Scope.of_units({("130322", DEPT)}))
    issues = rejected(db, csv_bytes(PAY_ZH, [pay(), pay(dept="320001", code="13032224P000N2E10172Y")]), principal=unit)
    assert [(i.row, i.column, i.message) for i in issues] == [(3, "单位编码", "无权上报单位“320001”的数据")]
    issues = rejected(db, csv_bytes(PAY_ZH, [pay(code="13032224P000N2E10172Y")]), principal=unit)
    assert issues[0].message == "单位“314001”下没有项目编码“13032224P000N2E10172Y”"  # not "belongs to 320001"


def test_viewer_may_not_upload(db: Session) -> None:
    viewer = Principal(username="v", role="viewer", scope=Scope.everything())
    with pytest.raises(Exception, match="只读"):
        upload(db, csv_bytes(PAY_ZH, [pay()]), principal=viewer)


def test_a_large_file_waits_on_disk_checked_once_and_every_row_lands(
    db: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checking, "KEEP_ROWS", 5)  # pretend 12 rows are too many to keep in memory
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the checked rows wait
    path = tmp_path / "big.csv"
    path.write_bytes(csv_bytes(PAY_ZH, [pay(day=f"2024-03-{n + 1:02d}", amount="1", code=BIG) for n in range(12)]))
    seen: list[tuple[str, int]] = []
    chunks_checked: list[int] = []
    check = payments.PaymentCheck.check

    def counted(self: payments.PaymentCheck, chunk: Any) -> Any:
        chunks_checked.append(len(chunk.frame))
        return check(self, chunk)

    monkeypatch.setattr(payments.PaymentCheck, "check", counted)
    summary = service.upload(session=db, source=path, filename="big.csv", principal=ADMIN, chunk_rows=4,
                             rules=load_rules(),
                             progress=lambda stage, done, _total: seen.append((stage, done)))  # fmt: skip
    assert summary.payments == 12 and counts(db)["payments"] == 12
    assert chunks_checked == [4, 4, 4]  # each row checked once: not read and checked again for writing
    assert [s for s in seen if s[0] == "写入"] == [("写入", 4), ("写入", 8), ("写入", 12)]
    assert sorted(db.exec(select(Payment.row_no)).all()) == list(range(2, 14))
    assert not list(tmp_path.glob("tracker-upload-*"))  # the rows on disk are gone after the upload


def test_a_large_rejected_file_leaves_nothing_on_disk(
    db: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checking, "KEEP_ROWS", 2)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    rows = [pay(day=f"2024-03-{n + 1:02d}", amount="1", code=BIG) for n in range(6)] + [pay(code="无此项目")]
    with pytest.raises(UploadRejected):
        service.upload(session=db, source=csv_bytes(PAY_ZH, rows), filename="q1.csv", principal=ADMIN,
                       rules=load_rules(), chunk_rows=3)  # fmt: skip
    assert not list(tmp_path.glob("tracker-upload-*")) and counts(db)["payments"] == 0


def test_file_changed_between_checking_and_writing_writes_nothing(
    db: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checking, "KEEP_ROWS", 0)
    path = tmp_path / "big.csv"
    path.write_bytes(csv_bytes(PAY_ZH, [pay(code=BIG)]))

    def meddle(stage: str, _done: int, _total: int | None) -> None:
        if stage == "检查":
            path.write_bytes(csv_bytes(PAY_ZH, [pay(code=BIG, amount="999")]))

    with pytest.raises(Conflict, match="被修改"):
        service.upload(
            rules=load_rules(), session=db, source=path, filename="big.csv", principal=ADMIN, progress=meddle
        )
