"""What `GET /api/v1/reports/ranking` and `tracker report ranking --format json` answer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel

from tracker.core.money import wan_str
from tracker.reports.service import Ranking


def _f(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


class RankRowOut(BaseModel):
    rank: int
    code: str
    name: str
    projects: int
    budget_wan: str
    planned_wan: str
    actual_wan: str
    plan_ratio: float | None  # 执行/计划
    execution_pct: float | None  # 执行率
    time_gap_pts: float | None  # 执行率 − 时间进度
    last_year_pct: float | None  # 上年同期执行率
    change_pts: float | None  # 同比


class RankingOut(BaseModel):
    year: int
    as_of: date
    by: str
    time_progress_pct: float
    has_last_year: bool
    items: list[RankRowOut]


def ranking_out(r: Ranking) -> RankingOut:
    return RankingOut(
        year=r.year,
        as_of=r.as_of,
        by=r.by,
        time_progress_pct=float(r.time_progress_pct),
        has_last_year=r.has_last_year,
        items=[
            RankRowOut(
                rank=x.rank,
                code=x.key,
                name=x.name,
                projects=x.projects,
                budget_wan=wan_str(x.budget_fen),
                planned_wan=wan_str(x.planned_fen),
                actual_wan=wan_str(x.actual_fen),
                plan_ratio=_f(x.plan_ratio),
                execution_pct=_f(x.execution_pct),
                time_gap_pts=_f(x.time_gap_pts),
                last_year_pct=_f(x.last_year_pct),
                change_pts=_f(x.change_pts),
            )
            for x in r.rows
        ],
    )
