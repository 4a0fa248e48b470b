"""What an upload is checked against: units, projects, budgets, locked quarters, the caller's scope.

Read as the file names them: each chunk's units and project codes are looked up once (`Context.load`),
so an upload reads the part of the install it touches, never every project of the province. The
checks answer a Chinese message or None, so that the vectorised payment
checks (one call per distinct value) and the row-by-row result checks say the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy import text
from sqlmodel import Session, col, select

from tracker.actuals.report import Issues
from tracker.auth.principal import Principal
from tracker.budget.service import budgets_where
from tracker.bulk import matching
from tracker.clock import today
from tracker.config import get_settings
from tracker.core.budget import Budget
from tracker.corrections.withhold import withheld
from tracker.models import Dept, Project, Submission
from tracker.rules import Rules

LOCKED = "approved"
_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?")
_UPLOAD_LOCK_KEY = 0x7472_6163_6B31  # PostgreSQL advisory lock shared by uploads, withdrawals and reviews


def serialise(session: Session) -> None:
    """One writer of actuals at a time, taken before anything is read, so checks never see stale data.

    PostgreSQL: a transaction-level advisory lock. SQLite: a write that changes nothing takes the
    database's write lock now (otherwise a second writer would fail with "database is locked" when it
    tries to write on top of the snapshot it read).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _UPLOAD_LOCK_KEY})
    else:
        session.execute(text("UPDATE upload_batch SET id = id WHERE 1 = 0"))


def local_time(at: datetime) -> str:
    """A stored timestamp in the configured zone (SQLite hands them back without a zone: they are UTC)."""
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return aware.astimezone(get_settings().tz).strftime("%Y-%m-%d %H:%M")


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


@dataclass(frozen=True, slots=True)
class ProjectRef:
    id: int
    region_code: str
    dept_code: str
    code: str
    year: int
    budget_fen: int


@dataclass(slots=True)
class Context:
    session: Session
    principal: Principal
    today: date
    rules: Rules  # the province's; a project's own are rules.for_place(region, year)
    projects: dict[tuple[str, str, int], ProjectRef] = field(default_factory=dict)
    years: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    depts: set[str] = field(default_factory=set)  # unit codes read (any region)
    visible_codes: set[str] = field(default_factory=set)
    locks: dict[tuple[str, str, int, int], str] = field(default_factory=dict)  # (region, unit, year, quarter)
    # per project id read: the budget checked against, the effective one with every recorded change at year end
    budgets: dict[int, int] = field(default_factory=dict)
    visible_depts: set[str] = field(default_factory=set)  # unit codes of units the scope may write to
    withheld: dict[int, str] = field(default_factory=dict)  # 暂缓拨款 by an open correction notice
    errors: Issues = field(default_factory=Issues)
    warnings: Issues = field(default_factory=Issues)
    read_depts: set[str] = field(default_factory=set)
    read_codes: set[str] = field(default_factory=set)

    def load(self, *, depts: Iterable[str], codes: Iterable[str]) -> None:
        """Read the units (with their locked quarters) and the projects by code not read yet."""
        new_depts = sorted({d for d in depts if d} - self.read_depts)
        new_codes = sorted({c for c in codes if c} - self.read_codes)
        self.read_depts.update(new_depts)
        self.read_codes.update(new_codes)
        _read_depts(self, new_depts)
        _read_projects(self, new_codes)

    def dept_problem(self, dept: str) -> str | None:
        """Out of scope first, so that another unit's existence is not revealed."""
        if dept in self.visible_depts:
            return None
        if self.principal.scope.units is not None or dept in self.depts:
            return f"无权上报单位“{dept}”的数据"
        return f"未知单位编码“{dept}”"

    def project_problem(self, dept: str, code: str) -> str | None:
        """None when the unit has a project with this code (in some year)."""
        if (dept, code) in self.years:
            return None
        if code in self.visible_codes:
            return f"项目“{code}”不属于单位“{dept}”"
        return f"单位“{dept}”下没有项目编码“{code}”"

    def project_in_year(self, dept: str, code: str, year: int) -> tuple[ProjectRef | None, str | None]:
        """The unit's project of the date's year, or a message that the date is outside its years."""
        ref = self.projects.get((dept, code, year))
        if ref is not None:
            return ref, None
        years = "、".join(str(y) for y in self.years.get((dept, code), []))
        return None, f"日期不在项目年度内：项目“{code}”属于{years}年，填写的是{year}年"

    def withheld_problem(self, project_id: int) -> str | None:
        return self.withheld.get(project_id)

    def lock_problem(self, region: str, dept: str, year: int, quarter: int) -> str | None:
        return self.locks.get((region, dept, year, quarter))


def parse_day(raw: str, now: date) -> tuple[date | None, str | None]:
    """A date written YYYY-MM-DD (also / or .), not after today."""
    match = _DATE.fullmatch(raw.strip())
    if match is None:
        return None, f"日期“{raw}”无法识别，应为 YYYY-MM-DD"
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None, f"日期“{raw}”不存在"
    if day > now:
        return None, f"日期 {day.isoformat()} 晚于今天"
    return day, None


def _read_projects(ctx: Context, codes: list[str]) -> None:
    """Every year's visible project under each code; another place's project does not exist for this upload."""
    session = ctx.session
    table: sa.Table = Project.__table__  # type: ignore[attr-defined]
    c = table.c
    # Core columns through the connection: plain rows, no ORM result processing per project
    columns = (c.id, c.region_code, c.dept_code, c.code, c.year, c.budget_fen, c.fiscal_fen, c.other_fen)
    # no ORDER BY: SQLite would walk every project of the install in year order rather than look the codes
    # up by index (0.04 s a part at 60,000 projects); the rows are sorted by year below
    query = ctx.principal.scope.filter(sa.select(*columns), c.region_code, c.dept_code)
    found: list[tuple[int, str, str, str, int, int, int, int]] = []
    conn = session.connection()
    budgets: dict[int, Budget] = {}
    for among in matching(session, c.code, codes):
        found_here = list(conn.execute(query.where(among)).tuples())
        # Payments may reach the effective budget with every recorded change (DOMAIN.md §3), at year end.
        initial = [(r[0], r[5], r[6], r[7]) for r in found_here]
        budgets.update(budgets_where(session=session, initial=initial, selected=among))
        found += found_here
    for pid, region, dept, code, year, *_published in sorted(found, key=lambda row: row[4]):
        effective = budgets[pid].year_end(year)
        ctx.projects[(dept, code, year)] = ProjectRef(pid, region, dept, code, year, effective)
        ctx.budgets[pid] = effective
        ctx.years.setdefault((dept, code), []).append(year)
        ctx.visible_codes.add(code)


def _read_depts(ctx: Context, depts: list[str]) -> None:
    """Which of the units exist (and which the caller may write to), and their locked quarters."""
    session = ctx.session
    scope = ctx.principal.scope
    for among in matching(session, col(Dept.code), depts):
        for region, code in session.exec(select(Dept.region_code, Dept.code).where(among)):
            ctx.depts.add(code)
            if scope.allows(region, code):
                ctx.visible_depts.add(code)
    for among in matching(session, col(Submission.dept_code), depts):
        for s in session.exec(select(Submission).where(Submission.status == LOCKED, among)):
            when = local_time(s.reviewed_at) if s.reviewed_at else ""
            ctx.locks[(s.region_code, s.dept_code, s.year, s.quarter)] = (
                f"{s.year}年第{s.quarter}季度已由 {s.reviewed_by or '财政局'} 于 {when} 审核锁定"
                f"（单位 {s.dept_code}），不能再上传或撤回；如需修改请联系财政局解锁"
            )


def load_context(*, session: Session, principal: Principal, rules: Rules) -> Context:
    """The rules and the caller; units and projects are read as the file names them (`Context.load`)."""
    limit = rules.actuals.max_listed_rows
    return Context(
        session=session,
        principal=principal,
        today=today(),
        rules=rules,
        withheld=withheld(session=session),
        errors=Issues(limit=limit),
        warnings=Issues(limit=limit),
    )
