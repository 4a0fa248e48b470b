"""Alerts: who receives them, every decision to alert, and the outbox of messages with delivery state."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

# the tables its foreign keys name, registered with it
import tracker.models.monitoring
import tracker.models.targets  # noqa: F401
from tracker.models.base import decimal_column, money_column, parent_column, timestamp_column, utcnow


class Contact(SQLModel, table=True):
    """An address that receives a unit's alerts (kind `unit`) or the finance bureau's escalations (`finance`).

    A unit is (region, unit code); a finance contact with region "" hears every region's escalations.
    """

    __table_args__ = (
        UniqueConstraint("kind", "region_code", "dept_code", "email", name="uq_contact_kind_region_dept_email"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)  # unit | finance
    region_code: str = Field(default="", max_length=12, index=True)
    dept_code: str = Field(default="", max_length=20, index=True)  # "" for the finance bureau
    email: str = Field(max_length=320)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))


class AlertMessage(SQLModel, table=True):
    """One message in the outbox: composed when decided, then claimed, sent and marked (at-least-once)."""

    __tablename__ = "alert_message"
    __table_args__ = (
        Index("ix_alert_message_created_at_id", "created_at", "id"),  # 预警: newest first, a page at a time
        Index("ix_alert_message_region_code_dept_code", "region_code", "dept_code"),  # a unit's messages
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=10)  # mail | webhook
    recipient: str = Field(max_length=320)  # an e-mail address, or webhook:<name>
    audience: str = Field(max_length=10)  # unit | finance
    region_code: str | None = Field(default=None, max_length=12)  # None: spans regions
    dept_code: str | None = Field(default=None, max_length=20, index=True)  # None: spans units (finance)
    kind: str = Field(max_length=20)  # digest | escalation | reminder
    subject: str = Field(max_length=500)
    body_text: str = ""
    body_html: str = ""
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))  # webhook body
    state: str = Field(default="queued", max_length=10, index=True)  # queued | sending | sent | failed
    attempts: int = 0
    last_error: str = ""
    lease_owner: str | None = Field(default=None, max_length=200)
    lease_until: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))
    job_run_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("job_run.id"), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=timestamp_column(nullable=True))


class Alert(SQLModel, table=True):
    """A decision that one recipient hears about one project at one checkpoint under one rule: never twice."""

    __table_args__ = (
        UniqueConstraint("project_id", "checkpoint_on", "rule", "recipient", name="uq_alert_project_checkpoint_rule"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=parent_column("project.id"))
    region_code: str = Field(max_length=12)
    dept_code: str = Field(max_length=20, index=True)
    year: int
    checkpoint_on: date
    rule: str = Field(max_length=40)  # lagging | escalation | early_warning | reminder_before_N | reminder_overdue_N
    recipient: str = Field(max_length=320)
    channel: str = Field(max_length=10)
    light: str | None = Field(default=None, max_length=10)
    planned_fen: int | None = Field(default=None, sa_column=money_column(nullable=True))
    actual_fen: int | None = Field(default=None, sa_column=money_column(nullable=True))
    forecast_fen: int | None = Field(default=None, sa_column=money_column(nullable=True))
    ratio: Decimal | None = Field(default=None, sa_column=decimal_column(14, 4))
    as_of: date
    message_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("alert_message.id"), nullable=True, index=True)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))
