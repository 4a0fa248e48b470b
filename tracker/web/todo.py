"""待办: what needs the signed-in user's action, shown on the dashboard right after signing in.

A unit user: quarters the finance bureau returned, open correction notices waiting on the unit, and
deadlines within the next 7 days (a correction notice's, or a quarter's report that is not in yet).
The finance bureau: submitted quarters to review and answered notices to accept or return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tracker.auth.principal import Principal
from tracker.core.plan import checkpoint_date
from tracker.models import CorrectionNotice, Project, Submission
from tracker.rules import Rules

WEEK = 7
REPORTED = ("submitted", "approved", "unlocked")


@dataclass(frozen=True, slots=True)
class Todo:
    kind: str  # returned | correction | deadline | review
    text: str
    link: str


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _unit_todos(session: Session, principal: Principal, today: date, rules: Rules) -> list[Todo]:
    scope = principal.scope
    out: list[Todo] = []
    returned = session.exec(
        scope.filter(
            select(Submission).where(Submission.status == "returned"), Submission.region_code, Submission.dept_code
        )
    )
    for s in returned:
        why = f"：{s.comment}" if s.comment else ""
        out.append(
            Todo("returned", f"{s.dept_code} {s.year}年第{s.quarter}季度报送被退回{why}，请修改后重新报送", "/upload")
        )
    waiting = scope.filter(
        select(CorrectionNotice, Project.name)
        .join(Project, col(Project.id) == CorrectionNotice.project_id)
        .where(col(CorrectionNotice.state).in_(("issued", "returned"))),
        Project.region_code,
        Project.dept_code,
    )
    for n, name in session.exec(waiting.order_by(col(CorrectionNotice.due_on))):
        late = n.due_on < today
        when = f"已逾期（期限{_day(n.due_on)}）" if late else f"期限{_day(n.due_on)}"
        kind = "deadline" if today <= n.due_on <= today + timedelta(days=WEEK) else "correction"
        again = "被退回，" if n.state == "returned" else ""
        out.append(Todo(kind, f"整改通知第{n.id}号（{name}）{again}待报送整改情况，{when}", f"/corrections/{n.id}"))
    regions = {region for region, _ in scope.units or ()}
    place = rules.for_place(regions.pop() if len(regions) == 1 else None, today.year)  # the unit's region
    shift = timedelta(days=place.alerts.report_due_days)
    depts = sorted(scope.unit_codes or [])
    for month in (3, 6, 9, 12):
        due = checkpoint_date(today.year, month) + shift
        if not today <= due <= today + timedelta(days=WEEK):
            continue
        quarter = month // 3
        done = set(
            session.exec(
                select(Submission.dept_code).where(
                    Submission.year == today.year, Submission.quarter == quarter, col(Submission.status).in_(REPORTED)
                )
            )
        )
        for dept in depts:
            if dept not in done:
                out.append(
                    Todo("deadline", f"{dept} {today.year}年第{quarter}季度执行情况应于{_day(due)}前报送", "/upload")
                )
    return out


def _bureau_todos(session: Session, today: date) -> list[Todo]:
    waiting_on_unit = col(CorrectionNotice.state).in_(("issued", "returned"))
    notices = select(
        func.count().filter(col(CorrectionNotice.state) == "answered"),
        func.count().filter(sa.and_(waiting_on_unit, col(CorrectionNotice.due_on) < today)),
    )
    answered, overdue = session.exec(notices).one()
    waiting = session.exec(select(func.count()).where(Submission.status == "submitted")).one()
    out: list[Todo] = []
    if waiting:
        out.append(Todo("review", f"{waiting}个季度报送待审核", "/approvals"))
    if answered:
        out.append(Todo("review", f"{answered}份整改通知单位已报送，待审核", "/corrections?state=open"))
    if overdue:
        out.append(Todo("correction", f"{overdue}份整改通知已逾期未报送", "/corrections?state=overdue"))
    return out


def todos(*, session: Session, principal: Principal, today: date, rules: Rules) -> list[Todo]:
    """What this user should do now, most urgent first (deadlines, then the rest)."""
    if principal.is_admin:
        return _bureau_todos(session, today)
    if not principal.can_write:
        return []
    items = _unit_todos(session, principal, today, rules)
    return sorted(items, key=lambda t: t.kind != "deadline")
