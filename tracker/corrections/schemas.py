"""What the correction routes and `tracker corrections list` answer, and what they take."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from tracker.core.money import wan_str
from tracker.corrections.service import STATE_NAMES, WAITING_ON_UNIT
from tracker.models import CorrectionNotice, Project
from tracker.openapi import IsoDate, RowId


class NoticeIn(BaseModel):
    project_id: RowId
    problem: str = Field(min_length=1)
    requirement: str = ""
    due_on: IsoDate
    withhold: bool = Field(default=False, strict=True)  # 暂缓拨款 until accepted (JSON true/false only)


class AnswerIn(BaseModel):
    measures: str = Field(min_length=1)
    result: str = ""


class ReturnIn(BaseModel):
    comment: str = Field(min_length=1)
    due_on: IsoDate | None = None


class AcceptIn(BaseModel):
    comment: str = ""
    cut_budget_wan: str | None = None  # 调减预算, 万元


class NoticeOut(BaseModel):
    id: int
    project_id: int
    year: int
    dept_code: str
    code: str
    name: str
    problem: str
    requirement: str
    due_on: IsoDate
    state: str
    state_name: str
    overdue: bool
    round: int
    measures: str
    result: str
    review_comment: str
    withhold: bool  # payments refused now
    cut_budget_wan: str | None
    outcome: str
    issued_by: str | None
    issued_at: datetime
    answered_at: datetime | None
    closed_at: datetime | None


class NoticePage(BaseModel):
    items: list[NoticeOut]
    total: int


def notice_out(n: CorrectionNotice, p: Project, *, today: date) -> NoticeOut:
    assert n.id is not None
    return NoticeOut(
        id=n.id,
        project_id=n.project_id,
        year=n.year,
        dept_code=n.dept_code,
        code=p.code,
        name=p.name,
        problem=n.problem,
        requirement=n.requirement,
        due_on=n.due_on,
        state=n.state,
        state_name=STATE_NAMES.get(n.state, n.state),
        overdue=n.state in WAITING_ON_UNIT and n.due_on < today,
        round=n.round,
        measures=n.measures,
        result=n.result,
        review_comment=n.review_comment,
        withhold=n.withhold and n.withhold_lifted_at is None and n.state != "accepted",
        cut_budget_wan=wan_str(n.cut_budget_fen) if n.cut_budget_fen else None,
        outcome=n.outcome,
        issued_by=n.issued_by,
        issued_at=n.issued_at,
        answered_at=n.answered_at,
        closed_at=n.closed_at,
    )
