"""Each selected project's spending variance as objects, from spend_sql's statement streamed a piece at a time.

A row of integers becomes a `core.variance.VarianceResult` and a `ProjectVariance` (without indicators: the
service adds those); a row the statement leaves unmeasured (money beyond SAFE_FEN) is measured by the core.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from tracker.core.lights import Light, LightRules
from tracker.core.plan import time_progress, to_pct
from tracker.core.project import Checkpoint
from tracker.core.variance import VarianceResult
from tracker.monitoring.measured import ProjectVariance
from tracker.monitoring.selection import Selection
from tracker.monitoring.spend_sql import statement
from tracker.shared.collector import collector_paused

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
