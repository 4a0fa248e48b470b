"""Getting projects back on track (DOMAIN.md §3 重点监控, §8 整改): the key list and correction notices."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

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
