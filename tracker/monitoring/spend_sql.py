"""Every selected project's spending variance computed by the database (issue 14 item 2), streamed.

One statement per year measured on one day: the selected projects (year, scope, unit, region: no list of
ids), their usable checkpoints around the day, what they paid by the day and by their last checkpoint, the
effective budget on the four days the core asks (budget versions: 年初 + carry-overs + the changes in force),
the unit's latest 全年预计执行数 and the key list, and from these every figure of `core.variance.
VarianceResult` in integers (fen, hundredths of a percent, ten-thousandths of a ratio, light codes), each
rounding half up as `core.plan.div_half_up` rounds. Python only turns a row into its result objects.

The pure core stays the definition: `core.variance.variance_on` applied to `spend_set.spend_rows` says the
same for every project, and tests/monitoring/test_spend_sql.py holds the two equal on random installs.
Rows whose money is too large for exact 64-bit products (|amount| > SAFE_FEN, 100 亿元) come back unmeasured
(`safe` false) and are measured by the core.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement
from sqlmodel import Session

from tracker.core.budget import ChangeKind
from tracker.core.plan import checkpoint_date, time_progress, to_pct
from tracker.core.project import Checkpoint
from tracker.core.variance import Light, LightRules, VarianceResult
from tracker.monitoring.measured import ProjectVariance
from tracker.monitoring.spend_set import CHANGE, DEPT, KEY, PAYMENT, PLAN, PROJECT, REGION, REPORT
from tracker.scope import Scope

SAFE_FEN = 10**12  # 2 × budget × share numerator (≤ 10,000 × 366) stays below 2⁶³

BIG = sa.BigInteger
_CODE = 100_000  # a checkpoint coded as month × _CODE + hundredths of a percent


@dataclass(frozen=True, slots=True)
class Selection:
    """Which projects of one year, measured on which day."""

    scope: Scope
    year: int
    day: date
    dept_code: str | None = None
    region_code: str | None = None
    limit: int | None = None  # one page of the selection in table order: this many from `offset`
    offset: int = 0


def _int(value: Any) -> ColumnElement[int]:
    return sa.cast(value, BIG)


def _lit(value: int) -> ColumnElement[int]:
    return sa.literal(value, BIG)


def _null() -> ColumnElement[int]:
    """NULL typed as a BIGINT (an untyped one is text to PostgreSQL, where a CASE has no other branch)."""
    return sa.cast(sa.null(), BIG)


def half_up(num: Any, den: Any) -> ColumnElement[int]:
    """num / den (den > 0) to the nearest integer, halves away from zero: core.plan.div_half_up in SQL."""
    return sa.case(
        (num >= 0, (2 * num + den) // (2 * den)),
        else_=-((2 * -num + den) // (2 * den)),
    )


def _by_month(value: Callable[[int], Any], month: Any, type_: Any) -> ColumnElement[Any]:
    """A value per checkpoint month (1–12) as one CASE; NULL for no month."""
    return sa.case({m: sa.literal(value(m), type_) for m in range(1, 13)}, value=month)


def _doy(year: int, month: Any) -> ColumnElement[int]:
    """Days from 1 January to a checkpoint month's last day."""
    return _by_month(lambda m: (checkpoint_date(year, m) - date(year, 1, 1)).days, month, BIG)


def _end(year: int, month: Any) -> ColumnElement[date]:
    return _by_month(lambda m: checkpoint_date(year, m), month, sa.Date)


def _usable() -> ColumnElement[bool]:
    """A stored checkpoint the rules can use (targets.service.usable_checkpoint): month 1–12, 0–100%."""
    c = PLAN.c
    return sa.and_(c.month >= 1, c.month <= 12, c.cumulative_pct >= 0, c.cumulative_pct <= 100)


def chosen(sel: Selection, query: sa.Select[Any]) -> sa.Select[Any]:
    """A query over the project table limited to the selection (year, scope, unit, region)."""
    query = sel.scope.filter(query, PROJECT.c.region_code, PROJECT.c.dept_code).where(PROJECT.c.year == sel.year)
    if sel.dept_code is not None:
        query = query.where(PROJECT.c.dept_code == sel.dept_code)
    if sel.region_code is not None:
        query = query.where(PROJECT.c.region_code == sel.region_code)
    return query


def count(session: Session, sel: Selection) -> int:
    """How many projects the selection holds (whatever its page)."""
    return int(session.execute(chosen(sel, sa.select(sa.func.count()).select_from(PROJECT))).scalar_one())


def selected(sel: Selection) -> sa.Select[Any]:
    """The selected projects' ids, for each part of the statement to read only theirs."""
    return chosen(sel, sa.select(PROJECT.c.id))


def _light(planned: Any, actual: Any, r: Mapping[str, Any]) -> ColumnElement[int]:
    """core.variance.spend_light as a code: 0 green, 1 yellow, 2 red."""
    return sa.case(
        (sa.or_(planned - actual < r["gap"], planned <= 0), 0),
        (actual * r["gd"] >= r["gn"] * planned, 0),
        (actual * r["yd"] >= r["yn"] * planned, 1),
        else_=2,
    )


def _rules_columns(region: Any, base: LightRules, overrides: Mapping[str, LightRules]) -> dict[str, ColumnElement[int]]:
    """The light thresholds as integers: constants, or one CASE on the region where a region has its own."""

    def number(of: Callable[[LightRules], int]) -> ColumnElement[int]:
        differ = {code: of(lr) for code, lr in overrides.items() if of(lr) != of(base)}
        if not differ:
            return _lit(of(base))
        return sa.case({code: _lit(v) for code, v in differ.items()}, value=region, else_=_lit(of(base)))

    return {
        "gn": number(lambda lr: lr.green.as_integer_ratio()[0]),
        "gd": number(lambda lr: lr.green.as_integer_ratio()[1]),
        "yn": number(lambda lr: lr.yellow.as_integer_ratio()[0]),
        "yd": number(lambda lr: lr.yellow.as_integer_ratio()[1]),
        "gap": number(lambda lr: lr.min_gap_fen),
        "warn": number(lambda lr: lr.warn_days),
    }


def statement(
    sel: Selection, base: LightRules, overrides: Mapping[str, LightRules], *, sqlite: bool = False
) -> sa.Select[Any]:
    """The selected projects with every spending figure on `sel.day`, in table order (targets.service.ORDER).

    `base` are the year's spending rules, `overrides` those of regions whose rules differ.
    """
    y, day = sel.year, sel.day
    t = (day - date(y, 1, 1)).days  # the day as days from 1 January (the plan's origin)
    dend = (date(y, 12, 31) - date(y, 1, 1)).days
    passed = max((m for m in range(1, 13) if checkpoint_date(y, m) <= day), default=0)
    c = PLAN.c
    # Each checkpoint as one number, month × 100,000 + percent in hundredths (≤ 10,000): the largest of those by
    # the day is the last checkpoint with its percentage, the smallest after it the next, the largest the final.
    points = (  # each usable checkpoint's code, computed once (a fence: not again in each aggregate below)
        sa.select(c.project_id, c.month, (c.month * _CODE + _int(sa.func.round(c.cumulative_pct * 100))).label("code"))
        .where(c.project_id.in_(selected(sel)), _usable())
        .offset(0)
        .subquery("points")
    )
    pt = points.c
    bounds = (
        sa.select(
            pt.project_id,
            sa.func.max(sa.case((pt.month <= passed, pt.code))).label("prev"),
            sa.func.min(sa.case((pt.month > passed, pt.code))).label("next"),
            sa.func.max(pt.code).label("fin"),
        )
        .group_by(pt.project_id)
        .subquery("bounds")
    )
    b = bounds.c
    prev_m, next_m = b.prev // _CODE, b.next // _CODE
    anchor = sa.select(
        b.project_id,
        prev_m.label("prev_m"), (b.prev % _CODE).label("prev_pct"), _doy(y, prev_m).label("prev_doy"),
        next_m.label("next_m"), (b.next % _CODE).label("next_pct"), _doy(y, next_m).label("next_doy"),
        (b.fin % _CODE).label("fin_pct"),
    ).subquery("anchor")  # fmt: skip
    # What was paid, and the budget in force, at each month's end: one pass over each table, no join; the
    # base row picks the month of its own last and next checkpoints.
    pay = PAYMENT.c
    paid = (
        sa.select(
            pay.project_id,
            _int(sa.func.sum(pay.amount_fen)).label("fen"),
            *(_int(sa.func.sum(sa.case((pay.paid_on <= checkpoint_date(y, m), pay.amount_fen), else_=0))).label(
                f"by{m}") for m in range(1, passed + 1)),
        )
        .where(pay.project_id.in_(selected(sel)), pay.withdrawn == sa.false(), pay.paid_on <= day)
        .group_by(pay.project_id)
        .subquery("paid")
    )  # fmt: skip
    ch = CHANGE.c

    def in_force(on: date) -> ColumnElement[int]:
        counted = sa.or_(ch.kind == ChangeKind.CARRYOVER.value, ch.effective_on <= on)
        return _int(sa.func.sum(sa.case((counted, ch.amount_fen), else_=0)))

    chg = (
        sa.select(
            ch.project_id,
            in_force(day).label("now"),
            in_force(date(y, 12, 31)).label("at_end"),
            *(in_force(checkpoint_date(y, m)).label(f"by{m}") for m in range(1, 13)),
        )
        .where(ch.project_id.in_(selected(sel)))
        .group_by(ch.project_id)
        .subquery("chg")
    )

    def at(month: Any, sums: Any, months: range) -> ColumnElement[int]:
        """The month-end column of `sums` for that month (NULL without one)."""
        if not months:
            return _null()
        return sa.case({m: sums.c[f"by{m}"] for m in months}, value=month)

    p = PROJECT.c
    unit_fc, fc = _unit_forecast(sel, p.id, sqlite=sqlite)

    def changed(column: Any) -> ColumnElement[int]:
        return p.budget_fen + sa.func.coalesce(column, _lit(0))

    money = (
        changed(chg.c.now),
        changed(at(anchor.c.prev_m, chg, range(1, 13))),
        changed(at(anchor.c.next_m, chg, range(1, 13))),
        changed(chg.c.at_end),
        sa.func.coalesce(paid.c.fen, _lit(0)),
        sa.func.coalesce(at(anchor.c.prev_m, paid, range(1, passed + 1)), _lit(0)),
    )
    safe = sa.and_(*(sa.between(x, -SAFE_FEN, SAFE_FEN) for x in money))
    rules = _rules_columns(p.region_code, base, overrides)
    query = chosen(
        sel,
        sa.select(
            p.id,
            p.region_code,
            REGION.c.name.label("region_name"),
            p.dept_code,
            DEPT.c.name.label("dept_name"),
            p.code,
            p.name,
            p.budget_fen.label("initial"),
            money[0].label("budget"),
            money[1].label("budget_last"),
            money[2].label("budget_next"),
            money[3].label("budget_end"),
            money[4].label("actual"),
            money[5].label("paid_last"),
            anchor.c.prev_m,
            anchor.c.prev_doy,
            anchor.c.prev_pct,
            anchor.c.next_m,
            anchor.c.next_doy,
            anchor.c.next_pct,
            sa.func.coalesce(anchor.c.fin_pct, _lit(0)).label("pend"),
            unit_fc.label("unit_fc"),
            sa.exists().where(KEY.c.project_id == p.id, KEY.c.on_date <= day).label("keyed"),
            sa.case((safe, 1), else_=0).label("safe"),
            *(v.label(k) for k, v in rules.items()),
            p.heading_no,
        ).select_from(
            PROJECT.outerjoin(REGION, REGION.c.code == p.region_code)
            .outerjoin(DEPT, sa.and_(DEPT.c.region_code == p.region_code, DEPT.c.code == p.dept_code))
            .outerjoin(anchor, anchor.c.project_id == p.id)
            .outerjoin(paid, paid.c.project_id == p.id)
            .outerjoin(chg, chg.c.project_id == p.id)
        ),
    )
    if fc is not None:
        query = query.outerjoin(fc, fc.c.project_id == p.id)
    m = query.offset(0).subquery("base")  # a fence: each column computed once a row, not wherever later ones name it
    figures = _figures(_share(m.c, t=t), t=t, dend=dend)
    return figures if sel.limit is None else figures.limit(sel.limit).offset(sel.offset)


def _share(m: Any, *, t: int) -> Any:
    """The base columns with the plan's share on the day as n / (10,000 × span): interpolated by day
    between the checkpoints around it, 0 on 1 January, held after the last (core.plan.PlanLine.share)."""
    span = sa.case((m.next_m.is_(None), _lit(1)), else_=m.next_doy - sa.func.coalesce(m.prev_doy, _lit(0)))
    p0 = sa.func.coalesce(m.prev_pct, _lit(0))
    n = sa.case(
        (m.next_m.is_(None), p0),
        else_=p0 * span + (m.next_pct - p0) * (max(t, 0) - sa.func.coalesce(m.prev_doy, _lit(0))),
    )
    return sa.select(m, span.label("span"), n.label("n")).offset(0).subquery("m").c


def _unit_forecast(sel: Selection, project_id: Any, *, sqlite: bool) -> tuple[Any, sa.Subquery | None]:
    """The unit's own 全年预计执行数: its latest current report up to the day with a forecast (as
    actuals.read.project_reports reads it): a column, and the subquery to join for it (None: correlated).

    PostgreSQL numbers each project's reports in one pass; SQLite, which would scan that numbered set once per
    project, looks up each project's latest by its index.
    """
    r = REPORT.c
    kept = (r.is_current == sa.true(), r.as_of <= sel.day, r.forecast_fen.is_not(None))
    if sqlite:
        latest = sa.select(r.forecast_fen).where(r.project_id == project_id, *kept)
        return latest.order_by(r.as_of.desc(), r.id.desc()).limit(1).scalar_subquery(), None
    number = sa.func.row_number().over(partition_by=r.project_id, order_by=(r.as_of.desc(), r.id.desc()))
    ranked = (
        sa.select(r.project_id, r.forecast_fen, number.label("n"))
        .where(r.project_id.in_(selected(sel)), *kept)
        .subquery("ranked")
    )
    fc = sa.select(ranked.c.project_id, ranked.c.forecast_fen).where(ranked.c.n == 1).subquery("fc")
    return fc.c.forecast_fen, fc


def _figures(m: Any, *, t: int, dend: int) -> sa.Select[Any]:
    """From each project's base integers, every figure the core computes (NULL where it has none)."""
    ok = m.safe == 1
    planned = sa.case((ok, half_up(m.budget * m.n, 10000 * m.span)))
    at_last = sa.case((sa.and_(ok, m.prev_m.is_not(None)), half_up(m.budget_last * m.prev_pct, 10000)))
    at_next = sa.case((sa.and_(ok, m.next_m.is_not(None)), half_up(m.budget_next * m.next_pct, 10000)))
    paced: Any = (  # core.variance._forecast_fen to the next checkpoint: the year-to-date pace (clamped below)
        sa.case((m.actual <= 0, None), else_=half_up(m.actual * m.next_doy, _lit(t))) if t > 0 else _null()
    )
    v = (
        sa.select(
            m,
            planned.label("planned"),
            at_last.label("planned_last"),
            at_next.label("planned_next"),
            _clamp(sa.case((sa.and_(ok, m.next_m.is_not(None)), paced)), m.actual, m.budget_next).label(
                "forecast_next"
            ),
            sa.case((ok, _estimate(m, t=t, dend=dend))).label("estimate"),
        )
        .offset(0)
        .subquery("v")
    )
    c = v.c
    rules = {k: c[k] for k in ("gn", "gd", "yn", "yd", "gap", "warn")}
    on_course = sa.case((c.forecast_next.is_(None), sa.case((c.actual > 0, c.actual), else_=0)), else_=c.forecast_next)
    return sa.select(
        c.id, c.region_code, c.region_name, c.dept_code, c.dept_name, c.code, c.name, c.initial, c.keyed, c.safe,
        c.budget, c.planned, c.actual,
        half_up(c.n, c.span).label("planned_pct"),
        sa.case((c.budget > 0, half_up(c.actual * 10000, c.budget))).label("actual_pct"),
        sa.case((c.planned > 0, half_up(c.actual * 10000, c.planned))).label("ratio"),
        c.prev_m, c.prev_pct, c.planned_last, c.paid_last,
        sa.case((c.planned_last > 0, half_up(c.paid_last * 10000, c.planned_last))).label("checkpoint_ratio"),
        sa.case((c.prev_m.is_not(None), _light(c.planned_last, c.paid_last, rules))).label("checkpoint_light"),
        sa.case((c.prev_m.is_not(None), _light(c.planned, c.actual, rules))).label("light"),
        c.next_m, c.next_pct, c.planned_next,
        (c.next_doy - t).label("days_to_next"),
        c.forecast_next,
        sa.case((sa.and_(c.next_m.is_not(None), c.next_doy - t <= c.warn), _light(c.planned_next, on_course, rules)),
                else_=0).label("early"),
        sa.case((c.unit_fc.is_not(None), c.unit_fc), else_=_clamp(c.estimate, c.actual, c.budget_end)).label(
            "forecast_end"
        ),
        c.unit_fc,
    ).order_by(c.region_code, c.heading_no, c.id)  # fmt: skip


def _estimate(m: Any, *, t: int, dend: int) -> ColumnElement[int]:
    """core.variance._plan_shape_forecast_fen before its clamp: the plan's shape applied to the lag so far,
    or the year-to-date pace where nothing is planned yet."""
    elapsed = min(t, dend)
    pace = half_up(m.actual * dend, _lit(elapsed)) if elapsed > 0 else _null()
    return sa.case(
        (m.actual <= 0, None),
        (sa.or_(m.n <= 0, m.pend <= 0), pace),
        else_=half_up(m.actual * m.pend * m.span, m.n),
    )


def _clamp(value: Any, actual: Any, budget: Any) -> ColumnElement[int]:
    """max(actual, min(value, budget)) as the core clamps a forecast; NULL stays NULL."""
    return sa.case(
        (value.is_(None), None),
        (sa.and_(value > budget, budget > actual), budget),
        (sa.or_(value > budget, value < actual), actual),
        else_=value,
    )


_LIGHTS = (Light.GREEN, Light.YELLOW, Light.RED)
_POINTS: dict[tuple[int, int], Checkpoint] = {}


def _checkpoint(month: int | None, hundredths: int | None) -> Checkpoint | None:
    """The checkpoint of a month and percentage (hundredths), one object per distinct pair."""
    if month is None or hundredths is None:
        return None
    key = (month, hundredths)
    found = _POINTS.get(key)
    if found is None:
        if len(_POINTS) > 10_000:  # bounded whatever the install: months × percentages in use
            _POINTS.clear()
        found = _POINTS[key] = Checkpoint(month, Decimal(hundredths).scaleb(-2))
    return found


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a block makes many objects without cycles (each full pass would
    walk every object alive, and the block makes thousands); back on after it, as it was. Nothing leaks:
    the objects are collected by reference counting, and the collector sees them at its next pass."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def iter_lines(
    *,
    session: Session,
    sel: Selection,
    base: LightRules,
    overrides: Mapping[str, LightRules],
    size: int,
    measure: Callable[[list[int]], dict[int, VarianceResult]],
) -> Iterator[list[ProjectVariance]]:
    """The selection's projects in table order, `size` at a time, measured by one streamed statement: their
    spending, without indicators (the service adds those). Rows the statement leaves unmeasured (money
    beyond SAFE_FEN) are measured by `measure` (the core)."""
    day, year = sel.day, sel.year
    progress = to_pct(time_progress(day, year=year))
    if session.get_bind().dialect.name == "postgresql":
        # A large statement of many expressions: PostgreSQL's JIT would spend seconds compiling what runs in
        # a fraction of one (estimated cost far above jit_above_cost), and a cursor's plan is chosen for its
        # first rows unless told that every row will be read. For this transaction only.
        session.execute(sa.text("SET LOCAL jit = off"))
        session.execute(sa.text("SET LOCAL cursor_tuple_fraction = 1"))
    sqlite = session.get_bind().dialect.name == "sqlite"
    found = session.execute(statement(sel, base, overrides, sqlite=sqlite).execution_options(yield_per=size))
    parts = found.partitions()
    while True:
        with collector_paused():  # thousands of acyclic objects a piece: no cycle collection while they are made
            rows = next(parts, None)
            if rows is None:
                return
            unsafe = [r[0] for r in rows if not r[9]]
            by_core = measure(unsafe) if unsafe else {}
            out = _built(rows, day, year, progress, by_core)
        yield out


def _built(
    rows: Sequence[Any], day: date, year: int, progress: Decimal, by_core: Mapping[int, VarianceResult]
) -> list[ProjectVariance]:
    """One partition's rows as ProjectVariances (spending only)."""
    out = []
    for (
        pid, region, region_name, dept, dept_name, code, name, initial, keyed, safe,
        budget, planned, actual, planned_pct, actual_pct, ratio,
        prev_m, prev_pct, planned_last, paid_last, cp_ratio, cp_light, light,
        next_m, next_pct, planned_next, days_to_next, forecast_next, early, forecast_end, unit_fc,
    ) in rows:  # fmt: skip
        if safe:
            last = _checkpoint(prev_m, prev_pct)
            nxt = _checkpoint(next_m, next_pct)
            spend = VarianceResult(
                as_of=day,
                budget_fen=budget,
                planned_fen=planned,
                actual_fen=actual,
                planned_pct=Decimal(planned_pct).scaleb(-2),
                actual_pct=None if actual_pct is None else Decimal(actual_pct).scaleb(-2),
                time_progress_pct=progress,
                ratio=None if ratio is None else Decimal(ratio).scaleb(-4),
                last_checkpoint=last,
                planned_at_checkpoint_fen=planned_last,
                actual_at_checkpoint_fen=paid_last if last is not None else None,
                checkpoint_ratio=None if cp_ratio is None else Decimal(cp_ratio).scaleb(-4),
                checkpoint_light=_LIGHTS[cp_light] if cp_light is not None else None,
                light=_LIGHTS[light] if light is not None else None,
                next_checkpoint=nxt,
                planned_at_next_fen=planned_next,
                days_to_next=days_to_next if nxt is not None else None,
                forecast_at_next_fen=forecast_next,
                forecast_year_end_fen=forecast_end,
                forecast_estimated=unit_fc is None,
                early_warning=early != 0,
            )
        else:
            spend = by_core[pid]
        # without indicators, a project's light is its spending's (the service adds indicators where asked)
        out.append(ProjectVariance(pid, year, region, region_name or "", int(initial), dept, dept_name or "", code,
                                       name, spend, [], None, spend.light, bool(keyed)))  # fmt: skip
    return out
