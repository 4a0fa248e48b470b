"""A unit's quarter: submitted by the unit, approved (locked) or returned by the finance bureau, unlocked by an admin.

Statuses: draft → submitted → approved | returned; approved → unlocked (by an admin, with a reason).
Only an approved quarter is locked: uploads and withdrawals into it are refused, naming the lock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tracker.actuals.audit import record
from tracker.actuals.context import LOCKED, quarter_of, serialise
from tracker.actuals.schemas import SubmissionOut
from tracker.auth.principal import Principal
from tracker.core.money import wan_str
from tracker.errors import Conflict, InvalidInput, NotFound
from tracker.models import Dept, Indicator, IndicatorResult, Payment, Project, Submission, utcnow
from tracker.places import resolve_unit
from tracker.scope import Scope

STATUS_NAMES = {
    "draft": "未报送",
    "submitted": "已报送",
    "approved": "已审核锁定",
    "returned": "已退回",
    "unlocked": "已解锁",
}


def _label(s: Submission) -> str:
    return f"单位 {s.dept_code} {s.year}年第{s.quarter}季度"


def _transition(session: Session, s: Submission, status: str, actor: str, note: str) -> None:
    record(session, actor=actor, action=f"period.{status}", entity="submission", entity_id=s.id, field="status",
           old=s.status, new=status, note=note)  # fmt: skip
    s.status = status
    session.add(s)


def submit_quarter(
    *,
    session: Session,
    principal: Principal,
    dept_code: str,
    year: int,
    quarter: int,
    region_code: str | None = None,
) -> SubmissionOut:
    """The unit declares its quarter complete and asks the finance bureau to review it."""
    principal.require_write()
    unit = resolve_unit(session=session, dept_code=dept_code, region_code=region_code, scope=principal.scope)
    if quarter not in (1, 2, 3, 4):
        raise InvalidInput("季度应为1到4")
    has_projects = session.exec(
        select(Project.id).where(Project.dept_code == dept_code, Project.year == year).limit(1)
    ).first()
    if has_projects is None:  # nothing to report on: a quarter of such a year would be a record of nothing
        raise InvalidInput(f"单位“{dept_code}”在{year}年没有项目，不能报送该年度的季度")
    serialise(session)
    sub = session.exec(
        select(Submission).where(
            Submission.region_code == unit.region_code,
            Submission.dept_code == dept_code,
            Submission.year == year,
            Submission.quarter == quarter,
        )
    ).first()
    if sub is None:
        sub = Submission(region_code=unit.region_code, dept_code=dept_code, year=year, quarter=quarter)
        session.add(sub)
        session.flush()
    if sub.status in ("submitted", LOCKED):
        raise Conflict(f"{_label(sub)}{STATUS_NAMES[sub.status]}，不能重复报送")
    _transition(session, sub, "submitted", principal.username, "")
    sub.submitted_by, sub.submitted_at = principal.username, utcnow()
    session.flush()
    return _outs(session, [sub])[0]


def _reviewable(session: Session, ids: Sequence[int], scope: Scope) -> list[Submission]:
    found = session.exec(select(Submission).where(col(Submission.id).in_(list(ids))))
    subs = [s for s in found if scope.sees(s)]  # another county's quarter does not exist for its admin
    missing = sorted(set(ids) - {s.id for s in subs})
    if missing:
        raise NotFound(f"季度报送不存在：{'、'.join(map(str, missing))}")
    wrong = [f"{_label(s)}（{STATUS_NAMES.get(s.status, s.status)}）" for s in subs if s.status != "submitted"]
    if wrong:
        raise Conflict(f"只能审核已报送的季度：{'；'.join(wrong)}")
    return sorted(subs, key=lambda s: s.id or 0)


def approve_submissions(
    *, session: Session, principal: Principal, ids: Sequence[int], comment: str = ""
) -> list[SubmissionOut]:
    """Approve and lock submitted quarters, all or none."""
    principal.require_admin()
    serialise(session)
    subs = _reviewable(session, ids, principal.scope)
    for s in subs:
        _transition(session, s, LOCKED, principal.username, comment)
        s.reviewed_by, s.reviewed_at, s.comment = principal.username, utcnow(), comment
    session.flush()
    return _outs(session, subs)


def return_submissions(
    *, session: Session, principal: Principal, ids: Sequence[int], comment: str
) -> list[SubmissionOut]:
    """Send submitted quarters back to their units with a comment, all or none."""
    principal.require_admin()
    if not comment.strip():
        raise InvalidInput("退回时请填写意见")
    serialise(session)
    subs = _reviewable(session, ids, principal.scope)
    for s in subs:
        _transition(session, s, "returned", principal.username, comment)
        s.reviewed_by, s.reviewed_at, s.comment = principal.username, utcnow(), comment
    session.flush()
    return _outs(session, subs)


def unlock_submission(*, session: Session, principal: Principal, submission_id: int, reason: str) -> SubmissionOut:
    """Lift the lock of an approved quarter; the reason goes on the record."""
    principal.require_admin()
    if not reason.strip():
        raise InvalidInput("解锁时请填写原因")
    serialise(session)
    sub = session.get(Submission, submission_id)
    if sub is None or not principal.scope.sees(sub):
        raise NotFound(f"季度报送{submission_id}不存在")
    if sub.status != LOCKED:
        raise Conflict(f"{_label(sub)}{STATUS_NAMES.get(sub.status, sub.status)}，未锁定")
    _transition(session, sub, "unlocked", principal.username, reason)
    sub.reviewed_by, sub.reviewed_at, sub.comment = principal.username, utcnow(), reason
    session.flush()
    return _outs(session, [sub])[0]


def list_submissions(
    *,
    session: Session,
    scope: Scope,
    year: int | None = None,
    quarter: int | None = None,
    status: str | None = None,
    dept_code: str | None = None,
    limit: int = 100,
    offset: int = 0,
    statuses: Sequence[str] | None = None,
) -> tuple[list[SubmissionOut], int]:
    """Quarters the scope may see, with what was paid and reported in each.

    `statuses` (several at once) lists the reviewed ones, latest review first (审核 page's 已处理).
    """
    query = scope.filter(select(Submission), Submission.region_code, Submission.dept_code)
    for column, value in ((Submission.year, year), (Submission.quarter, quarter), (Submission.status, status),
                          (Submission.dept_code, dept_code)):  # fmt: skip
        if value is not None:
            query = query.where(column == value)
    if statuses is not None:
        query = query.where(col(Submission.status).in_(sorted(statuses)))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    order: tuple[Any, ...] = (col(Submission.year).desc(), col(Submission.quarter).desc(), col(Submission.dept_code))
    if statuses is not None:
        order = (col(Submission.reviewed_at).desc().nulls_last(), col(Submission.id).desc())
    subs = list(session.exec(query.order_by(*order).offset(offset).limit(limit)))
    return _outs(session, subs), int(total)


def _outs(session: Session, subs: list[Submission]) -> list[SubmissionOut]:
    """Assemble with one query per table: amounts and result counts grouped by unit and date."""
    depts = {s.dept_code for s in subs}
    names: dict[tuple[str, str], str] = {}
    if depts:
        rows = session.exec(select(Dept.region_code, Dept.code, Dept.name).where(col(Dept.code).in_(depts)))
        names = {(r, c): n for r, c, n in rows}
    paid: dict[tuple[str, str, int, int], int] = defaultdict(int)
    counted: dict[tuple[str, str, int, int], int] = defaultdict(int)
    if subs:
        first, last = date(min(s.year for s in subs), 1, 1), date(max(s.year for s in subs), 12, 31)
        pays = (
            sa.select(
                col(Project.region_code),
                col(Project.dept_code),
                col(Payment.paid_on),
                func.sum(col(Payment.amount_fen)),
            )
            .join(Project, col(Project.id) == col(Payment.project_id))
            .where(col(Project.dept_code).in_(depts), col(Payment.withdrawn) == False)  # noqa: E712
            .where(col(Payment.paid_on) >= first, col(Payment.paid_on) <= last)
            .group_by(col(Project.region_code), col(Project.dept_code), col(Payment.paid_on))
        )
        for region, dept, day, amount in session.execute(pays).tuples():
            paid[(region, dept, day.year, quarter_of(day))] += int(amount)
        reported = (
            sa.select(col(Project.region_code), col(Project.dept_code), col(IndicatorResult.as_of), func.count())
            .join(Indicator, col(Indicator.id) == col(IndicatorResult.indicator_id))
            .join(Project, col(Project.id) == col(Indicator.project_id))
            .where(col(Project.dept_code).in_(depts), col(IndicatorResult.is_current) == True)  # noqa: E712
            .where(col(IndicatorResult.as_of) >= first, col(IndicatorResult.as_of) <= last)
            .group_by(col(Project.region_code), col(Project.dept_code), col(IndicatorResult.as_of))
        )
        for region, dept, day, n in session.execute(reported).tuples():
            counted[(region, dept, day.year, quarter_of(day))] += int(n)
    return [
        SubmissionOut(
            id=s.id or 0,
            region_code=s.region_code,
            dept_code=s.dept_code,
            dept_name=names.get((s.region_code, s.dept_code), ""),
            year=s.year,
            quarter=s.quarter,
            status=s.status,
            locked=s.status == LOCKED,
            comment=s.comment,
            submitted_by=s.submitted_by,
            submitted_at=s.submitted_at,
            reviewed_by=s.reviewed_by,
            reviewed_at=s.reviewed_at,
            paid_wan=wan_str(paid[(s.region_code, s.dept_code, s.year, s.quarter)]),
            results=counted[(s.region_code, s.dept_code, s.year, s.quarter)],
        )
        for s in subs
    ]
