"""Stored target-review findings (DOMAIN.md §6), so that `GET /review` pages and counts them in SQL.

The findings are those of the pure review (tracker/core/review.py) of each table, kept with the mark of
when the table was reviewed and under which review rules; evaluation/review_store.py reviews again the
tables whose data or rules changed since. A table's place in the published order (year, region,
heading number, id) is copied onto its findings so that one index serves the page's order and filters.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

import tracker.models.targets  # noqa: F401  (the project table its foreign keys name, registered with it)
from tracker.models.base import timestamp_column, utcnow


class ReviewMark(SQLModel, table=True):
    """When a table was last reviewed and the stamp of the review rules of its place then."""

    __tablename__ = "review_mark"

    project_id: int = Field(
        sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    )
    reviewed_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))
    rules_stamp: str = Field(max_length=16)


class StoredFinding(SQLModel, table=True):
    """One finding of a table's review, at its position in the list the review returned."""

    __tablename__ = "review_finding"
    __table_args__ = (
        UniqueConstraint("project_id", "position", name="uq_review_finding_project_position"),
        # the page of a year (or all years) in table order, the filters of region and unit on the way
        Index("ix_review_finding_order", "year", "region_code", "heading_no", "project_id", "position"),
        Index("ix_review_finding_severity_order", "severity", "year", "region_code", "heading_no", "project_id"),
        Index("ix_review_finding_region_code_dept_code", "region_code", "dept_code"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # no index of its own: the unique (project_id, position) serves the deletes of a table's findings
    project_id: int = Field(sa_column=Column(Integer, ForeignKey("project.id", ondelete="CASCADE"), nullable=False))
    position: int  # 0, 1, … in the order `review_project` returned them
    year: int
    region_code: str = Field(max_length=12)
    dept_code: str = Field(max_length=20)
    heading_no: int | None = None
    seq: int | None = None  # the indicator's sequence number; None for the table as a whole
    indicator: str | None = Field(default=None, max_length=500)  # its 三级指标 name
    severity: str = Field(max_length=10)
    rule: str = Field(max_length=40)
    message: str
    suggestion: str = ""
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))
