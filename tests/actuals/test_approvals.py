"""A quarter is submitted, approved (locked) or returned, and unlocked by an admin with a reason."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.actuals.helpers import ADMIN, DEPT, PAY_ZH, RES_ZH, csv_bytes, one_issue, pay, rejected, res, upload
from tracker.actuals import approvals
from tracker.actuals.audit import list_audit
from tracker.actuals.batches import withdraw_batch
from tracker.auth.principal import Principal
from tracker.errors import Conflict, Forbidden, InvalidInput, NotFound
from tracker.scope import Scope

UNIT = Principal(username="minzheng", role="department", scope=Scope(frozenset({DEPT})))


def submit(db: Session, quarter: int = 1, dept: str = DEPT, who: Principal = UNIT) -> int:
    return approvals.submit_quarter(session=db, principal=who, dept_code=dept, year=2024, quarter=quarter).id


def test_approved_quarter_refuses_uploads_naming_the_lock_and_other_quarters_stay_open(db: Session) -> None:
    upload(db, csv_bytes(PAY_ZH, [pay()]), principal=UNIT)
    sid = submit(db)
    [approved] = approvals.approve_submissions(session=db, principal=ADMIN, ids=[sid], comment="同意")
    assert (approved.status, approved.locked, approved.paid_wan) == ("approved", True, "10.00")
    issue = one_issue(rejected(db, csv_bytes(PAY_ZH, [pay(day="2024-02-01")]), "late.csv", principal=UNIT))
    assert issue.column == "支付日期" and "2024年第1季度已由 finance" in issue.message and "审核锁定" in issue.message
    issue = one_issue(rejected(db, csv_bytes(RES_ZH, [res(as_of="2024-03-31")]), "r.csv", principal=UNIT))
    assert "审核锁定" in issue.message
    assert upload(db, csv_bytes(PAY_ZH, [pay(day="2024-04-01")]), "q2.csv", principal=UNIT).status == "applied"


def test_batch_in_a_locked_quarter_cannot_be_withdrawn_until_unlocked(db: Session) -> None:
    batch = upload(db, csv_bytes(PAY_ZH, [pay()]), principal=UNIT).batch_id or 0
    sid = submit(db)
    approvals.approve_submissions(session=db, principal=ADMIN, ids=[sid])
    with pytest.raises(Conflict, match="已审核锁定"):
        withdraw_batch(session=db, principal=UNIT, batch_id=batch, reason="改错")
    with pytest.raises(InvalidInput):
        approvals.unlock_submission(session=db, principal=ADMIN, submission_id=sid, reason=" ")
    unlocked = approvals.unlock_submission(session=db, principal=ADMIN, submission_id=sid, reason="单位申请更正")
    assert (unlocked.status, unlocked.locked, unlocked.comment) == ("unlocked", False, "单位申请更正")
    assert withdraw_batch(session=db, principal=UNIT, batch_id=batch, reason="改错").status == "withdrawn"
    assert submit(db) == sid  # the unit submits the corrected quarter again


def test_returned_quarter_carries_the_comment_and_can_be_submitted_again(db: Session) -> None:
    sid = submit(db)
    with pytest.raises(InvalidInput):
        approvals.return_submissions(session=db, principal=ADMIN, ids=[sid], comment="")
    [back] = approvals.return_submissions(session=db, principal=ADMIN, ids=[sid], comment="缺少3月支付")
    assert (back.status, back.comment, back.reviewed_by) == ("returned", "缺少3月支付", "finance")
    assert submit(db) == sid


def test_bulk_approval_is_all_or_nothing(db: Session) -> None:
    first = submit(db, 1)
    second = submit(db, 2)
    approvals.approve_submissions(session=db, principal=ADMIN, ids=[second])
    with pytest.raises(Conflict, match="第2季度（已审核锁定）"):
        approvals.approve_submissions(session=db, principal=ADMIN, ids=[first, second])
    assert approvals.list_submissions(session=db, scope=Scope.everything(), status="submitted")[1] == 1
    with pytest.raises(NotFound):
        approvals.approve_submissions(session=db, principal=ADMIN, ids=[first, 999999])


def test_only_the_finance_bureau_reviews_and_a_unit_submits_only_its_own(db: Session) -> None:
    sid = submit(db)
    with pytest.raises(Forbidden):
        approvals.approve_submissions(session=db, principal=UNIT, ids=[sid])
    with pytest.raises(Forbidden):
        approvals.unlock_submission(session=db, principal=UNIT, submission_id=sid, reason="x")
    with pytest.raises(NotFound):
        submit(db, dept="320001")
    with pytest.raises(Conflict, match="已报送"):
        submit(db)


def test_submissions_are_listed_within_scope_with_what_the_quarter_holds(db: Session) -> None:
    upload(db, csv_bytes(PAY_ZH, [pay(amount="12.5"), pay(day="2024-04-02")]), principal=UNIT)
    upload(db, csv_bytes(RES_ZH, [res(), res("8", "96%")]), "r.csv", principal=UNIT)
    submit(db, 1)
    submit(db, 1, dept="320001", who=ADMIN)
    mine, total = approvals.list_submissions(session=db, scope=UNIT.scope, year=2024)
    assert total == 1 and (mine[0].paid_wan, mine[0].results, mine[0].dept_name) == ("12.50", 2, "昌黎县民政局本级")
    assert approvals.list_submissions(session=db, scope=Scope.everything(), quarter=1)[1] == 2


def test_every_step_is_on_the_quarters_audit_trail(db: Session) -> None:
    sid = submit(db)
    approvals.approve_submissions(session=db, principal=ADMIN, ids=[sid], comment="同意")
    approvals.unlock_submission(session=db, principal=ADMIN, submission_id=sid, reason="更正")
    items, _ = list_audit(session=db, scope=UNIT.scope, submission_id=sid)
    assert [(e.actor, e.action, e.old, e.new, e.note) for e in reversed(items)] == [
        ("minzheng", "period.submitted", "draft", "submitted", ""),
        ("finance", "period.approved", "submitted", "approved", "同意"),
        ("finance", "period.unlocked", "approved", "unlocked", "更正"),
    ]
