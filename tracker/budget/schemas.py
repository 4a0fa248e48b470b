"""API and CLI shapes of a project's budget versions (INTERFACE.md `tracker budget show`)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from tracker.core.budget import CHANGE_KIND_NAMES, Budget, ChangeKind
from tracker.core.money import wan_str
from tracker.models import BudgetChange as ChangeRow
from tracker.models import Project
from tracker.openapi import IsoDate


class ChangeOut(BaseModel):
    id: int
    kind: str  # adjustment | transfer | carryover
    kind_name: str
    on: date
    amount_wan: str
    doc: str
    reason: str
    source: str
    by: str | None
    created_at: datetime


class BudgetOut(BaseModel):
    project_id: int
    year: int
    region_code: str
    dept_code: str
    code: str
    name: str
    initial_wan: str  # 年初预算数 (the published table)
    effective_wan: str  # the budget in force on `as_of`
    year_end_wan: str  # 全年预算数: in force on 31 December
    as_of: date
    by_source: dict[str, str]  # effective on `as_of`, per funding source
    changes: list[ChangeOut]


class ChangeIn(BaseModel):
    kind: str = Field(default="adjustment", description="adjustment / transfer / carryover")
    on: IsoDate = Field(description="生效日期 YYYY-MM-DD")
    amount_wan: str = Field(description="变动金额（万元），调减为负数，如 -20.5")
    reason: str
    doc: str = Field(default="", description="文号")
    source: str = Field(default="", description="本年财政拨款 / 上年结转 / 其他资金；缺省按类型")


def change_out(row: ChangeRow) -> ChangeOut:
    assert row.id is not None
    kind = ChangeKind(row.kind)
    return ChangeOut(
        id=row.id,
        kind=kind.value,
        kind_name=CHANGE_KIND_NAMES[kind],
        on=row.effective_on,
        amount_wan=wan_str(row.amount_fen),
        doc=row.doc,
        reason=row.reason,
        source=row.source,
        by=row.recorded_by,
        created_at=row.created_at,
    )


def budget_out(project: Project, budget: Budget, rows: list[ChangeRow], as_of: date) -> BudgetOut:
    """A project's budget as of a day (clamped into the project's year)."""
    assert project.id is not None
    day = min(max(as_of, date(project.year, 1, 1)), date(project.year, 12, 31))
    return BudgetOut(
        project_id=project.id,
        year=project.year,
        region_code=project.region_code,
        dept_code=project.dept_code,
        code=project.code,
        name=project.name,
        initial_wan=wan_str(budget.initial_fen),
        effective_wan=wan_str(budget.on(day)),
        year_end_wan=wan_str(budget.year_end(project.year)),
        as_of=day,
        by_source={s.value: wan_str(v) for s, v in budget.by_source(day).items()},
        changes=[change_out(r) for r in rows],
    )
