"""The spending figures of many projects read as a set (issue 14 item 2): a few statements per piece.

Per piece of at most `SET_CHUNK` projects (`SPEND_CHUNK` when only the spending is asked) of one year,
measured on one day: one statement gives each project's row, its names, what it had paid by the day and
by its last checkpoint before the day (a conditional sum over its payments, the checkpoint found in SQL);
one gives the plans (as text, so that a shape is parsed once however many projects share it); one the
recorded budget changes (only projects that have any: the effective budget is `core.budget.Budget.on`,
its one definition); one the units' own forecasts and one the key list. Memory is one piece; no statement
grows with the install (one parameter per piece: an array on PostgreSQL, a JSON text on SQLite). Each
distinct plan text is laid out on the day once (`core.variance.day_plan`), and Python applies the pure
core (`core.variance.variance_on`) to each row: monitoring.service.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session, col, select

from tracker.actuals.read import project_reports
from tracker.budget.service import core_changes
from tracker.bulk import chunks
from tracker.core.budget import Budget
from tracker.core.budget import BudgetChange as Change
from tracker.core.lights import LightRules
from tracker.core.plan import checkpoint_date
from tracker.core.project import Checkpoint
from tracker.core.variance import DayPlan, VarianceResult, day_plan, variance_on
from tracker.models import BudgetChange, Dept, KeyListing, Payment, PlanCheckpoint, Project, ProjectReport, Region
from tracker.scope import Scope

SET_CHUNK = 2_000  # projects per piece: a few hundred kB of rows, few round trips
# Spending alone: a piece is a row of figures each, and every piece's statement pays a fixed cost (on
# PostgreSQL a scan of the payments while a piece is a large share of the install), so fewer, larger pieces.
SPEND_CHUNK = 5_000

PROJECT: Table = Project.__table__  # type: ignore[attr-defined]
PAYMENT: Table = Payment.__table__  # type: ignore[attr-defined]
PLAN: Table = PlanCheckpoint.__table__  # type: ignore[attr-defined]
REGION: Table = Region.__table__  # type: ignore[attr-defined]
DEPT: Table = Dept.__table__  # type: ignore[attr-defined]
CHANGE: Table = BudgetChange.__table__  # type: ignore[attr-defined]
REPORT: Table = ProjectReport.__table__  # type: ignore[attr-defined]
KEY: Table = KeyListing.__table__  # type: ignore[attr-defined]
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class SpendRow:
    """One project's stored figures for its spending variance on `day`."""

    project_id: int
    year: int
    day: date
    region_code: str
    region_name: str
    dept_code: str
    dept_name: str
    code: str
    name: str
    initial_fen: int  # 年初
    plan: DayPlan  # what its usable checkpoints say on `day` (shared by projects of the same shape)
    paid_fen: int  # paid up to and including `day`
    paid_at_last_fen: int | None  # paid by the last checkpoint on or before `day`; None without one
    budget: Budget | None  # the budget versions where changes are recorded; None: 年初 all year
    unit_forecast_fen: int | None  # the unit's own 全年预计执行数, its latest up to `day`
    key_monitoring: bool


def years_of(*, session: Session, scope: Scope, dept_code: str | None, region_code: str | None) -> list[int]:
    """The years of the projects the scope may see (of that unit and region where given), in order."""
    query = scope.filter(sa.select(PROJECT.c.year).distinct(), PROJECT.c.region_code, PROJECT.c.dept_code)
    for column, value in ((PROJECT.c.dept_code, dept_code), (PROJECT.c.region_code, region_code)):
        if value:  # as selection.chosen: an empty code chooses nothing narrower
            query = query.where(column == value)
    return sorted(y for (y,) in session.execute(query))


def _ids(session: Session, ids: Sequence[int]) -> Any:
    """One parameter carrying `ids`: an array on PostgreSQL, a JSON text on SQLite.

    SQLite's IN of 2,000 literal parameters costs more to build than the statement takes to run; one
    parameter object used in every subquery of a statement is sent once.
    """
    if session.get_bind().dialect.name == "sqlite":
        return sa.bindparam("piece_ids", json.dumps(list(ids)), type_=sa.String)
    return sa.bindparam("piece_ids", list(ids), type_=ARRAY(sa.Integer))


def _among(session: Session, column: Any, ids: Any) -> Any:
    """`column` is one of the ids in the parameter `ids` (from `_ids`)."""
    if session.get_bind().dialect.name == "sqlite":
        return column.in_(sa.select(sa.func.json_each(ids).table_valued("value").c.value))
    return column == sa.any_(ids)


def _usable() -> Any:
    """A stored checkpoint the rules can use (targets.loading.usable_checkpoint): month 1–12, 0–100%."""
    return sa.and_(PLAN.c.month >= 1, PLAN.c.month <= 12, PLAN.c.cumulative_pct >= 0, PLAN.c.cumulative_pct <= 100)


def spend_rows(*, session: Session, project_ids: Sequence[int], year: int, day: date) -> list[SpendRow]:
    """These projects (all of `year`, one piece) measured on `day`: their rows, in no particular order."""
    if not project_ids:
        return []
    passed = [m for m in range(1, 13) if checkpoint_date(year, m) <= day]
    ids = _ids(session, project_ids)
    paid_cols: list[Any] = [PAYMENT.c.project_id, sa.func.sum(PAYMENT.c.amount_fen).label("fen")]
    source: Any = PAYMENT
    if passed:  # what was paid by each project's own last checkpoint on or before the day
        last_cp = (
            sa.select(PLAN.c.project_id, sa.func.max(PLAN.c.month).label("m"))
            .where(_among(session, PLAN.c.project_id, ids), _usable(), PLAN.c.month <= passed[-1])
            .group_by(PLAN.c.project_id)
            .subquery("last_cp")
        )
        last_day = sa.case({m: sa.literal(checkpoint_date(year, m), sa.Date) for m in passed}, value=last_cp.c.m)
        at_last = sa.case((PAYMENT.c.paid_on <= last_day, PAYMENT.c.amount_fen), else_=0)
        paid_cols.append(sa.func.sum(at_last).label("at_last"))
        source = PAYMENT.outerjoin(last_cp, last_cp.c.project_id == PAYMENT.c.project_id)
    paid = (
        sa.select(*paid_cols)
        .select_from(source)
        .where(
            _among(session, PAYMENT.c.project_id, ids),
            PAYMENT.c.withdrawn == sa.false(),
            PAYMENT.c.paid_on <= day,
        )
        .group_by(PAYMENT.c.project_id)
        .subquery("paid")
    )
    at_last_col = paid.c.at_last if passed else sa.null()
    plan_text = _plan_text(session, ids)
    query = (
        sa.select(
            PROJECT.c.id,
            PROJECT.c.region_code,
            REGION.c.name,
            PROJECT.c.dept_code,
            DEPT.c.name,
            PROJECT.c.code,
            PROJECT.c.name,
            PROJECT.c.budget_fen,
            paid.c.fen,
            at_last_col,
            plan_text.c.points,
            sa.exists().where(CHANGE.c.project_id == PROJECT.c.id),  # changes recorded: read them
            sa.exists().where(REPORT.c.project_id == PROJECT.c.id, REPORT.c.as_of <= day),  # a report: read it
            sa.exists().where(KEY.c.project_id == PROJECT.c.id, KEY.c.on_date <= day),  # key_listed, per row
        )
        .select_from(
            PROJECT.outerjoin(REGION, REGION.c.code == PROJECT.c.region_code)
            .outerjoin(DEPT, sa.and_(DEPT.c.region_code == PROJECT.c.region_code, DEPT.c.code == PROJECT.c.dept_code))
            .outerjoin(paid, paid.c.project_id == PROJECT.c.id)
            .outerjoin(plan_text, plan_text.c.project_id == PROJECT.c.id)
        )
        .where(_among(session, PROJECT.c.id, ids))
    )
    found = session.execute(query).all()
    changed = [r[0] for r in found if r[11]]
    budgets = core_changes(session=session, project_ids=changed) if changed else {}
    reported = [r[0] for r in found if r[12]]
    forecasts = {
        pid: r.forecast_fen for pid, r in project_reports(session=session, project_ids=reported, as_of=day).items()
    }
    out = []
    for pid, region, region_name, dept, dept_name, code, name, initial, fen, at_last_fen, points, _, _, keyed in found:
        plan = plan_on(points, year, day)
        out.append(
            SpendRow(
                project_id=pid,
                year=year,
                day=day,
                region_code=region,
                region_name=region_name or "",
                dept_code=dept,
                dept_name=dept_name or "",
                code=code,
                name=name,
                initial_fen=int(initial),
                plan=plan,
                paid_fen=int(fen or 0),
                paid_at_last_fen=int(at_last_fen or 0) if plan.last is not None else None,  # a checkpoint by the day
                budget=_budget_of(int(initial), budgets.get(pid)),
                unit_forecast_fen=forecasts.get(pid),
                key_monitoring=bool(keyed),
            )
        )
    return out


_SHAPES: dict[str, tuple[Checkpoint, ...]] = {}
_DAYS: dict[tuple[str | None, int, date], DayPlan] = {}


def _plan_text(session: Session, ids: Any) -> Any:
    """Each project's usable checkpoints as one text "month:pct,…" (in any order), a subquery."""
    point = sa.cast(PLAN.c.month, sa.String) + ":" + sa.cast(PLAN.c.cumulative_pct, sa.String)
    joined = (
        sa.func.string_agg(point, sa.literal(","))
        if session.get_bind().dialect.name == "postgresql"
        else sa.func.group_concat(point, ",")
    )
    return (
        sa.select(PLAN.c.project_id, joined.label("points"))
        .where(_among(session, PLAN.c.project_id, ids), _usable())
        .group_by(PLAN.c.project_id)
        .subquery("plan_text")
    )


def plan_on(points: str | None, year: int, day: date) -> DayPlan:
    """What the plan of this text says on `day` of `year`, laid out once per text and day (few shapes, one day)."""
    key = (points, year, day)
    found = _DAYS.get(key)
    if found is None:
        if len(_DAYS) > 10_000:  # bounded whatever the install
            _DAYS.clear()
        found = _DAYS[key] = day_plan(plan_of(points), year, day)
    return found


def plan_of(points: str | None) -> tuple[Checkpoint, ...]:
    """A plan from its text, in month order; each distinct text is parsed once (a province has few shapes)."""
    if not points:
        return ()
    shape = _SHAPES.get(points)
    if shape is None:
        if len(_SHAPES) > 10_000:  # bounded whatever the install
            _SHAPES.clear()
        pairs = (point.split(":") for point in points.split(","))
        parsed = (Checkpoint(int(m), Decimal(pct).quantize(_CENT)) for m, pct in pairs)
        shape = _SHAPES[points] = tuple(sorted(parsed, key=lambda c: c.month))
    return shape


def spend_of(row: SpendRow, rules: LightRules) -> VarianceResult:
    """One row's spending variance: the pure core on the figures the set read (the same as compute_variance)."""
    day = row.plan  # day_plan of its checkpoints on row.day, laid out once per shape
    budget, initial = row.budget, row.initial_fen
    return variance_on(
        day,
        budget_fen=budget.on(row.day) if budget else initial,
        budget_at_last_fen=(budget.on(day.last_day) if budget else initial) if day.last_day is not None else None,
        budget_at_next_fen=(budget.on(day.next_day) if budget else initial) if day.next_day is not None else None,
        budget_at_end_fen=budget.on(date(row.year, 12, 31)) if budget else initial,
        actual_fen=row.paid_fen,
        rules=rules,
        actual_at_checkpoint_fen=row.paid_at_last_fen,
        unit_forecast_fen=row.unit_forecast_fen,
    )


def _budget_of(initial_fen: int, changes: list[Change] | None) -> Budget | None:
    return Budget.of(initial_fen=initial_fen, changes=changes) if changes else None


def key_listed(session: Session, days: Mapping[int, date]) -> set[int]:
    """Projects on the key list (tracker/monitoring/key_list.py) on or before their measuring date."""
    if not days:
        return set()
    query = select(col(KeyListing.project_id), col(KeyListing.on_date))
    found = (
        row
        for part in chunks(list(days), SET_CHUNK)
        for row in session.exec(query.where(_among(session, col(KeyListing.project_id), _ids(session, part))))
    )
    return {pid for pid, on in found if on <= days[pid]}
