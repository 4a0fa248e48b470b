"""Monitoring: daily variance snapshots, recorded job runs and the scheduler's lease."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

import tracker.models.targets  # noqa: F401  (tables its foreign keys name, registered with it)
from tracker.models.base import decimal_column, money_column, parent_column, timestamp_column, utcnow


class VarianceSnapshot(SQLModel, table=True):
    """One project's spending and indicator position as the `variance` job saw it on `as_of`."""

    __tablename__ = "variance_snapshot"
    __table_args__ = (
        UniqueConstraint("project_id", "as_of", name="uq_variance_snapshot_project_as_of"),
        Index("ix_variance_snapshot_as_of_overall_light", "as_of", "overall_light"),
        Index("ix_variance_snapshot_as_of_created_at", "as_of", "created_at"),  # the dashboard's stamp
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=parent_column("project.id"))
    as_of: date = Field(index=True)
    budget_fen: int = Field(sa_column=money_column(nullable=False))
    planned_fen: int = Field(sa_column=money_column(nullable=False))
    actual_fen: int = Field(sa_column=money_column(nullable=False))
    planned_pct: Decimal = Field(sa_column=decimal_column(9, 2, nullable=False))
    actual_pct: Decimal | None = Field(default=None, sa_column=decimal_column(9, 2))
    time_progress_pct: Decimal = Field(sa_column=decimal_column(9, 2, nullable=False))
    ratio: Decimal | None = Field(default=None, sa_column=decimal_column(14, 4))
    checkpoint_month: int | None = None
    checkpoint_ratio: Decimal | None = Field(default=None, sa_column=decimal_column(14, 4))
    light: str | None = Field(default=None, max_length=10)
    indicator_light: str | None = Field(default=None, max_length=10)
    overall_light: str | None = Field(default=None, max_length=10)
    indicators_reported: int = 0
    indicators_lagging: int = 0
    indicators_total: int = 0  # applicable indicators, so a page shows "reported / total" from the snapshot alone
    early_warning: bool = False
    forecast_year_end_fen: int | None = Field(default=None, sa_column=money_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))


class JobRun(SQLModel, table=True):
    """One run of a scheduled job: when, why (schedule, catch-up, cli), how it ended and what it did."""

    __tablename__ = "job_run"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, index=True)
    trigger: str = Field(default="cli", max_length=20)  # schedule | catch-up | cli
    as_of: date
    started_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False, index=True))
    finished_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    outcome: str = Field(default="running", max_length=20)  # running | ok | warning | failed | interrupted
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    problems: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    error: str = ""
    host: str = Field(default="", max_length=200)
    pid: int = 0


class SchedulerLease(SQLModel, table=True):
    """Who is the acting scheduler where advisory locks are not available (SQLite): a row with an expiry."""

    __tablename__ = "scheduler_lease"

    name: str = Field(primary_key=True, max_length=40)
    owner: str = Field(max_length=200)
    acquired_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))
    renewed_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))
    expires_at: datetime = Field(sa_column=timestamp_column(nullable=False))
