"""The core's spending rules (core.variance.variance_on) as SQL expressions over integers (issue 14 item 2).

Every figure from a project's base integers: fen, hundredths of a percent, days from 1 January, the light
thresholds as exact fractions. Each division rounds half up as `core.plan.div_half_up`; each product stays
inside 64 bits for money up to spend_sql.SAFE_FEN. Used by spend_sql's statement; tests/monitoring/
test_spend_sql.py holds the results equal to the core's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement

from tracker.core.lights import LightRules

BIG = sa.BigInteger
THRESHOLDS = ("gn", "gd", "yn", "yd", "gap", "warn")  # the light rules' columns (rules_columns)


def as_int(value: Any) -> ColumnElement[int]:
    return sa.cast(value, BIG)


def lit(value: int) -> ColumnElement[int]:
    return sa.literal(value, BIG)


def null() -> ColumnElement[int]:
    """NULL typed as a BIGINT (an untyped one is text to PostgreSQL, where a CASE has no other branch)."""
    return sa.cast(sa.null(), BIG)


def half_up(num: Any, den: Any) -> ColumnElement[int]:
    """num / den (den > 0) to the nearest integer, halves away from zero: core.plan.div_half_up in SQL."""
    return sa.case(
        (num >= 0, (2 * num + den) // (2 * den)),
        else_=-((2 * -num + den) // (2 * den)),
    )


def light(planned: Any, actual: Any, r: Mapping[str, Any]) -> ColumnElement[int]:
    """core.lights.spend_light as a code: 0 green, 1 yellow, 2 red."""
    return sa.case(
        (sa.or_(planned - actual < r["gap"], planned <= 0), 0),
        (actual * r["gd"] >= r["gn"] * planned, 0),
        (actual * r["yd"] >= r["yn"] * planned, 1),
        else_=2,
    )


def rules_columns(region: Any, base: LightRules, overrides: Mapping[str, LightRules]) -> dict[str, ColumnElement[int]]:
    """The light thresholds as integers: constants, or one CASE on the region where a region has its own."""

    def number(of: Callable[[LightRules], int]) -> ColumnElement[int]:
        differ = {code: of(lr) for code, lr in overrides.items() if of(lr) != of(base)}
        if not differ:
            return lit(of(base))
        return sa.case({code: lit(v) for code, v in differ.items()}, value=region, else_=lit(of(base)))

    return {
        "gn": number(lambda lr: lr.green.as_integer_ratio()[0]),
        "gd": number(lambda lr: lr.green.as_integer_ratio()[1]),
        "yn": number(lambda lr: lr.yellow.as_integer_ratio()[0]),
        "yd": number(lambda lr: lr.yellow.as_integer_ratio()[1]),
        "gap": number(lambda lr: lr.min_gap_fen),
        "warn": number(lambda lr: lr.warn_days),
    }


def share(m: Any, *, t: int) -> Any:
    """The base columns with the plan's share on the day as n / (10,000 × span): interpolated by day
    between the checkpoints around it, 0 on 1 January, held after the last (core.plan.PlanLine.share)."""
    span = sa.case((m.next_m.is_(None), lit(1)), else_=m.next_doy - sa.func.coalesce(m.prev_doy, lit(0)))
    p0 = sa.func.coalesce(m.prev_pct, lit(0))
    n = sa.case(
        (m.next_m.is_(None), p0),
        else_=p0 * span + (m.next_pct - p0) * (max(t, 0) - sa.func.coalesce(m.prev_doy, lit(0))),
    )
    return sa.select(m, span.label("span"), n.label("n")).offset(0).subquery("m").c


def figures(m: Any, *, t: int, dend: int) -> sa.Select[Any]:
    """From each project's base integers, every figure the core computes (NULL where it has none)."""
    ok = m.safe == 1
    planned = sa.case((ok, half_up(m.budget * m.n, 10000 * m.span)))
    at_last = sa.case((sa.and_(ok, m.prev_m.is_not(None)), half_up(m.budget_last * m.prev_pct, 10000)))
    at_next = sa.case((sa.and_(ok, m.next_m.is_not(None)), half_up(m.budget_next * m.next_pct, 10000)))
    paced: Any = (  # core.variance._forecast_fen to the next checkpoint: the year-to-date pace (clamped below)
        sa.case((m.actual <= 0, None), else_=half_up(m.actual * m.next_doy, lit(t))) if t > 0 else null()
    )
    v = (
        sa.select(
            m,
            planned.label("planned"),
            at_last.label("planned_last"),
            at_next.label("planned_next"),
            clamp(sa.case((sa.and_(ok, m.next_m.is_not(None)), paced)), m.actual, m.budget_next).label("forecast_next"),
            sa.case((ok, _estimate(m, t=t, dend=dend))).label("estimate"),
        )
        .offset(0)
        .subquery("v")
    )
    c = v.c
    rules = {k: c[k] for k in THRESHOLDS}
    on_course = sa.case((c.forecast_next.is_(None), sa.case((c.actual > 0, c.actual), else_=0)), else_=c.forecast_next)
    return sa.select(
        c.id, c.region_code, c.region_name, c.dept_code, c.dept_name, c.code, c.name, c.initial, c.keyed, c.safe,
        c.budget, c.planned, c.actual,
        half_up(c.n, c.span).label("planned_pct"),
        sa.case((c.budget > 0, half_up(c.actual * 10000, c.budget))).label("actual_pct"),
        sa.case((c.planned > 0, half_up(c.actual * 10000, c.planned))).label("ratio"),
        c.prev_m, c.prev_pct, c.planned_last, c.paid_last,
        sa.case((c.planned_last > 0, half_up(c.paid_last * 10000, c.planned_last))).label("checkpoint_ratio"),
        sa.case((c.prev_m.is_not(None), light(c.planned_last, c.paid_last, rules))).label("checkpoint_light"),
        sa.case((c.prev_m.is_not(None), light(c.planned, c.actual, rules))).label("light"),
        c.next_m, c.next_pct, c.planned_next,
        (c.next_doy - t).label("days_to_next"),
        c.forecast_next,
        sa.case((sa.and_(c.next_m.is_not(None), c.next_doy - t <= c.warn), light(c.planned_next, on_course, rules)),
                else_=0).label("early"),
        sa.case((c.unit_fc.is_not(None), c.unit_fc), else_=clamp(c.estimate, c.actual, c.budget_end)).label(
            "forecast_end"
        ),
        c.unit_fc,
    ).order_by(c.region_code, c.heading_no, c.id)  # fmt: skip


def _estimate(m: Any, *, t: int, dend: int) -> ColumnElement[int]:
    """core.variance._plan_shape_forecast_fen before its clamp: the plan's shape applied to the lag so far,
    or the year-to-date pace where nothing is planned yet."""
    elapsed = min(t, dend)
    pace = half_up(m.actual * dend, lit(elapsed)) if elapsed > 0 else null()
    return sa.case(
        (m.actual <= 0, None),
        (sa.or_(m.n <= 0, m.pend <= 0), pace),
        else_=half_up(m.actual * m.pend * m.span, m.n),
    )


def clamp(value: Any, actual: Any, budget: Any) -> ColumnElement[int]:
    """max(actual, min(value, budget)) as the core clamps a forecast; NULL stays NULL."""
    return sa.case(
        (value.is_(None), None),
        (sa.and_(value > budget, budget > actual), budget),
        (sa.or_(value > budget, value < actual), actual),
        else_=value,
    )
