"""Budget versions (DOMAIN.md §3): the one loader every feature reads budgets through, and recording a change.

`load_budgets` hands out `core.budget.Budget` values: 年初 from the project row (the published
table) and every stored `BudgetChange`. Nobody else reads `budget_change`, so the effective budget
has one definition (`Budget.on`). Services never commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker.actuals.audit import record
from tracker.core.budget import (
    CHANGE_KIND_NAMES,
    DEFAULT_SOURCE,
    Budget,
    BudgetChange,
    ChangeKind,
    FundingSource,
    parse_kind,
    parse_source,
)
from tracker.core.money import MoneyError, parse_wan, wan_str
from tracker.errors import InvalidInput, NotFound
from tracker.models import BudgetChange as ChangeRow
from tracker.models import Project
from tracker.places import region_of
from tracker.scope import Scope

_CHUNK = 5000  # ids per IN list: well below SQLite's and PostgreSQL's parameter limits


def _chunks(ids: Collection[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def change_of(row: ChangeRow) -> BudgetChange:
    """A stored change as the core sees it."""
    return BudgetChange(
        kind=ChangeKind(row.kind),
        on=row.effective_on,
        amount_fen=row.amount_fen,
        source=FundingSource(row.source),
        doc=row.doc,
        reason=row.reason,
        by=row.recorded_by,
    )


def budget_of(project: Project, changes: Collection[ChangeRow] = ()) -> Budget:
    """The budget of one project row with the given stored changes."""
    return _budget(project.budget_fen, project.fiscal_fen, project.other_fen, changes)


def _budget(budget_fen: int, fiscal_fen: int, other_fen: int, changes: Collection[ChangeRow]) -> Budget:
    return Budget.of(
        initial_fen=budget_fen,
        fiscal_fen=fiscal_fen,
        other_fen=other_fen,
        changes=[change_of(c) for c in sorted(changes, key=lambda c: (c.effective_on, c.id or 0))],
    )


def change_rows(*, session: Session, project_ids: Collection[int]) -> dict[int, list[ChangeRow]]:
    """The stored changes of many projects, in effective-date then recording order."""
    out: dict[int, list[ChangeRow]] = defaultdict(list)
    for chunk in _chunks(project_ids):
        query = select(ChangeRow).where(col(ChangeRow.project_id).in_(chunk))
        for row in session.exec(query.order_by(col(ChangeRow.effective_on), col(ChangeRow.id))):
            out[row.project_id].append(row)
    return out


def core_changes(*, session: Session, project_ids: Collection[int]) -> dict[int, list[BudgetChange]]:
    """The stored changes of many projects as the core sees them (`change_of`), in `change_rows`' order,
    read as plain columns: no ORM object per change (a province's spending reads tens of thousands)."""
    table: sa.Table = ChangeRow.__table__  # type: ignore[attr-defined]
    return _core_changes(session, (table.c.project_id.in_(chunk) for chunk in _chunks(project_ids)))


def _core_changes(session: Session, conditions: Iterable[sa.ColumnElement[bool]]) -> dict[int, list[BudgetChange]]:
    """The changes each condition (on `budget_change` or on its project) selects, one statement per condition."""
    table: sa.Table = ChangeRow.__table__  # type: ignore[attr-defined]
    project: sa.Table = Project.__table__  # type: ignore[attr-defined]
    query = (
        sa.select(table).join(project, project.c.id == table.c.project_id).order_by(table.c.effective_on, table.c.id)
    )
    out: dict[int, list[BudgetChange]] = defaultdict(list)
    for condition in conditions:
        for row in session.execute(query.where(condition)):
            out[row.project_id].append(change_of(row))  # type: ignore[arg-type]  # a row of ChangeRow's columns
    return out


def load_budgets(*, session: Session, projects: Collection[Project]) -> dict[int, Budget]:
    """Every given project's budget versions, in one query per few thousand projects."""
    ids = [p.id for p in projects if p.id is not None]
    rows = change_rows(session=session, project_ids=ids)
    return {p.id: budget_of(p, rows.get(p.id, [])) for p in projects if p.id is not None}


def load_budgets_by_id(*, session: Session, project_ids: Collection[int]) -> dict[int, Budget]:
    """The same, for callers that hold only project ids: their 年初 columns, not ORM objects (an upload
    reads thousands of projects, and building each object cost more than the query)."""
    columns = (col(Project.id), col(Project.budget_fen), col(Project.fiscal_fen), col(Project.other_fen))
    initial: list[tuple[int, int, int, int]] = []
    for chunk in _chunks(project_ids):
        initial += session.execute(sa.select(*columns).where(col(Project.id).in_(chunk))).tuples().all()
    return budgets_of_columns(session=session, initial=initial)


def budgets_of_columns(*, session: Session, initial: Collection[tuple[int, int, int, int]]) -> dict[int, Budget]:
    """The same, for callers that read the 年初 columns themselves (id, budget_fen, fiscal_fen, other_fen)
    along with the rest of the project: only the stored changes are read here."""
    rows = change_rows(session=session, project_ids=[pid for pid, *_ in initial])
    return {pid: _budget(budget, fiscal, other, rows.get(pid, [])) for pid, budget, fiscal, other in initial}


def budgets_where(
    *, session: Session, initial: Collection[tuple[int, int, int, int]], selected: sa.ColumnElement[bool]
) -> dict[int, Budget]:
    """The same, where a condition on `project` (a unit's codes, say) selects at least the given projects:
    their changes are read through it, joined, so no list of ids travels back to the database (a file
    spread over a province names 60,000 projects, and most have no change)."""
    changes = _core_changes(session, [selected])
    return {
        pid: Budget.of(initial_fen=budget, fiscal_fen=fiscal, other_fen=other, changes=changes.get(pid, ()))
        for pid, budget, fiscal, other in initial
    }


def changed_budgets(*, session: Session) -> dict[int, Budget]:
    """The budgets of every project that has any recorded change (the others are their 年初 figure)."""
    ids = set(session.exec(select(ChangeRow.project_id).distinct()))
    return load_budgets_by_id(session=session, project_ids=ids)


def record_budget_change(
    *,
    session: Session,
    project_id: int,
    kind: ChangeKind,
    amount_fen: int,
    on: date,
    doc: str = "",
    reason: str,
    source: FundingSource,
    by: str | None,
) -> tuple[ChangeRow, Budget]:
    """Record one change (the caller has checked who may); the audit trail keeps old → new effective budget."""
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(f"项目{project_id}不存在")
    if amount_fen == 0:
        raise InvalidInput("变动金额不能为0")
    if not reason.strip():
        raise InvalidInput("请填写变动原因")
    if kind != ChangeKind.CARRYOVER and on.year != project.year:
        raise InvalidInput(f"生效日期 {on.isoformat()} 不在项目年度（{project.year}年）内")
    if len(doc) > 200:
        raise InvalidInput("文号不能超过200个字符")
    stored = change_rows(session=session, project_ids=[project_id]).get(project_id, [])
    before = budget_of(project, stored)
    change = BudgetChange(kind=kind, on=on, amount_fen=amount_fen, source=source, doc=doc, reason=reason, by=by)
    after = before.after(change)
    low = min(after.on(d) for d in {date(project.year, 1, 1), *(c.on for c in after.changes)})
    if low < 0:
        raise InvalidInput(f"变动后预算将为负数（{wan_str(low)} 万元），请核对金额")
    row = ChangeRow(
        project_id=project_id,
        kind=kind.value,
        effective_on=on,
        doc=doc.strip(),
        amount_fen=amount_fen,
        reason=reason.strip(),
        source=source.value,
        recorded_by=by,
    )
    session.add(row)
    session.flush()
    year_end = date(project.year, 12, 31)
    note = f"{CHANGE_KIND_NAMES[kind]} {wan_str(amount_fen)} 万元，{on.isoformat()} 起，{source.value}"
    if doc.strip():
        note += f"，文号 {doc.strip()}"
    note += f"：{reason.strip()}"
    record(session, actor=by, action="budget.change", entity="budget_change", entity_id=row.id,
           project_id=project_id, field="effective_budget_wan", old=wan_str(before.year_end(project.year)),
           new=wan_str(after.year_end(year_end.year)), note=note)  # fmt: skip
    session.flush()
    return row, after


def find_project(*, session: Session, year: int, dept_code: str, code: str, region_code: str | None = None) -> Project:
    """A project by its identity; the region defaults to the head of the project code."""
    region = region_code or region_of(code)
    query = select(Project).where(Project.year == year, Project.dept_code == dept_code, Project.code == code)
    if region:
        query = query.where(Project.region_code == region)
    found = list(session.exec(query.limit(2)))
    if not found:
        raise NotFound(f"{year}年没有单位{dept_code}的项目{code}")
    if len(found) > 1:
        raise InvalidInput(f"多个地区都有单位{dept_code}的项目{code}，请指定地区（--region）")
    return found[0]


def parse_change(*, kind: str | None, amount_wan: str, source: str | None) -> tuple[ChangeKind, int, FundingSource]:
    """Kind, signed amount in fen and funding source from what a person typed; InvalidInput naming the field."""
    try:
        parsed_kind = parse_kind(kind)
    except ValueError as exc:
        raise InvalidInput(f"kind：{exc}") from exc
    try:
        amount = parse_wan(amount_wan)
    except MoneyError as exc:
        raise InvalidInput(f"amount_wan：{exc}") from exc
    default = FundingSource.CARRYOVER if parsed_kind == ChangeKind.CARRYOVER else DEFAULT_SOURCE
    try:
        parsed_source = parse_source(source) if (source or "").strip() else default
    except ValueError as exc:
        raise InvalidInput(f"source：{exc}") from exc
    return parsed_kind, amount, parsed_source


def show_budgets(
    *, session: Session, scope: Scope, year: int | None = None, dept_code: str | None = None, code: str | None = None
) -> list[tuple[Project, Budget, list[ChangeRow]]]:
    """Every visible project's budget versions, in table order."""
    query = scope.filter(select(Project), Project.region_code, Project.dept_code)
    for column, value in ((Project.year, year), (Project.dept_code, dept_code), (Project.code, code)):
        if value is not None:
            query = query.where(column == value)
    order = (col(Project.year), col(Project.region_code), col(Project.heading_no), col(Project.id))
    projects = list(session.exec(query.order_by(*order)))
    rows = change_rows(session=session, project_ids=[p.id for p in projects if p.id is not None])
    return [(p, budget_of(p, rows.get(p.id or 0, [])), rows.get(p.id or 0, [])) for p in projects]
