"""What monitoring and evaluation read of the actuals: cumulative payments and current results.

Withdrawn payments and superseded results are never counted. Callers pass the scope's project ids, as
many as they like: the statements carry them in bounded pieces (tracker/bulk.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, func, select

from tracker.bulk import matching
from tracker.models import Indicator, IndicatorResult, Payment


def cumulative_paid(*, session: Session, project_ids: Iterable[int], as_of: date | None = None) -> dict[int, int]:
    """Fen paid per project up to and including `as_of` (all of them when None)."""
    ids = list(project_ids)
    if not ids:
        return {}
    query = (
        select(Payment.project_id, func.coalesce(func.sum(Payment.amount_fen), 0))
        .where(Payment.withdrawn == False)  # noqa: E712
        .group_by(col(Payment.project_id))
    )
    if as_of is not None:
        query = query.where(Payment.paid_on <= as_of)
    paid = {}
    for among in matching(session, col(Payment.project_id), ids):
        paid.update({pid: int(total) for pid, total in session.exec(query.where(among))})
    return {pid: paid.get(pid, 0) for pid in ids}


@dataclass(frozen=True, slots=True)
class ResultView:
    indicator_id: int
    project_id: int
    seq: int
    as_of: date
    actual_text: str
    actual_value: Decimal | None
    baseline_text: str  # 上年值 as written, "" when none
    baseline_value: Decimal | None  # in the unit of actual_value
    grade: str | None
    score: Decimal | None
    likelihood: str | None
    reason_category: str | None
    reason: str
    measures: str
    forecast_value: Decimal | None = None  # the unit's own 全年预计完成值, in the unit of actual_value


def result_history(
    *, session: Session, project_ids: Iterable[int], as_of: date | None = None
) -> dict[int, list[ResultView]]:
    """Current results per indicator id, oldest first, up to `as_of`."""
    ids = list(project_ids)
    out: dict[int, list[ResultView]] = defaultdict(list)
    if not ids:
        return out
    query = (
        select(IndicatorResult, Indicator.project_id, Indicator.seq)
        .join(Indicator, col(Indicator.id) == col(IndicatorResult.indicator_id))
        .where(IndicatorResult.is_current == True)  # noqa: E712
        .order_by(col(IndicatorResult.as_of), col(IndicatorResult.id))
    )
    if as_of is not None:
        query = query.where(IndicatorResult.as_of <= as_of)
    rows = (
        row for among in matching(session, col(Indicator.project_id), ids) for row in session.exec(query.where(among))
    )
    for r, project_id, seq in rows:
        out[r.indicator_id].append(
            ResultView(
                indicator_id=r.indicator_id,
                project_id=project_id,
                seq=seq,
                as_of=r.as_of,
                actual_text=r.actual_text,
                actual_value=r.actual_value,
                baseline_text=r.baseline_text,
                baseline_value=r.baseline_value,
                grade=r.grade,
                score=r.score,
                likelihood=r.likelihood,
                reason_category=r.reason_category,
                reason=r.reason,
                measures=r.measures,
            )
        )
    return out


def latest_results(*, session: Session, project_ids: Iterable[int], as_of: date | None = None) -> dict[int, ResultView]:
    """The latest current result per indicator id up to `as_of`."""
    return {k: v[-1] for k, v in result_history(session=session, project_ids=project_ids, as_of=as_of).items() if v}
