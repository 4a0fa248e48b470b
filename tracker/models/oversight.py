"""Getting projects back on track (DOMAIN.md §3 重点监控, §8 整改): the key list and correction notices."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

import tracker.models.targets  # noqa: F401  (tables its foreign keys name, registered with it)
from tracker.models.base import decimal_column, money_column, parent_column, timestamp_column, utcnow


class KeyListing(SQLModel, table=True):
    """A project put on the key list (重点监控) by one tier at its date: once, never silently dropped."""

    __tablename__ = "key_listing"
    __table_args__ = (UniqueConstraint("project_id", "tier", name="uq_key_listing_project_tier"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=parent_column("project.id"))
    year: int = Field(index=True)
    dept_code: str = Field(max_length=20, index=True)
    region_code: str | None = Field(default=None, max_length=12)
    tier: str = Field(max_length=60)  # e.g. 8月底·预算≥200万元·执行率<60%
    on_date: date  # the tier's date (end of its month): measured there, listed from there on
    budget_fen: int = Field(sa_column=money_column(nullable=False))
    actual_fen: int = Field(sa_column=money_column(nullable=False))
    rate: Decimal | None = Field(default=None, sa_column=decimal_column(9, 2))  # execution %, 2 decimals
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))


class CorrectionNotice(SQLModel, table=True):
    """整改通知 (DOMAIN.md §8): issued → answered → accepted, or returned and answered again.

    `withhold` (暂缓拨款) refuses the project's payments at upload until the notice is accepted or the
    withholding is lifted; `cut_budget_fen` (调减预算) is the budget cut decided at acceptance.
    """

    __tablename__ = "correction_notice"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=parent_column("project.id"))
    year: int = Field(index=True)
    dept_code: str = Field(max_length=20, index=True)
    region_code: str | None = Field(default=None, max_length=12)
    problem: str  # 存在问题
    requirement: str = ""  # 整改要求
    due_on: date  # 整改期限
    state: str = Field(default="issued", max_length=12, index=True)  # issued | answered | returned | accepted
    round: int = 1  # goes up each time the finance bureau returns it
    measures: str = ""  # 整改措施 (the unit)
    result: str = ""  # 整改结果 (the unit)
    review_comment: str = ""  # the finance bureau's words when returning or accepting
    withhold: bool = False  # 暂缓拨款 while the notice is open
    withhold_lifted_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    cut_budget_fen: int | None = Field(default=None, sa_column=money_column(nullable=True))  # 调减预算
    outcome: str = ""  # what was decided at acceptance, in words (e.g. 调减预算 50.00 万元)
    issued_by: str | None = Field(default=None, max_length=100)
    issued_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))
    answered_by: str | None = Field(default=None, max_length=100)
    answered_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    closed_by: str | None = Field(default=None, max_length=100)
    closed_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
