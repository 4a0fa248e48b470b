"""What the actuals services answer and the API returns: upload summaries, batches, quarters, audit entries."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from tracker.actuals.report import RowIssue
from tracker.openapi import RowId, Year


class RowIssueOut(BaseModel):
    row: int | None
    column: str
    message: str
    sheet: str | None = None

    @classmethod
    def of(cls, issue: RowIssue) -> RowIssueOut:
        return cls(row=issue.row, column=issue.column, message=issue.message, sheet=issue.sheet)

    def line(self) -> str:
        return RowIssue(self.row, self.column, self.message, self.sheet).line()


class PeriodOut(BaseModel):
    region_code: str = ""
    dept_code: str
    year: int
    quarter: int


class UploadSummary(BaseModel):
    """An accepted, unchanged or dry-run upload. `message` says in Chinese what happened."""

    status: Literal["applied", "unchanged", "dry_run"]
    message: str
    dry_run: bool
    batch_id: int | None
    filename: str
    sha256: str
    rows: int  # data rows read (untouched template rows not counted)
    skipped: int  # untouched template rows
    payments: int  # payment rows written: new ones and updates of recorded ones
    payments_wan: str
    projects: int
    payments_recorded: int = 0  # rows that are payments already recorded (by voucher): not booked again
    payments_updated: int = 0  # rows that changed a recorded payment's date or amount
    results_new: int
    results_changed: int
    results_unchanged: int
    periods: list[PeriodOut]
    warnings: list[RowIssueOut] = Field(default_factory=list)
    warnings_total: int = 0
    reports: int = 0  # 项目 rows (全年预计执行数, 实际完成情况) new or changed


class BatchOut(BaseModel):
    id: int
    filename: str
    sha256: str
    uploaded_by: str | None
    uploaded_at: datetime
    status: str  # applied | withdrawn
    payments: int
    payments_wan: str
    results: int
    periods: list[PeriodOut]
    withdrawn_at: datetime | None
    withdrawn_by: str | None
    withdraw_reason: str


class BatchPage(BaseModel):
    items: list[BatchOut]
    total: int


class SubmissionOut(BaseModel):
    id: int
    region_code: str = ""
    dept_code: str
    dept_name: str
    year: int
    quarter: int
    status: str  # draft | submitted | approved | returned | unlocked
    locked: bool
    comment: str
    submitted_by: str | None
    submitted_at: datetime | None
    reviewed_by: str | None
    reviewed_at: datetime | None
    paid_wan: str  # live payments dated in the quarter
    results: int  # current indicator results dated in the quarter


class SubmissionPage(BaseModel):
    items: list[SubmissionOut]
    total: int


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor: str | None
    action: str
    batch_id: int | None
    project_id: int | None
    entity: str
    entity_id: int | None
    field: str
    old: str | None
    new: str | None
    note: str


class AuditPage(BaseModel):
    items: list[AuditOut]
    total: int


class PaymentOut(BaseModel):
    id: int
    project_id: int
    batch_id: int
    paid_on: str
    amount_wan: str
    note: str
    row_no: int
    withdrawn: bool


class PaymentPage(BaseModel):
    items: list[PaymentOut]
    total: int


class SubmitIn(BaseModel):
    dept_code: str
    year: Year
    quarter: int = Field(strict=True, ge=1, le=4)
    region_code: str | None = None  # needed where the caller sees several regions with this unit code


class ReviewIn(BaseModel):
    ids: list[RowId] = Field(min_length=1)
    comment: str = ""


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1)
