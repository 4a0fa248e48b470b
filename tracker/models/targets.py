"""Published targets: units, projects, budgets, spending plans, objectives, indicators, imports."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.models.base import decimal_column, money_column, parent_column, timestamp_column, utcnow


class Region(SQLModel, table=True):
    """A county or district by its 6-digit administrative code (130322 = 昌黎县)."""

    code: str = Field(primary_key=True, max_length=12)
    name: str = Field(default="", max_length=100)


class Dept(SQLModel, table=True):
    """A budget unit (预算单位) by its unit code."""

    code: str = Field(primary_key=True, max_length=20)
    name: str = Field(max_length=200)
    region_code: str | None = Field(default=None, foreign_key="region.code", max_length=12)


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
    """A project's target table; identified by (year, unit code, project code)."""

    __table_args__ = (UniqueConstraint("year", "dept_code", "code", name="uq_project_year_dept_code"),)

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    dept_code: str = Field(foreign_key="dept.code", max_length=20, index=True)
    code: str = Field(max_length=40, index=True)
    name: str = Field(max_length=500)
    region_code: str | None = Field(default=None, foreign_key="region.code", max_length=12)
    heading_no: int | None = None
    purpose: str = ""
    budget_fen: int = Field(sa_column=money_column(nullable=False))
    fiscal_fen: int = Field(sa_column=money_column(nullable=False))
    other_fen: int = Field(sa_column=money_column(nullable=False))
    incomplete: bool = False
    source_line: int = 0
    import_id: int | None = Field(default=None, foreign_key="import_record.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))


class BudgetVersion(SQLModel, table=True):
    """A budget figure with its history: 年初 (initial, from the published table) and adjustments."""

    __tablename__ = "budget_version"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=parent_column("project.id"))
    kind: str = Field(max_length=20)  # initial | adjusted
    total_fen: int = Field(sa_column=money_column(nullable=False))
    fiscal_fen: int = Field(sa_column=money_column(nullable=False))
    other_fen: int = Field(sa_column=money_column(nullable=False))
    carryover_fen: int = Field(default=0, sa_column=money_column(nullable=False))
    effective_on: date | None = None
    note: str = ""
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
