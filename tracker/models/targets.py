"""Published targets: units, projects, budgets, spending plans, objectives, indicators, imports."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Column, ForeignKeyConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.models.base import decimal_column, money_column, parent_column, timestamp_column, utcnow


class Region(SQLModel, table=True):
    """A county or district (行政区划) by its 6-digit code (130322 = 昌黎县), named by the file's first line."""

    code: str = Field(primary_key=True, max_length=12)
    name: str = Field(default="", max_length=100)


class Dept(SQLModel, table=True):
    """A budget unit (预算单位): its code is unique only inside its region (two counties both have 314001)."""

    region_code: str = Field(primary_key=True, foreign_key="region.code", max_length=12)
    code: str = Field(primary_key=True, max_length=20)
    name: str = Field(max_length=200)


class ImportRecord(SQLModel, table=True):
    """One imported file: what, when, which content, and what the importer warned about."""

    __tablename__ = "import_record"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="targets", max_length=20)
    filename: str = Field(max_length=500)
    sha256: str = Field(max_length=64, index=True)
    year: int
    imported_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))
    imported_by: str | None = Field(default=None, max_length=100)
    projects: int = 0
    indicators: int = 0
    warnings: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Project(SQLModel, table=True):
    """A project's target table; identified by (year, region, unit code, project code).

    `budget_fen` (with its fiscal/other split) is the published 年初预算数; the budget in force on a
    date adds the project's `BudgetChange` rows (tracker/core/budget.py).
    """

    __table_args__ = (
        UniqueConstraint("year", "region_code", "dept_code", "code", name="uq_project_year_region_dept_code"),
        ForeignKeyConstraint(
            ["region_code", "dept_code"], ["dept.region_code", "dept.code"], name="fk_project_region_dept_dept"
        ),
        Index("ix_project_region_code_dept_code", "region_code", "dept_code"),
        # pages of the year's projects in table order (导出, 目标审核: evaluation.service.page_of_projects)
        Index("ix_project_year_region_code_heading_no", "year", "region_code", "heading_no"),
        # The dashboard's freshness check (latest re-import) and its first page in table order, without a sort.
        Index("ix_project_updated_at", "updated_at"),
        Index("ix_project_year_heading_no_id", "year", "heading_no", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    region_code: str = Field(max_length=12)
    dept_code: str = Field(max_length=20, index=True)
    code: str = Field(max_length=40, index=True)
    name: str = Field(max_length=500)
    heading_no: int | None = None
    purpose: str = ""
    budget_fen: int = Field(sa_column=money_column(nullable=False))
    fiscal_fen: int = Field(sa_column=money_column(nullable=False))
    other_fen: int = Field(sa_column=money_column(nullable=False))
    incomplete: bool = False
    source_line: int = 0
    import_id: int | None = Field(default=None, foreign_key="import_record.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))


class BudgetChange(SQLModel, table=True):
    """One change to a project's budget (DOMAIN.md §3): 预算调整, 调剂 or 上年结转, never erased by a re-import."""

    __tablename__ = "budget_change"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=parent_column("project.id"))
    kind: str = Field(max_length=20)  # adjustment | transfer | carryover (core.budget.ChangeKind)
    effective_on: date
    doc: str = Field(default="", max_length=200)  # 文号
    amount_fen: int = Field(sa_column=money_column(nullable=False))  # signed: a cut is negative
    reason: str = ""
    source: str = Field(max_length=20)  # 本年财政拨款 | 上年结转 | 其他资金 (core.budget.FundingSource)
    recorded_by: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))


class PlanCheckpoint(SQLModel, table=True):
    """Cumulative % of the budget planned to be spent by the end of a month."""

    __tablename__ = "plan_checkpoint"
    __table_args__ = (UniqueConstraint("project_id", "month", name="uq_plan_checkpoint_project_month"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=parent_column("project.id"))
    month: int
    cumulative_pct: Decimal = Field(sa_column=decimal_column(7, 2, nullable=False))


class Objective(SQLModel, table=True):
    """One numbered objective (绩效目标) of a project."""

    __table_args__ = (UniqueConstraint("project_id", "seq", name="uq_objective_project_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=parent_column("project.id"))
    seq: int
    text: str


class IndicatorIdentity(SQLModel):
    """An indicator's number and 一级/二级/三级 names: shared by the table and every API shape of an
    indicator (the database-side twin of core.project.IndicatorRef)."""

    seq: int
    level1: str = Field(max_length=50)
    level2: str = Field(max_length=50)
    level3: str = Field(max_length=500)


class Indicator(IndicatorIdentity, table=True):
    """A 三级 indicator with its target as written and as read; `seq` is unique within the project."""

    __table_args__ = (UniqueConstraint("project_id", "seq", name="uq_indicator_project_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=parent_column("project.id"))
    description: str = ""
    target_text: str = Field(max_length=500)
    kind: str = Field(max_length=20)
    comparator: str | None = Field(default=None, max_length=2)
    value: Decimal | None = Field(default=None, sa_column=decimal_column())
    unit: str | None = Field(default=None, max_length=50)
    norm_value: Decimal | None = Field(default=None, sa_column=decimal_column(30, 6))
    norm_unit: str | None = Field(default=None, max_length=50)
    direction: str = Field(max_length=10)
    basis: str = ""
    accumulation: str = Field(max_length=20)
    weight: Decimal | None = Field(default=None, sa_column=decimal_column(7, 2))
    applicable: bool = True
    value_high: Decimal | None = Field(default=None, sa_column=decimal_column())  # a range's high end
    approximate: bool = False  # 1000人左右: = with the configured tolerance
    target_corrected: bool = False  # the finance bureau corrected the target: a re-import keeps it


class IndicatorChange(SQLModel, table=True):
    """One field of an indicator corrected by the finance bureau, with its reason (the indicator's history)."""

    __tablename__ = "indicator_change"

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(sa_column=parent_column("indicator.id"))
    project_id: int = Field(sa_column=parent_column("project.id"))
    seq: int
    field: str = Field(max_length=20)  # target | accumulation | weight | applicable
    old: str | None = Field(default=None, max_length=500)
    new: str | None = Field(default=None, max_length=500)
    reason: str
    changed_by: str | None = Field(default=None, max_length=100)
    changed_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))
