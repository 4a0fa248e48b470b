"""The lock of an approved quarter guards an update of a recorded payment by both its dates: moving a payment
out of a locked quarter (a known voucher whose later export gives another date) changes that quarter."""

from __future__ import annotations

from sqlmodel import Session, select

from tests.actuals.helpers import ADMIN, DEPT, one_issue, rejected, upload
from tests.actuals.treasury_files import Q1, export_csv, row
from tracker.actuals import approvals
from tracker.auth.principal import Principal
from tracker.models import BatchPeriod
from tracker.scope import Scope

UNIT = Principal(username="minzheng", role="department", scope=Scope.of_units({("130322", DEPT)}))


def lock_first_quarter(db: Session) -> None:
    upload(db, export_csv(Q1), "q1.csv", principal=UNIT)
    sid = approvals.submit_quarter(session=db, principal=UNIT, dept_code=DEPT, year=2024, quarter=1).id
    approvals.approve_submissions(session=db, principal=ADMIN, ids=[sid], comment="同意")


def test_moving_a_payment_out_of_a_locked_quarter_is_refused_with_a_row_message(db: Session) -> None:
    lock_first_quarter(db)
    moved = [Q1[0], row("ZF2024000102", "2024-04-03", "50000.50", source="上年结转资金"), Q1[2]]
    issue = one_issue(rejected(db, export_csv(moved), "h1.csv", principal=UNIT))
    assert (issue.row, issue.column) == (3, "支付日期")
    assert "原日期为 2024-02-20" in issue.message and "2024年第1季度" in issue.message and "审核锁定" in issue.message


def test_an_update_within_open_quarters_records_both_quarters_in_the_batch(db: Session) -> None:
    upload(db, export_csv(Q1), "q1.csv", principal=UNIT)
    moved = [Q1[0], row("ZF2024000102", "2024-04-03", "50000.50", source="上年结转资金"), Q1[2]]
    summary = upload(db, export_csv(moved), "h1.csv", principal=UNIT)
    assert summary.payments_updated == 1
    quarters = db.exec(select(BatchPeriod.quarter).where(BatchPeriod.batch_id == summary.batch_id)).all()
    assert sorted(quarters) == [1, 2]  # withdrawing it later changes the first quarter too
