"""调减预算 at acceptance (DOMAIN.md §8): the cut becomes a budget adjustment (§3) with its own audit entry."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from tracker.budget.service import record_budget_change
from tracker.clock import today
from tracker.core.budget import ChangeKind, FundingSource
from tracker.core.money import wan_str
from tracker.errors import NotFound
from tracker.models import CorrectionNotice, Project


def apply(*, session: Session, notice: CorrectionNotice, cut_fen: int, actor: str | None) -> str:
    """Cut the project's budget by `cut_fen` from the day of acceptance; answer the words the outcome keeps."""
    project = session.get(Project, notice.project_id)
    if project is None:
        raise NotFound(f"项目{notice.project_id}不存在")
    # an adjustment belongs to the project's year: a notice accepted after it ends cuts from 31 December
    on = min(max(today(), date(project.year, 1, 1)), date(project.year, 12, 31))
    record_budget_change(
        session=session,
        project_id=notice.project_id,
        kind=ChangeKind.ADJUSTMENT,
        amount_fen=-cut_fen,
        on=on,
        doc=f"整改通知第{notice.id}号",
        reason="整改：调减预算",
        source=FundingSource.CURRENT,
        by=actor,
    )
    return f"调减预算 {wan_str(cut_fen)} 万元（已记入预算调整，{on.isoformat()} 起生效）"
