"""What monitoring and evaluation read of the actuals: cumulative payments and current results.

Withdrawn payments and superseded results are never counted. Callers pass the scope's project ids, as
many as they like: the statements carry them in bounded pieces (tracker/bulk.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tracker.bulk import matching
from tracker.core.budget import FUNDING_SOURCES, FundingSource, parse_source
from tracker.models import Indicator, IndicatorResult, Payment, ProjectReport


def cumulative_paid(*, session: Session, project_ids: Iterable[int], as_of: date | None = None) -> dict[int, int]:
    """Fen paid per project up to and including `as_of` (all of them when None)."""
    return {pid: fen for pid, (fen, _) in live_totals(session=session, project_ids=project_ids, as_of=as_of).items()}


def live_totals(
    *, session: Session, project_ids: Iterable[int], as_of: date | None = None
) -> dict[int, tuple[int, int]]:
    """Fen paid and the number of live payments per project, up to and including `as_of` (all when None);
    an upload's budget check reads both, its duplicate lookups the count (known.py)."""
    ids = list(project_ids)
    query = (
        select(Payment.project_id, func.coalesce(func.sum(Payment.amount_fen), 0), func.count())
        .where(Payment.withdrawn == False)  # noqa: E712
        .group_by(col(Payment.project_id))
    )
    if as_of is not None:
        query = query.where(Payment.paid_on <= as_of)
    totals: dict[int, tuple[int, int]] = {}
    conn = session.connection()  # plain rows: an upload spread over a province sums 60,000 projects
    for among in matching(session, col(Payment.project_id), ids):
        totals.update({pid: (int(fen), int(n)) for pid, fen, n in conn.execute(query.where(among)).tuples()})
    return {pid: totals.get(pid, (0, 0)) for pid in ids}


def paid_by_source(
    *, session: Session, project_ids: Iterable[int], as_of: date | None = None
) -> dict[int, dict[FundingSource, int]]:
    """Fen paid per project and funding source (资金性质) up to and including `as_of`."""
    ids = list(project_ids)
    out: dict[int, dict[FundingSource, int]] = {pid: dict.fromkeys(FUNDING_SOURCES, 0) for pid in ids}
    if not ids:
        return out
    query = (
        select(Payment.project_id, Payment.source, func.coalesce(func.sum(Payment.amount_fen), 0))
        .where(Payment.withdrawn == False)  # noqa: E712
        .group_by(col(Payment.project_id), col(Payment.source))
    )
    if as_of is not None:
        query = query.where(Payment.paid_on <= as_of)
    for among in matching(session, col(Payment.project_id), ids):  # a province's year: 60,000 ids
        for pid, source, total in session.exec(query.where(among)):
            out[pid][parse_source(source)] += int(total)
    return out


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
    forecast_text: str = ""  # 全年预计完成值 as written: a qualitative target's words or grade live only here

    @property
    def has_forecast(self) -> bool:
        return self.forecast_value is not None or bool(self.forecast_text.strip())


def result_history(
    *, session: Session, project_ids: Iterable[int], as_of: date | None = None
) -> dict[int, list[ResultView]]:
    """Current results per indicator id, oldest first, up to `as_of`."""
    ids = list(project_ids)
    out: dict[int, list[ResultView]] = defaultdict(list)
    if not ids:
        return out
    r = IndicatorResult
    query = (  # plain columns in ResultView's order: no ORM object per result
        sa.select(
            col(r.indicator_id), col(Indicator.project_id), col(Indicator.seq), col(r.as_of), col(r.actual_text),
            col(r.actual_value), col(r.baseline_text), col(r.baseline_value), col(r.grade), col(r.score),
            col(r.likelihood), col(r.reason_category), col(r.reason), col(r.measures), col(r.forecast_value),
            col(r.forecast_text),
        )
        .join(Indicator, col(Indicator.id) == col(r.indicator_id))
        # not `is_current = 1`: SQLite would read every current result of the install through that index
        # (one piece of an export in 0.4 s at 61,600 projects); this way it starts from the projects' indicators
        .where(func.coalesce(col(r.is_current), False) == True)  # noqa: E712
        .order_by(col(r.as_of), col(r.id))
    )  # fmt: skip
    if as_of is not None:
        query = query.where(col(r.as_of) <= as_of)
    for among in matching(session, col(Indicator.project_id), ids):
        for row in session.execute(query.where(among)):
            out[row[0]].append(ResultView(*row))
    return out


def latest_results(*, session: Session, project_ids: Iterable[int], as_of: date | None = None) -> dict[int, ResultView]:
    """The latest current result per indicator id up to `as_of`."""
    return {k: v[-1] for k, v in result_history(session=session, project_ids=project_ids, as_of=as_of).items() if v}


def latest_with_forecast(
    *, session: Session, project_ids: Iterable[int], as_of: date | None = None
) -> dict[int, ResultView]:
    """The latest current result per indicator id up to `as_of`; where it left 全年预计完成值 blank, the
    unit's most recent earlier forecast up to `as_of` is carried forward (a later report that gives only
    the actual does not withdraw the forecast, DOMAIN.md §4)."""
    out: dict[int, ResultView] = {}
    for indicator_id, history in result_history(session=session, project_ids=project_ids, as_of=as_of).items():
        if not history:
            continue
        latest, given = history[-1], forecast_of(history)
        if not latest.has_forecast and given is not None:
            latest = replace(latest, forecast_value=given.forecast_value, forecast_text=given.forecast_text)
        out[indicator_id] = latest
    return out


def forecast_of(history: list[ResultView], as_of: date | None = None) -> ResultView | None:
    """The report that gave the unit's latest 全年预计完成值 up to `as_of` (`history` oldest first), if any;
    the mid-year table and the indicator lights (monitoring/lights.py `_unit_forecast`) both read it here."""
    return next((h for h in reversed(history) if h.has_forecast and (as_of is None or h.as_of <= as_of)), None)


@dataclass(frozen=True, slots=True)
class ReportView:
    """A unit's own words on a project (upload sheet 项目): the latest of each up to a date, and when."""

    project_id: int
    forecast_fen: int | None  # 全年预计执行数
    forecast_as_of: date | None
    narrative: str  # 实际完成情况, "" when the unit gave none
    narrative_as_of: date | None


def project_reports(
    *, session: Session, project_ids: Iterable[int], as_of: date | None = None
) -> dict[int, ReportView]:
    """Per project with a current report up to `as_of`: its latest forecast and its latest narrative."""
    ids = list(project_ids)
    out: dict[int, ReportView] = {}
    if not ids:
        return out
    r = ProjectReport
    query = (  # plain columns: no ORM object per report (a province's spending reads tens of thousands)
        sa.select(col(r.project_id), col(r.forecast_fen), col(r.as_of), col(r.narrative))
        .where(col(r.is_current) == True)  # noqa: E712
        .order_by(col(r.as_of), col(r.id))
    )
    if as_of is not None:
        query = query.where(col(r.as_of) <= as_of)
    for among in matching(session, col(r.project_id), ids):
        for pid, forecast, on, narrative in session.execute(query.where(among)):  # oldest first: later replaces
            seen = out.get(pid) or ReportView(pid, None, None, "", None)
            out[pid] = ReportView(
                project_id=pid,
                forecast_fen=forecast if forecast is not None else seen.forecast_fen,
                forecast_as_of=on if forecast is not None else seen.forecast_as_of,
                narrative=narrative or seen.narrative,
                narrative_as_of=on if narrative else seen.narrative_as_of,
            )
    return out
