"""整改通知 (DOMAIN.md §8): issue, answer, return, accept, list; every step audited and told by mail/webhook.

States: issued → answered → accepted, or answered → returned → answered … A unit answers its own
units' notices (measures, later the result); only the finance bureau issues, returns and accepts.
Each step queues its messages in the alert outbox in the same transaction (tracker/corrections/notify.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tracker.access import can_see
from tracker.actuals import audit
from tracker.auth.principal import Principal
from tracker.core.money import parse_wan, wan_str
from tracker.corrections import budget_cut
from tracker.corrections.notify import notify
from tracker.errors import Conflict, InvalidInput, NotFound
from tracker.models import CorrectionNotice, Project
from tracker.models.base import utcnow
from tracker.rules import Rules
from tracker.scope import Scope

STATE_NAMES = {"issued": "待整改", "answered": "已报送待审核", "returned": "已退回重报", "accepted": "已通过"}
OPEN = ("issued", "answered", "returned")
WAITING_ON_UNIT = ("issued", "returned")  # what can be overdue: the unit has not answered in time


def _text(value: str, name: str, *, required: bool = True, limit: int = 4000) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"{name}不能为空")
    if len(text) > limit:
        raise InvalidInput(f"{name}不能超过{limit}字")
    return text


def _audit(session: Session, n: CorrectionNotice, actor: str | None, action: str, note: str) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity="correction_notice",
        entity_id=n.id,
        project_id=n.project_id,
        note=note,
    )


def get_notice(*, session: Session, scope: Scope, notice_id: int) -> CorrectionNotice:
    """One notice the scope may see; another unit's answers 404 like a missing one."""
    n = session.get(CorrectionNotice, notice_id)
    project = session.get(Project, n.project_id) if n is not None else None
    if n is None or project is None or not can_see(scope, project):
        raise NotFound(f"整改通知{notice_id}不存在")
    return n


def issue_notice(
    *,
    session: Session,
    principal: Principal,
    rules: Rules,
    project_id: int,
    problem: str,
    requirement: str = "",
    due_on: date,
    withhold: bool = False,
) -> CorrectionNotice:
    """The finance bureau issues a notice on a project (problem, requirement, deadline; optionally 暂缓拨款)."""
    principal.require_admin()
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(f"项目{project_id}不存在")
    n = CorrectionNotice(
        project_id=project_id,
        year=project.year,
        dept_code=project.dept_code,
        region_code=project.region_code,
        problem=_text(problem, "存在问题"),
        requirement=_text(requirement, "整改要求", required=False),
        due_on=due_on,
        withhold=withhold,
        issued_by=principal.username,
    )
    session.add(n)
    session.flush()
    _audit(
        session,
        n,
        principal.username,
        "correction_issued",
        f"期限{due_on.isoformat()}" + ("，暂缓拨款" if withhold else ""),
    )
    notify(session=session, rules=rules, notice=n, stage="issued")
    return n


def answer_notice(
    *, session: Session, principal: Principal, rules: Rules, notice_id: int, measures: str, result: str = ""
) -> CorrectionNotice:
    """The unit reports its measures (整改措施) and, now or later, the result (整改结果)."""
    principal.require_write()
    n = get_notice(session=session, scope=principal.scope, notice_id=notice_id)
    if n.state == "accepted":
        raise Conflict(f"整改通知{notice_id}已通过，不能再修改")
    n.measures = _text(measures, "整改措施")
    n.result = _text(result, "整改结果", required=False)
    n.state, n.answered_by, n.answered_at = "answered", principal.username, utcnow()
    session.add(n)
    session.flush()
    what = "整改结果" if n.result else "整改措施"
    _audit(session, n, principal.username, "correction_answered", f"第{n.round}轮报送{what}")
    notify(session=session, rules=rules, notice=n, stage=f"answered_{n.round}_{'result' if n.result else 'measures'}")
    return n


def _reviewable(session: Session, principal: Principal, notice_id: int) -> CorrectionNotice:
    principal.require_admin()
    n = get_notice(session=session, scope=principal.scope, notice_id=notice_id)
    if n.state != "answered":
        raise Conflict(f"整改通知{notice_id}当前状态为“{STATE_NAMES[n.state]}”，单位报送后才能审核")
    return n


def return_notice(
    *,
    session: Session,
    principal: Principal,
    rules: Rules,
    notice_id: int,
    comment: str,
    due_on: date | None = None,
) -> CorrectionNotice:
    """The finance bureau sends the answer back with its reasons (and, if it says so, a new deadline)."""
    n = _reviewable(session, principal, notice_id)
    n.review_comment = _text(comment, "退回意见")
    stage = f"returned_{n.round}"
    n.state, n.round = "returned", n.round + 1
    if due_on is not None:
        n.due_on = due_on
    session.add(n)
    session.flush()
    _audit(session, n, principal.username, "correction_returned", n.review_comment)
    notify(session=session, rules=rules, notice=n, stage=stage)
    return n


def accept_notice(
    *,
    session: Session,
    principal: Principal,
    rules: Rules,
    notice_id: int,
    comment: str = "",
    cut_budget_wan: str | None = None,
) -> CorrectionNotice:
    """The finance bureau accepts: the notice closes, 暂缓拨款 is lifted, a 调减预算 becomes an adjustment."""
    n = _reviewable(session, principal, notice_id)
    n.review_comment = _text(comment, "审核意见", required=False)
    n.state, n.closed_by, n.closed_at = "accepted", principal.username, utcnow()
    if n.withhold and n.withhold_lifted_at is None:
        n.withhold_lifted_at = n.closed_at
    outcomes = ["整改通过"] + (["恢复拨款"] if n.withhold else [])
    if cut_budget_wan:
        try:
            cut = parse_wan(cut_budget_wan)
        except ValueError as exc:
            raise InvalidInput(f"调减预算金额有误：{cut_budget_wan}（万元，最多两位小数）") from exc
        if cut <= 0:
            raise InvalidInput("调减预算金额应大于0")
        n.cut_budget_fen = cut
        outcomes.append(budget_cut.apply(session=session, notice=n, cut_fen=cut, actor=principal.username))
    n.outcome = "，".join(outcomes)
    session.add(n)
    session.flush()
    _audit(session, n, principal.username, "correction_accepted", n.outcome)
    notify(session=session, rules=rules, notice=n, stage="accepted")
    return n


def _filtered(query: Any, state: str | None, today: date) -> Any:
    if state in (None, "", "all"):
        return query
    if state == "open":
        return query.where(col(CorrectionNotice.state).in_(OPEN))
    if state == "overdue":
        return query.where(col(CorrectionNotice.state).in_(WAITING_ON_UNIT), col(CorrectionNotice.due_on) < today)
    if state == "closed":
        return query.where(CorrectionNotice.state == "accepted")
    if state in STATE_NAMES:
        return query.where(CorrectionNotice.state == state)
    raise InvalidInput(f"状态应为 open、overdue、closed 或 {'、'.join(STATE_NAMES)}：{state}")


def list_notices(
    *,
    session: Session,
    scope: Scope,
    today: date,
    state: str | None = None,
    project_id: int | None = None,
    year: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[tuple[CorrectionNotice, Project]], int]:
    """Notices the scope may see, the nearest deadline first, with their projects."""
    query = select(CorrectionNotice, Project).join(Project, col(Project.id) == CorrectionNotice.project_id)
    query = _filtered(scope.filter(query, Project.region_code, Project.dept_code), state, today)
    if project_id is not None:
        query = query.where(CorrectionNotice.project_id == project_id)
    if year is not None:
        query = query.where(CorrectionNotice.year == year)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    order = (col(CorrectionNotice.state) == "accepted", col(CorrectionNotice.due_on), col(CorrectionNotice.id))
    rows = session.exec(query.order_by(*order).offset(offset).limit(limit))
    return [(n, p) for n, p in rows], int(total)


def counts(*, session: Session, scope: Scope, today: date, year: int | None = None) -> dict[str, int]:
    """How many notices are open and how many of those are overdue (the dashboard's numbers), in one statement.

    The same selections as `list_notices(state="open")` and `(state="overdue")`, counted together.
    """
    is_open = col(CorrectionNotice.state).in_(OPEN)
    late = sa.and_(col(CorrectionNotice.state).in_(WAITING_ON_UNIT), col(CorrectionNotice.due_on) < today)
    query = (
        select(func.count().filter(is_open), func.count().filter(late))
        .select_from(CorrectionNotice)
        .join(Project, col(Project.id) == CorrectionNotice.project_id)
    )
    query = scope.filter(query.where(sa.or_(is_open, late)), Project.region_code, Project.dept_code)
    if year is not None:
        query = query.where(CorrectionNotice.year == year)
    opened, overdue = session.exec(query).one()
    return {"open": int(opened or 0), "overdue": int(overdue or 0)}


def budget_cut_text(n: CorrectionNotice) -> str:
    return f"调减预算 {wan_str(n.cut_budget_fen)} 万元" if n.cut_budget_fen else ""


def remind_due(*, session: Session, as_of: date, rules: Rules) -> int:
    """Before a deadline the unit is reminded (nearest stage only); once it has passed, unit and bureau hear.

    The reminder days are `corrections.remind_days_before` of the notice's region and year.

    Only notices waiting on the unit count (issued or returned). Stages carry the round, so a notice
    returned with a new deadline is reminded again for it.
    """
    queued = 0
    query = select(CorrectionNotice).where(col(CorrectionNotice.state).in_(WAITING_ON_UNIT))
    for n in session.exec(query.order_by(col(CorrectionNotice.id))):
        left = (n.due_on - as_of).days
        if left < 0:
            queued += notify(session=session, rules=rules, notice=n, stage=f"overdue_r{n.round}", as_of=as_of)
            continue
        days_before = rules.for_place(n.region_code, n.year).corrections.remind_days_before
        ahead = [d for d in days_before if d >= left]
        if ahead:
            stage = f"before_{min(ahead)}_r{n.round}"
            queued += notify(session=session, rules=rules, notice=n, stage=stage, as_of=as_of)
    return queued
