"""调减预算 at acceptance: recorded as a budget adjustment where the budget-versions service exists.

The budget versions (DOMAIN.md §3) are being built in tracker/budget (issue: places); until their
`record_budget_change` is on main the cut stays recorded as the notice's outcome only, and says so.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from sqlmodel import Session

from tracker.core.money import wan_str
from tracker.models import CorrectionNotice

NEEDED = {"session", "project_id", "amount_fen", "reason", "actor"}


def _recorder() -> Any:
    """The budget service's `record_budget_change`, if it is there and takes the keywords used below."""
    for module in ("tracker.budget.service", "tracker.targets.budget"):
        try:
            found = importlib.import_module(module)
        except ImportError:
            continue
        record = getattr(found, "record_budget_change", None)
        if record is not None and set(inspect.signature(record).parameters) >= NEEDED:
            return record
    return None


def apply(*, session: Session, notice: CorrectionNotice, cut_fen: int, actor: str | None) -> str:
    """Cut the project's budget by `cut_fen`; answer the words the notice's outcome keeps."""
    record = _recorder()
    if record is None:
        return f"调减预算 {wan_str(cut_fen)} 万元（预算调整功能尚未启用，仅作为整改结果记录）"
    record(
        session=session,
        project_id=notice.project_id,
        amount_fen=-cut_fen,
        reason=f"整改通知第{notice.id}号：调减预算",
        actor=actor,
    )
    return f"调减预算 {wan_str(cut_fen)} 万元（已记入预算调整）"
