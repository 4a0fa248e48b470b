"""The monthly 通报 (DOMAIN.md §8): units or regions ranked by execution against plan, time and last year.

Every figure is a sum of the monitoring service's own per-project variance (effective budget,
plan interpolated at the date, payments up to it), so the ranking never disagrees with the dashboard.
- 执行/计划 = Σ actual / Σ planned at the date: the ranking's order (highest first; ties share a rank).
- 执行率 = Σ actual / Σ budget; 与时间进度差 = 执行率 − time progress (M/12), in percent points.
- 上年同期: the same group's execution rate on the same day of last year, where last year's projects are
  in the install; 同比 = this year's rate − last year's, in percent points (None without last year).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlmodel import Session, select

from tracker.core.plan import time_progress
from tracker.errors import InvalidInput
from tracker.models import Dept, Region
from tracker.monitoring.measured import ProjectVariance
from tracker.monitoring.service import iter_variances
from tracker.rules import Rules
from tracker.scope import Scope

BY = ("unit", "region")


@dataclass(frozen=True, slots=True)
class RankRow:
    rank: int
    key: str  # unit code or region code
    name: str
    projects: int
    budget_fen: int
    planned_fen: int
    actual_fen: int
    plan_ratio: Decimal | None  # 执行/计划, 4 decimals
    execution_pct: Decimal | None  # 执行率, percent points, 2 decimals
    time_gap_pts: Decimal | None  # 执行率 − 时间进度
    last_year_pct: Decimal | None  # 上年同期执行率
    change_pts: Decimal | None  # 同比


@dataclass(frozen=True, slots=True)
class Ranking:
    year: int
    as_of: date
    by: str
    time_progress_pct: Decimal
    rows: list[RankRow]
    has_last_year: bool


def _dec(value: Fraction | None, places: int) -> Decimal | None:
    if value is None:
        return None
    q = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(q, rounding=ROUND_HALF_UP)


def same_day_last_year(day: date) -> date:
    """29 February falls back to 28 February."""
    last = day.year - 1
    return day.replace(year=last, day=min(day.day, calendar.monthrange(last, day.month)[1]))


@dataclass(slots=True)
class _Sum:
    projects: int = 0
    budget: int = 0
    planned: int = 0
    actual: int = 0


def _group(pieces: Iterable[list[ProjectVariance]], by: str) -> dict[str, _Sum]:
    """Sums per unit or region, a piece of projects at a time (a province's variances are never all held)."""
    out: dict[str, _Sum] = {}
    for v in (v for piece in pieces for v in piece):
        key = v.dept_code if by == "unit" else (v.region_code or "")
        s = out.setdefault(key, _Sum())
        s.projects += 1
        s.budget += v.spend.budget_fen
        s.planned += v.spend.planned_fen
        s.actual += v.spend.actual_fen
    return out


def ranking(*, session: Session, scope: Scope, year: int, as_of: date, rules: Rules, by: str = "unit") -> Ranking:
    """The 通报 of `year` on `as_of`, ranked by 执行/计划 (then 执行率, then code)."""
    if by not in BY:
        raise InvalidInput(f"--by 应为 unit（单位）或 region（地区）：{by}")
    if as_of.year != year:
        raise InvalidInput(f"截至日期 {as_of.isoformat()} 不在 {year} 年内")
    now = iter_variances(session=session, scope=scope, year=year, as_of=as_of, with_indicators=False, rules=rules)
    before = iter_variances(
        session=session, scope=scope, year=year - 1, as_of=same_day_last_year(as_of), with_indicators=False, rules=rules
    )
    groups, previous = _group(now, by), _group(before, by)
    if by == "unit":
        names = dict(session.exec(select(Dept.code, Dept.name)).all())
    else:
        names = dict(session.exec(select(Region.code, Region.name)).all())
    tp = time_progress(as_of, year=year)
    unranked = []
    for key, s in groups.items():
        ratio = Fraction(s.actual, s.planned) if s.planned else None
        rate = Fraction(s.actual * 100, s.budget) if s.budget else None
        last = previous.get(key)
        last_rate = Fraction(last.actual * 100, last.budget) if last and last.budget else None
        unranked.append(
            (
                key,
                s,
                ratio,
                rate,
                rate - tp * 100 if rate is not None else None,
                last_rate,
                rate - last_rate if rate is not None and last_rate is not None else None,
            )
        )
    unranked.sort(key=lambda r: (-(r[2] if r[2] is not None else -1), -(r[3] if r[3] is not None else -1), r[0]))
    rows: list[RankRow] = []
    for n, (key, s, ratio, rate, gap, last_rate, change) in enumerate(unranked, start=1):
        tied = rows and _dec(ratio, 4) == rows[-1].plan_ratio
        rows.append(
            RankRow(
                rank=rows[-1].rank if tied else n,
                key=key,
                name=str(names.get(key, "")),
                projects=s.projects,
                budget_fen=s.budget,
                planned_fen=s.planned,
                actual_fen=s.actual,
                plan_ratio=_dec(ratio, 4),
                execution_pct=_dec(rate, 2),
                time_gap_pts=_dec(gap, 2),
                last_year_pct=_dec(last_rate, 2),
                change_pts=_dec(change, 2),
            )
        )
    pct = _dec(tp * 100, 2)
    assert pct is not None
    return Ranking(year=year, as_of=as_of, by=by, time_progress_pct=pct, rows=rows, has_last_year=bool(previous))
