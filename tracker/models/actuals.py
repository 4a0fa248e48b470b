"""Actuals: upload batches, payments, indicator results, quarterly submissions and the audit trail."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, ForeignKeyConstraint, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

import tracker.models.targets  # noqa: F401  (tables its foreign keys name, registered with it)
from tracker.models.base import decimal_column, money_column, parent_column, timestamp_column, utcnow


class UploadBatch(SQLModel, table=True):
    """One accepted upload. Withdrawing reverses it (status), it is never deleted."""

    __tablename__ = "upload_batch"

    id: int | None = Field(default=None, primary_key=True)
    filename: str = Field(max_length=500)
    sha256: str = Field(max_length=64, index=True)
    uploaded_by: str | None = Field(default=None, max_length=100)
    uploaded_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))
    status: str = Field(default="applied", max_length=20)  # applied | withdrawn
    payments: int = 0
    results: int = 0
    withdrawn_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    withdrawn_by: str | None = Field(default=None, max_length=100)
    withdraw_reason: str = ""
    summary: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


LIVE_VOUCHER = "voucher <> '' AND NOT withdrawn"  # the payments uq_payment_project_id_voucher covers


class Payment(SQLModel, table=True):
    """One disbursement (支付) of a project; the cumulative figure is the sum of live payments.

    Reads go by project and date, so one (project_id, paid_on) index serves them; fewer indexes keep
    bulk uploads fast (a boolean `withdrawn` index would never be selective).
    """

    __table_args__ = (
        Index("ix_payment_project_id_paid_on", "project_id", "paid_on"),
        # the voucher (支付凭证号) is a live payment's identity within its project (DOMAIN.md §7): unique among
        # live payments with a voucher, a partial index that migration 5e7c1a9b2d40 creates WHERE info["where"]
        # holds (tests/actuals/test_voucher_index.py). Not written as sqlite_where/postgresql_where here: naming a
        # dialect's option imports that dialect, and every command on SQLite would load PostgreSQL's (27 ms).
        Index("uq_payment_project_id_voucher", "project_id", "voucher", unique=True, info={"where": LIVE_VOUCHER}),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False))
    batch_id: int = Field(sa_column=parent_column("upload_batch.id"))
    paid_on: date
    amount_fen: int = Field(sa_column=money_column(nullable=False))
    note: str = ""
    # 资金性质: 本年财政拨款 | 上年结转 | 其他资金 (core.budget.FundingSource); the self-evaluation's rows
    source: str = Field(default="本年财政拨款", max_length=20, sa_column_kwargs={"server_default": "本年财政拨款"})
    row_no: int = 0
    withdrawn: bool = False
    # 支付凭证号 from a treasury export, or "B{batch}-{row}" given to a typed payment when it is stored
    voucher: str = Field(default="", max_length=60, sa_column_kwargs={"server_default": ""})


class IndicatorResult(SQLModel, table=True):
    """A reported value of an indicator as of a date; a later report for the same date supersedes it."""

    __tablename__ = "indicator_result"

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(sa_column=parent_column("indicator.id"))
    batch_id: int = Field(sa_column=parent_column("upload_batch.id"))
    as_of: date = Field(index=True)
    actual_text: str = Field(max_length=200)
    actual_value: Decimal | None = Field(default=None, sa_column=decimal_column())  # in the target's unit
    # last year's value, for 较上年提高-style targets: as written, and in the target's unit (a qualitative
    # target has none: then in the unit of actual_value)
    baseline_text: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    baseline_value: Decimal | None = Field(default=None, sa_column=decimal_column())
    grade: str | None = Field(default=None, max_length=40)
    score: Decimal | None = Field(default=None, sa_column=decimal_column(7, 2))
    likelihood: str | None = Field(default=None, max_length=20)  # 确定能 | 有可能 | 完全不可能
    reason_category: str | None = Field(default=None, max_length=20)
    reason: str = ""
    measures: str = ""
    # 全年预计完成值, the unit's own forecast: as written, and in the target's unit (none for a qualitative one)
    forecast_text: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    forecast_value: Decimal | None = Field(default=None, sa_column=decimal_column())
    is_current: bool = Field(default=True, index=True)
    row_no: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))


class ProjectReport(SQLModel, table=True):
    """A unit's own words on a project as of a date (upload sheet 项目): 全年预计执行数 and 实际完成情况.

    A later report for the same project and date supersedes it (is_current False), as results do.
    """

    __tablename__ = "project_report"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=parent_column("project.id"))
    batch_id: int = Field(sa_column=parent_column("upload_batch.id"))
    as_of: date = Field(index=True)
    forecast_fen: int | None = Field(default=None, sa_column=money_column(nullable=True))  # 全年预计执行数
    narrative: str = ""  # 实际完成情况, the unit's account for the mid-year table and the self-evaluation
    is_current: bool = Field(default=True, index=True)
    row_no: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))


class Submission(SQLModel, table=True):
    """A unit's quarter: draft → submitted → approved (locked) or returned; an admin may unlock."""

    __table_args__ = (
        UniqueConstraint("region_code", "dept_code", "year", "quarter", name="uq_submission_region_dept_year_quarter"),
        ForeignKeyConstraint(
            ["region_code", "dept_code"], ["dept.region_code", "dept.code"], name="fk_submission_region_dept_dept"
        ),
        Index("ix_submission_status_reviewed_at", "status", "reviewed_at"),  # 审核's 已处理, latest first
    )

    id: int | None = Field(default=None, primary_key=True)
    region_code: str = Field(max_length=12)
    dept_code: str = Field(max_length=20, index=True)
    year: int
    quarter: int
    status: str = Field(default="draft", max_length=20)  # draft | submitted | approved | returned
    comment: str = ""
    submitted_by: str | None = Field(default=None, max_length=100)
    submitted_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    reviewed_by: str | None = Field(default=None, max_length=100)
    reviewed_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))


class AuditEntry(SQLModel, table=True):
    """Who changed what, when, in which batch: old → new, for values that actually changed."""

    __tablename__ = "audit_entry"
    # The dashboard asks for the latest entry on every view (monitoring/board.py refresh): one index read.
    # The target review asks for the latest entry of the actions that change a table (review_store.py).
    __table_args__ = (Index("ix_audit_entry_at", "at"), Index("ix_audit_entry_action_at", "action", "at"))

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))
    actor: str | None = Field(default=None, max_length=100)
    action: str = Field(max_length=40)  # payment.add | result.set | batch.withdraw | period.approve …
    batch_id: int | None = Field(default=None, index=True)
    project_id: int | None = Field(default=None, index=True)
    entity: str = Field(max_length=40)
    entity_id: int | None = None
    field: str = Field(default="", max_length=60)
    old: str | None = None
    new: str | None = None
    note: str = ""


class BatchPeriod(SQLModel, table=True):
    """A unit's quarter an upload batch wrote into: scopes the batch and guards its withdrawal by the lock."""

    __tablename__ = "batch_period"
    # a unit's or region's batches (上报's list): the primary key starts with batch_id
    __table_args__ = (Index("ix_batch_period_region_code_dept_code", "region_code", "dept_code"),)

    batch_id: int = Field(
        sa_column=Column(Integer, ForeignKey("upload_batch.id", ondelete="CASCADE"), primary_key=True)
    )
    region_code: str = Field(primary_key=True, max_length=12)
    dept_code: str = Field(primary_key=True, max_length=20, index=True)
    year: int = Field(primary_key=True)
    quarter: int = Field(primary_key=True)
