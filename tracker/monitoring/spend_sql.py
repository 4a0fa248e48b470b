"""Every selected project's spending variance computed by the database (issue 14 item 2), streamed.

One statement per year measured on one day: the selected projects (year, scope, unit, region: no list of
ids), their usable checkpoints around the day, what they paid by the day and by their last checkpoint, the
effective budget on the four days the core asks (budget versions: 年初 + carry-overs + the changes in force),
the unit's latest 全年预计执行数 and the key list, and from these every figure of `core.variance.
VarianceResult` in integers (fen, hundredths of a percent, ten-thousandths of a ratio, light codes), each
rounding half up as `core.plan.div_half_up` rounds (spend_figures.py). spend_lines.py turns rows into objects.

The pure core stays the definition: `core.variance.variance_on` applied to `spend_set.spend_rows` says the
same for every project, and tests/monitoring/test_spend_sql.py holds the two equal on random installs.
Rows whose money is too large for exact 64-bit products (|amount| > SAFE_FEN, 100 亿元) come back unmeasured
(`safe` false) and are measured by the core.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement

from tracker.core.budget import ChangeKind
from tracker.core.lights import LightRules
from tracker.core.plan import checkpoint_date
from tracker.monitoring.selection import Selection, chosen
from tracker.monitoring.spend_figures import BIG, as_int, figures, lit, null, rules_columns, share
from tracker.monitoring.spend_set import CHANGE, DEPT, KEY, PAYMENT, PLAN, PROJECT, REGION, REPORT

SAFE_FEN = 10**12  # 2 × budget × share numerator (≤ 10,000 × 366) stays below 2⁶³

_CODE = 100_000  # a checkpoint coded as month × _CODE + hundredths of a percent


def _by_month(value: Callable[[int], Any], month: Any, type_: Any) -> ColumnElement[Any]:
    """A value per checkpoint month (1–12) as one CASE; NULL for no month."""
    return sa.case({m: sa.literal(value(m), type_) for m in range(1, 13)}, value=month)


def _doy(year: int, month: Any) -> ColumnElement[int]:
    """Days from 1 January to a checkpoint month's last day."""
    return _by_month(lambda m: (checkpoint_date(year, m) - date(year, 1, 1)).days, month, BIG)


def _end(year: int, month: Any) -> ColumnElement[date]:
    return _by_month(lambda m: checkpoint_date(year, m), month, sa.Date)


def _usable() -> ColumnElement[bool]:
    """A stored checkpoint the rules can use (targets.loading.usable_checkpoint): month 1–12, 0–100%."""
    c = PLAN.c
    return sa.and_(c.month >= 1, c.month <= 12, c.cumulative_pct >= 0, c.cumulative_pct <= 100)


def selected(sel: Selection) -> sa.Select[Any]:
    """The selected projects' ids, for each part of the statement to read only theirs."""
    return chosen(sel, sa.select(PROJECT.c.id))


def statement(
    sel: Selection, base: LightRules, overrides: Mapping[str, LightRules], *, sqlite: bool = False
) -> sa.Select[Any]:
    """The selected projects with every spending figure on `sel.day`, in table order (targets.loading.ORDER).

    `base` are the year's spending rules, `overrides` those of regions whose rules differ.
    """
    y, day = sel.year, sel.day
    t = (day - date(y, 1, 1)).days  # the day as days from 1 January (the plan's origin)
    dend = (date(y, 12, 31) - date(y, 1, 1)).days
    passed = max((m for m in range(1, 13) if checkpoint_date(y, m) <= day), default=0)
    anchor = _anchor(sel, passed)
    paid, chg = _paid(sel, passed), _changes(sel)

    def at(month: Any, sums: Any, months: range) -> ColumnElement[int]:
        """The month-end column of `sums` for that month (NULL without one)."""
        if not months:
            return null()
        return sa.case({m: sums.c[f"by{m}"] for m in months}, value=month)

    p = PROJECT.c
    unit_fc, fc = _unit_forecast(sel, p.id, sqlite=sqlite)

    def changed(column: Any) -> ColumnElement[int]:
        return p.budget_fen + sa.func.coalesce(column, lit(0))

    money = (
        changed(chg.c.now),
        changed(at(anchor.c.prev_m, chg, range(1, 13))),
        changed(at(anchor.c.next_m, chg, range(1, 13))),
        changed(chg.c.at_end),
        sa.func.coalesce(paid.c.fen, lit(0)),
        sa.func.coalesce(at(anchor.c.prev_m, paid, range(1, passed + 1)), lit(0)),
    )
    safe = sa.and_(*(sa.between(x, -SAFE_FEN, SAFE_FEN) for x in money))
    rules = rules_columns(p.region_code, base, overrides)
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
            sa.func.coalesce(anchor.c.fin_pct, lit(0)).label("pend"),
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
    found = figures(share(m.c, t=t), t=t, dend=dend)
    return found if sel.limit is None else found.limit(sel.limit).offset(sel.offset)


def _anchor(sel: Selection, passed: int) -> sa.Subquery:
    """Per project: its last usable checkpoint by the day (month `passed` at the latest), the next one, and the
    final one's percentage, with their days from 1 January."""
    y = sel.year
    c = PLAN.c
    # Each checkpoint as one number, month × 100,000 + percent in hundredths (≤ 10,000): the largest of those by
    # the day is the last checkpoint with its percentage, the smallest after it the next, the largest the final.
    points = (  # each usable checkpoint's code, computed once (a fence: not again in each aggregate below)
        sa.select(
            c.project_id, c.month, (c.month * _CODE + as_int(sa.func.round(c.cumulative_pct * 100))).label("code")
        )
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
    return sa.select(
        b.project_id,
        prev_m.label("prev_m"), (b.prev % _CODE).label("prev_pct"), _doy(y, prev_m).label("prev_doy"),
        next_m.label("next_m"), (b.next % _CODE).label("next_pct"), _doy(y, next_m).label("next_doy"),
        (b.fin % _CODE).label("fin_pct"),
    ).subquery("anchor")  # fmt: skip


def _paid(sel: Selection, passed: int) -> sa.Subquery:
    """Per project: paid by the day, and by each month's end up to month `passed` (by1 … by<passed>): one pass
    over its payments, no join; the base row picks the month of its last checkpoint."""
    y, day = sel.year, sel.day
    pay = PAYMENT.c
    return (
        sa.select(
            pay.project_id,
            as_int(sa.func.sum(pay.amount_fen)).label("fen"),
            *(as_int(sa.func.sum(sa.case((pay.paid_on <= checkpoint_date(y, m), pay.amount_fen), else_=0))).label(
                f"by{m}") for m in range(1, passed + 1)),
        )
        .where(pay.project_id.in_(selected(sel)), pay.withdrawn == sa.false(), pay.paid_on <= day)
        .group_by(pay.project_id)
        .subquery("paid")
    )  # fmt: skip


def _changes(sel: Selection) -> sa.Subquery:
    """Per project: the recorded changes in force on the day, on 31 December and at each month's end (by1 …
    by12), a carry-over from the year's start (core.budget.BudgetChange.in_force)."""
    y, day = sel.year, sel.day
    ch = CHANGE.c

    def in_force(on: date) -> ColumnElement[int]:
        counted = sa.or_(ch.kind == ChangeKind.CARRYOVER.value, ch.effective_on <= on)
        return as_int(sa.func.sum(sa.case((counted, ch.amount_fen), else_=0)))

    return (
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
