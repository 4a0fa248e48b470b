"""Variance against plan (DOMAIN.md §3): the spending light, early warning and the year-end forecast.

Pure: standard library only. Money is integer fen; thresholds are compared exactly (a ratio of
0.79999 is yellow even though it shows as 0.8000); shown ratios have 4 decimals, percentages 2.
The lights themselves are core.lights; an indicator's light is core.progress.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from tracker.core.lights import Light, LightRules, spend_light
from tracker.core.plan import (
    checkpoint_date,
    decimal_of,
    div_half_up,
    plan_line_of,
    time_progress,
    to_pct,
    written,
)
from tracker.core.project import Checkpoint


@dataclass(frozen=True, slots=True)
class VarianceResult:
    """One project's spending position on `as_of`. Percentages are percent points, 2 decimals."""

    as_of: date
    budget_fen: int
    planned_fen: int  # plan interpolated at as_of
    actual_fen: int  # cumulative disbursed up to and including as_of
    planned_pct: Decimal
    actual_pct: Decimal | None  # execution rate; None when the budget is 0
    time_progress_pct: Decimal  # month/12 baseline
    ratio: Decimal | None  # actual / planned_fen, 4 decimals; None when nothing is planned yet
    last_checkpoint: Checkpoint | None  # latest checkpoint on or before as_of
    planned_at_checkpoint_fen: int | None
    actual_at_checkpoint_fen: int | None  # paid up to the checkpoint's own date, when the caller knows it
    checkpoint_ratio: Decimal | None  # actual at the checkpoint / plan at it: what its alert is decided on
    checkpoint_light: Light | None
    light: Light | None  # from `ratio` (the plan interpolated at as_of); None before the first checkpoint
    next_checkpoint: Checkpoint | None
    planned_at_next_fen: int | None
    days_to_next: int | None
    forecast_at_next_fen: int | None  # at the year-to-date pace; None before any spend
    forecast_year_end_fen: int | None  # the unit's own, else the plan's shape applied to the lag so far
    forecast_estimated: bool  # True when forecast_year_end_fen is estimated here (（测算）)
    early_warning: bool  # within warn_days of the next checkpoint and on course to miss it

    @property
    def expected_balance_fen(self) -> int | None:
        """Expected 结转结余 at year end: effective budget − forecast (DOMAIN.md §3)."""
        return self.budget_fen - self.forecast_year_end_fen if self.forecast_year_end_fen is not None else None

    @property
    def lagging(self) -> bool:
        """Yellow and red are lagging (DOMAIN.md §3)."""
        return self.light in (Light.YELLOW, Light.RED)


@lru_cache(maxsize=1024)  # one day for every project of a run
def _time_progress_pct(as_of: date, year: int) -> Decimal:
    return to_pct(time_progress(as_of, year=year))


def _ratio(numerator: int, denominator: int) -> Decimal | None:
    return decimal_of(numerator, denominator, 4) if denominator > 0 else None


def _forecast_fen(*, actual_fen: int, budget_fen: int, as_of: date, year: int, target: date) -> int | None:
    """Cumulative spend at `target` if the year-to-date average daily pace goes on.

    Days count from 1 January, the plan's origin. The forecast never falls below what is spent and
    never rises above the budget (unless more than the budget is already spent).
    """
    start, end = date(year, 1, 1), date(year, 12, 31)
    elapsed = (min(as_of, end) - start).days
    if actual_fen <= 0 or elapsed <= 0:
        return None
    horizon = (min(max(target, as_of), end) - start).days
    forecast = div_half_up(actual_fen * horizon, elapsed)
    return max(actual_fen, min(forecast, budget_fen))


def _plan_shape_forecast_fen(
    *, actual_fen: int, budget_fen: int, today: tuple[int, int], end: tuple[int, int], as_of: date, year: int
) -> int | None:
    """Year-end spend with the plan's shape applied to the lag so far: actual × plan at 31 December / plan today.

    `today` and `end` are the plan's shares on `as_of` and on 31 December. Where nothing is planned yet
    (or the plan is empty) the year-to-date pace stands in. Never below what is spent, never above the
    budget (unless more than the budget is already spent).
    """
    if actual_fen <= 0:
        return None
    (now, now_den), (last, last_den) = today, end
    if now <= 0 or last <= 0:
        return _forecast_fen(actual_fen=actual_fen, budget_fen=budget_fen, as_of=as_of, year=year,
                             target=date(year, 12, 31))  # fmt: skip
    forecast = div_half_up(actual_fen * last * now_den, last_den * now)
    return max(actual_fen, min(forecast, budget_fen))


@dataclass(frozen=True, slots=True)
class DayPlan:
    """What a plan says on one day, whatever the budget: shares, checkpoints around the day, their dates.

    The same for every project with the same plan measured on the same day (`day_plan`, cached), so that
    measuring many projects is a few integer operations each (`variance_on`).
    """

    as_of: date
    year: int
    share: tuple[int, int]  # planned share on as_of (numerator, denominator)
    planned_pct: Decimal
    time_progress_pct: Decimal
    last: Checkpoint | None  # latest checkpoint on or before as_of
    last_day: date | None
    last_share: tuple[int, int] | None
    next: Checkpoint | None  # first checkpoint after as_of
    next_day: date | None
    next_share: tuple[int, int] | None
    end_share: tuple[int, int]  # planned share on 31 December


def day_plan(plan: tuple[Checkpoint, ...], year: int, as_of: date) -> DayPlan:
    """A plan's `DayPlan` on `as_of` (checkpoints in any order; a bad month is a ValueError, as in plan_line).

    Cached per plan as written (core.plan.written): a DayPlan carries the plan's own checkpoints.
    """
    return _day_plan(plan, written(plan), year, as_of)


@lru_cache(maxsize=8192)
def _day_plan(plan: tuple[Checkpoint, ...], texts: tuple[str, ...], year: int, as_of: date) -> DayPlan:
    line = plan_line_of(plan, texts, year)
    share = line.share(as_of)
    last, nxt = line.last(as_of), line.next(as_of)
    last_day = checkpoint_date(year, last.month) if last is not None else None
    next_day = checkpoint_date(year, nxt.month) if nxt is not None else None
    return DayPlan(
        as_of=as_of,
        year=year,
        share=share,
        planned_pct=decimal_of(share[0] * 100, share[1], 2),
        time_progress_pct=_time_progress_pct(as_of, year),
        last=last,
        last_day=last_day,
        last_share=line.share(last_day) if last_day is not None else None,
        next=nxt,
        next_day=next_day,
        next_share=line.share(next_day) if next_day is not None else None,
        end_share=line.share(date(year, 12, 31)),
    )


def compute_variance(
    *,
    budget_fen: int,
    plan: Sequence[Checkpoint],
    actual_fen: int,
    as_of: date,
    year: int,
    rules: LightRules = LightRules(),
    budget_on: Callable[[date], int] | None = None,
    actual_at_checkpoint_fen: int | None = None,
    unit_forecast_fen: int | None = None,
) -> VarianceResult:
    """Spending variance of one project on `as_of` (DOMAIN.md §3); `actual_fen` is cumulative up to that date.

    The light is that of the ratio shown beside it: actual / the plan interpolated at `as_of`.
    The last checkpoint's own light needs what was paid by its date (`actual_at_checkpoint_fen`);
    on the checkpoint's date itself that is `actual_fen`. `unit_forecast_fen` is the unit's own
    全年预计执行数; without one the forecast is estimated from the plan's shape. `budget_on` gives the
    effective budget on a day (tracker/core/budget.py: adjustments count from their date); the plan
    at a day is that day's budget × the plan's share, and without it the budget is `budget_fen` all year.
    """
    at = budget_on or (lambda _day: budget_fen)
    day = day_plan(tuple(plan), year, as_of)  # the plan's anchors once, integer arithmetic from here on
    return variance_on(
        day,
        budget_fen=at(as_of),
        budget_at_last_fen=at(day.last_day) if day.last_day is not None else None,
        budget_at_next_fen=at(day.next_day) if day.next_day is not None else None,
        budget_at_end_fen=at(date(year, 12, 31)),
        actual_fen=actual_fen,
        rules=rules,
        actual_at_checkpoint_fen=actual_at_checkpoint_fen,
        unit_forecast_fen=unit_forecast_fen,
    )


def variance_on(
    day: DayPlan,
    *,
    budget_fen: int,
    budget_at_last_fen: int | None,
    budget_at_next_fen: int | None,
    budget_at_end_fen: int,
    actual_fen: int,
    rules: LightRules,
    actual_at_checkpoint_fen: int | None = None,
    unit_forecast_fen: int | None = None,
) -> VarianceResult:
    """`compute_variance` from a plan's `DayPlan` and the effective budget on the days it names.

    `budget_fen` is the budget on `day.as_of`; `budget_at_last_fen` and `budget_at_next_fen` on the last
    and next checkpoint's dates (None where there is none), `budget_at_end_fen` on 31 December.
    """
    as_of, year = day.as_of, day.year
    share, share_den = day.share
    planned = div_half_up(budget_fen * share, share_den)

    last = day.last
    planned_at_last: int | None = None
    light = checkpoint_light = None
    if last is not None and day.last_day is not None and day.last_share is not None:
        assert budget_at_last_fen is not None
        planned_at_last = div_half_up(budget_at_last_fen * day.last_share[0], day.last_share[1])
        light = spend_light(planned_fen=planned, actual_fen=actual_fen, rules=rules)
        if actual_at_checkpoint_fen is None and as_of == day.last_day:
            actual_at_checkpoint_fen = actual_fen
        if actual_at_checkpoint_fen is not None:
            checkpoint_light = spend_light(
                planned_fen=planned_at_last, actual_fen=actual_at_checkpoint_fen, rules=rules
            )
    else:
        actual_at_checkpoint_fen = None

    nxt = day.next
    planned_at_next = days_to_next = forecast_next = None
    early_warning = False
    if nxt is not None and day.next_day is not None and day.next_share is not None:
        assert budget_at_next_fen is not None
        next_day = day.next_day
        planned_at_next = div_half_up(budget_at_next_fen * day.next_share[0], day.next_share[1])
        days_to_next = (next_day - as_of).days
        forecast_next = _forecast_fen(
            actual_fen=actual_fen, budget_fen=budget_at_next_fen, as_of=as_of, year=year, target=next_day
        )
        if days_to_next <= rules.warn_days:
            # Nothing spent yet means nothing at the checkpoint at this pace.
            on_course = forecast_next if forecast_next is not None else max(actual_fen, 0)
            early_warning = spend_light(planned_fen=planned_at_next, actual_fen=on_course, rules=rules) != Light.GREEN

    return VarianceResult(
        as_of=as_of,
        budget_fen=budget_fen,
        planned_fen=planned,
        actual_fen=actual_fen,
        planned_pct=day.planned_pct,
        actual_pct=decimal_of(actual_fen * 100, budget_fen, 2) if budget_fen > 0 else None,
        time_progress_pct=day.time_progress_pct,
        ratio=_ratio(actual_fen, planned),
        last_checkpoint=last,
        planned_at_checkpoint_fen=planned_at_last,
        actual_at_checkpoint_fen=actual_at_checkpoint_fen,
        checkpoint_ratio=(
            _ratio(actual_at_checkpoint_fen, planned_at_last)
            if planned_at_last is not None and actual_at_checkpoint_fen is not None
            else None
        ),
        checkpoint_light=checkpoint_light,
        light=light,
        next_checkpoint=nxt,
        planned_at_next_fen=planned_at_next,
        days_to_next=days_to_next,
        forecast_at_next_fen=forecast_next,
        forecast_year_end_fen=(
            unit_forecast_fen
            if unit_forecast_fen is not None
            else _plan_shape_forecast_fen(
                actual_fen=actual_fen,
                budget_fen=budget_at_end_fen,
                today=day.share,
                end=day.end_share,
                as_of=as_of,
                year=year,
            )
        ),
        forecast_estimated=unit_forecast_fen is None,
        early_warning=early_warning,
    )
