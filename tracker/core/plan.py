"""Spending plan (资金支出计划): checkpoints, planned cumulative spend and time progress (DOMAIN.md §3).

Pure: standard library only. Conventions used throughout:
- `Checkpoint.cumulative_pct` is in percent points (Decimal("25") means 25% of the budget).
- a checkpoint month M falls on the last day of M; it counts as passed on that day.
- time runs by calendar day from 1 January (value 0) to 31 December; planned spend and time
  progress are piecewise linear between anchors and hold their last value after the last anchor.
- shares are exact `Fraction`s; round only when showing (`to_pct`) or paying out fen (`round_half_up`).
"""

from __future__ import annotations

import calendar
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from math import lcm

from tracker.core.project import Checkpoint

_Anchor = tuple[date, Fraction]


@lru_cache(maxsize=512)  # a few years × 12 months: asked once per anchor of every plan laid out
def checkpoint_date(year: int, month: int) -> date:
    """The day a checkpoint month falls on: the last day of that month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def sorted_plan(plan: Iterable[Checkpoint]) -> list[Checkpoint]:
    """Checkpoints in month order; a month outside 1–12 or given twice is a ValueError."""
    ordered = sorted(plan, key=lambda cp: cp.month)
    months = [cp.month for cp in ordered]
    if any(not 1 <= m <= 12 for m in months):
        raise ValueError(f"支出计划月份须在1–12之间：{months}")
    if len(set(months)) != len(months):
        raise ValueError(f"支出计划月份重复：{months}")
    return ordered


def checkpoints_passed(plan: Iterable[Checkpoint], as_of: date, *, year: int | None = None) -> list[Checkpoint]:
    """Checkpoints whose date is on or before `as_of` (year defaults to as_of's year)."""
    y = as_of.year if year is None else year
    return [cp for cp in sorted_plan(plan) if checkpoint_date(y, cp.month) <= as_of]


def last_checkpoint(plan: Iterable[Checkpoint], as_of: date, *, year: int | None = None) -> Checkpoint | None:
    """The latest checkpoint on or before `as_of`, or None when none has been reached."""
    passed = checkpoints_passed(plan, as_of, year=year)
    return passed[-1] if passed else None


def next_checkpoint(plan: Iterable[Checkpoint], as_of: date, *, year: int | None = None) -> Checkpoint | None:
    """The first checkpoint strictly after `as_of`, or None when none is left."""
    y = as_of.year if year is None else year
    return next((cp for cp in sorted_plan(plan) if checkpoint_date(y, cp.month) > as_of), None)


def _interpolate(anchors: Sequence[_Anchor], as_of: date) -> Fraction:
    """Linear by day between anchors; 0 up to the first anchor's date, the last value after the last."""
    prev_day, prev_value = anchors[0]
    if as_of <= prev_day:
        return prev_value
    for day, value in anchors[1:]:
        if as_of <= day:
            elapsed = Fraction((as_of - prev_day).days, (day - prev_day).days)
            return prev_value + (value - prev_value) * elapsed
        prev_day, prev_value = day, value
    return prev_value


def div_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator (> 0) to the nearest integer, halves away from zero: round_half_up in integers."""
    rounded = (2 * abs(numerator) + denominator) // (2 * denominator)
    return rounded if numerator >= 0 else -rounded


def decimal_of(numerator: int, denominator: int, places: int) -> Decimal:
    """numerator / denominator (> 0) as a Decimal with `places` decimals, rounded half up (to_decimal in integers)."""
    return Decimal(div_half_up(numerator * 10**places, denominator)).scaleb(-places)


@dataclass(frozen=True, slots=True)
class PlanLine:
    """A plan laid out once for a year: anchor days as ordinals and cumulative percents as integers.

    The same exact piecewise-linear share as `planned_share`, computed in integers: the percent at
    anchor i is `pcts[i] / scale` percent points, so a share is a numerator over a denominator and
    every rounding is one integer division. Built once per (plan, year) by `plan_line`.
    """

    checkpoints: tuple[Checkpoint, ...]  # in month order
    days: tuple[int, ...]  # ordinals: 1 January, then each checkpoint's date
    pcts: tuple[int, ...]  # percent × scale at each anchor, 0 on 1 January
    scale: int

    def share(self, day: date) -> tuple[int, int]:
        """The planned share on `day` as (numerator, denominator > 0); 1 = 100%."""
        t, days, pcts = day.toordinal(), self.days, self.pcts
        i = bisect_left(days, t)
        if i == 0:
            return pcts[0], 100 * self.scale
        if i == len(days):
            return pcts[-1], 100 * self.scale
        span, p0 = days[i] - days[i - 1], pcts[i - 1]
        return p0 * span + (pcts[i] - p0) * (t - days[i - 1]), 100 * self.scale * span

    def planned_fen(self, budget_fen: int, day: date) -> int:
        """budget × share on `day`, rounded half up (the same as `planned_fen`)."""
        num, den = self.share(day)
        return div_half_up(budget_fen * num, den)

    def last(self, day: date) -> Checkpoint | None:
        """The latest checkpoint on or before `day` (the same as `last_checkpoint`)."""
        i = bisect_right(self.days, day.toordinal(), lo=1)
        return self.checkpoints[i - 2] if i > 1 else None

    def due(self, on: date) -> Fraction:
        """The share of the year's plan due by `on` (`share_due`): this plan's share on `on` over its share
        on 31 December, at most 1, and 1 from 31 December; linear time progress where the plan never rises
        above 0."""
        year = date.fromordinal(self.days[0]).year
        end = date(year, 12, 31)
        if on >= end:
            return Fraction(1)
        final, final_den = self.share(end)
        if final <= 0:
            return time_progress(on, year=year)
        now, now_den = self.share(on)
        return min(Fraction(now * final_den, now_den * final), Fraction(1))

    def next(self, day: date) -> Checkpoint | None:
        """The first checkpoint strictly after `day` (the same as `next_checkpoint`)."""
        i = bisect_right(self.days, day.toordinal(), lo=1)
        return self.checkpoints[i - 1] if i <= len(self.checkpoints) else None


def written(plan: tuple[Checkpoint, ...]) -> tuple[str, ...]:
    """Each checkpoint's percentage as written: part of every cache key that holds a plan's checkpoints.

    Decimal("25") == Decimal("25.00") and they hash alike, so a cache keyed on the checkpoints alone
    would hand a plan written 25.00 the checkpoint objects of one written 25, shown as 25.
    """
    return tuple(str(cp.cumulative_pct) for cp in plan)


def plan_line(plan: tuple[Checkpoint, ...], year: int) -> PlanLine:
    """A plan's `PlanLine` for a year; projects sharing a plan share one (the cache holds a few thousand).

    Plans equal but written with other decimals get their own (`written`): the line carries the checkpoints.
    """
    return plan_line_of(plan, written(plan), year)


@lru_cache(maxsize=4096)
def plan_line_of(plan: tuple[Checkpoint, ...], texts: tuple[str, ...], year: int) -> PlanLine:
    """`plan_line` where the caller already has `written(plan)` as `texts` (the cache key)."""
    ordered = tuple(sorted_plan(plan))
    exact = [_ratio_of(cp.cumulative_pct) for cp in ordered]  # (numerator, denominator) in lowest terms
    scale = lcm(1, *(den for _, den in exact))
    return PlanLine(
        checkpoints=ordered,
        days=(date(year, 1, 1).toordinal(), *(checkpoint_date(year, cp.month).toordinal() for cp in ordered)),
        pcts=(0, *(num * (scale // den) for num, den in exact)),
        scale=scale,
    )


def _ratio_of(pct: Decimal | int) -> tuple[int, int]:
    """A percentage as an exact (numerator, denominator) in lowest terms, as Fraction(pct) has them."""
    if isinstance(pct, Decimal):
        return pct.as_integer_ratio()  # C: much cheaper than building a Fraction from a Decimal
    exact = Fraction(pct)
    return exact.numerator, exact.denominator


def planned_share(plan: Iterable[Checkpoint], as_of: date, *, year: int | None = None) -> Fraction:
    """Exact planned cumulative share of the budget at `as_of` (1 = 100%)."""
    y = as_of.year if year is None else year
    return Fraction(*plan_line(tuple(plan), y).share(as_of))


def planned_fen(*, budget_fen: int, plan: Iterable[Checkpoint], as_of: date, year: int | None = None) -> int:
    """Planned cumulative spend at `as_of` in fen: budget × planned share, rounded half up."""
    y = as_of.year if year is None else year
    return plan_line(tuple(plan), y).planned_fen(budget_fen, as_of)


@lru_cache(maxsize=1024)  # the same few days for every project of a run
def time_progress(as_of: date, *, year: int | None = None) -> Fraction:
    """Linear time progress the province reports against: M/12 at the end of month M.

    Within a month it runs by day, so 31 January is 1/12, 15 February 2024 is 1/12 + 15/29 × 1/12,
    and 1 January is 0 (the same origin as the spending plan).
    """
    y = as_of.year if year is None else year
    anchors = [(date(y, 1, 1), Fraction(0))]
    anchors += [(checkpoint_date(y, m), Fraction(m, 12)) for m in range(1, 13)]
    return _interpolate(anchors, as_of)


def time_progress_by_day(as_of: date, *, year: int | None = None) -> Fraction:
    """Time progress by calendar day: 0 on 1 January, 1 on 31 December."""
    y = as_of.year if year is None else year
    return _interpolate([(date(y, 1, 1), Fraction(0)), (date(y, 12, 31), Fraction(1))], as_of)


def round_half_up(value: Fraction | int) -> int:
    """Nearest integer, halves away from zero (the usual 四舍五入), in integers: a Fraction's terms."""
    return div_half_up(value.numerator, value.denominator)


def to_decimal(value: Fraction, places: int) -> Decimal:
    """A Fraction as a Decimal with `places` decimals, rounded half up (one integer division, no Fraction made)."""
    return decimal_of(value.numerator, value.denominator, places)


def to_pct(share: Fraction, places: int = 2) -> Decimal:
    """A share (1 = 100%) in percent points with two decimals: Fraction(1, 4) → Decimal('25.00')."""
    return to_decimal(share * 100, places)


def share_due(plan: Sequence[Checkpoint], on: date, *, year: int) -> Fraction:
    """Share of the year's plan due by `on` (DOMAIN.md §4), 1 from 31 December.

    The project's own spending plan there over its plan at 31 December; linear time progress where
    the project has no plan (or one that never rises above 0). `PlanLine.due` of the plan laid out once.
    """
    return plan_line(tuple(plan), year).due(on)
