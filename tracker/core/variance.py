"""Variance against plan and target: spending lights, early warning, indicator lights (DOMAIN.md §3, §4).

Pure: standard library only. Money is integer fen; thresholds are compared exactly (a ratio of
0.79999 is yellow even though it shows as 0.8000); shown ratios have 4 decimals, percentages 2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import TypeVar

from tracker.core.money import FEN_PER_WAN
from tracker.core.plan import (
    checkpoint_date,
    last_checkpoint,
    next_checkpoint,
    planned_fen,
    planned_share,
    round_half_up,
    time_progress,
    to_decimal,
    to_pct,
)
from tracker.core.project import Accumulation, Checkpoint
from tracker.core.values import Comparator, Direction, Grade, Kind, TargetValue

V = TypeVar("V")


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"  # lagging
    RED = "red"  # lagging, escalates to the finance bureau


_SEVERITY = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}

# Qualitative actuals are one of three grades (DOMAIN.md §4, §5).
GRADE_LIGHTS: dict[Grade, Light] = {Grade.ACHIEVED: Light.GREEN, Grade.PARTIAL: Light.YELLOW, Grade.FAILED: Light.RED}


@dataclass(frozen=True, slots=True)
class LightRules:
    """Configurable light thresholds; defaults from DOMAIN.md §3/§4."""

    green: Decimal = Decimal("0.8")  # ratio ≥ green → green
    yellow: Decimal = Decimal("0.6")  # yellow ≤ ratio < green → yellow, below → red
    min_gap_fen: int = FEN_PER_WAN  # a spending gap smaller than this (1 万元) is green
    warn_days: int = 10  # early warning this many days before a checkpoint

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.yellow <= self.green:
            raise ValueError("须满足 0 ≤ 黄灯阈值 ≤ 绿灯阈值")
        if self.min_gap_fen < 0 or self.warn_days < 0:
            raise ValueError("最小差额和预警天数不能为负")


def ratio_light(ratio: Fraction, rules: LightRules) -> Light:
    """Green at or above the green threshold, yellow at or above the yellow one, else red."""
    if ratio >= Fraction(rules.green):
        return Light.GREEN
    if ratio >= Fraction(rules.yellow):
        return Light.YELLOW
    return Light.RED


def spend_light(*, planned_fen: int, actual_fen: int, rules: LightRules) -> Light:
    """Light of actual against planned spend; a gap under `min_gap_fen` or nothing planned is green."""
    if planned_fen - actual_fen < rules.min_gap_fen or planned_fen <= 0:
        return Light.GREEN
    return ratio_light(Fraction(actual_fen, planned_fen), rules)


def worst_light(lights: Iterable[Light | None]) -> Light | None:
    """The most severe light, ignoring None; None when there is none."""
    present = [light for light in lights if light is not None]
    return max(present, key=_SEVERITY.__getitem__) if present else None


def project_light(*, spend: Light | None, indicators: Iterable[Light | None]) -> Light | None:
    """Overall light of a project: the worst of its spending light and its indicator lights."""
    return worst_light([spend, *indicators])


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
    checkpoint_ratio: Decimal | None  # actual / planned at last_checkpoint; what the light is based on
    light: Light | None  # None before the first checkpoint
    next_checkpoint: Checkpoint | None
    planned_at_next_fen: int | None
    days_to_next: int | None
    forecast_at_next_fen: int | None  # at the year-to-date pace; None before any spend
    forecast_year_end_fen: int | None  # at the year-to-date pace; None before any spend
    early_warning: bool  # within warn_days of the next checkpoint and on course to miss it

    @property
    def lagging(self) -> bool:
        """Yellow and red are lagging (DOMAIN.md §3)."""
        return self.light in (Light.YELLOW, Light.RED)


def _ratio(numerator: int, denominator: int) -> Decimal | None:
    return to_decimal(Fraction(numerator, denominator), 4) if denominator > 0 else None


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
    forecast = round_half_up(Fraction(actual_fen * horizon, elapsed))
    return max(actual_fen, min(forecast, budget_fen))


def compute_variance(
    *,
    budget_fen: int,
    plan: Sequence[Checkpoint],
    actual_fen: int,
    as_of: date,
    year: int,
    rules: LightRules = LightRules(),
    budget_on: Callable[[date], int] | None = None,
) -> VarianceResult:
    """Spending variance of one project on `as_of`; `actual_fen` is cumulative up to that date.

    `budget_on` gives the effective budget on a day (tracker/core/budget.py: adjustments count from
    their date); the plan at a day is that day's budget × the plan's share, and without it the
    budget is `budget_fen` all year.
    """
    at = budget_on or (lambda _day: budget_fen)
    budget_now = at(as_of)
    planned = planned_fen(budget_fen=budget_now, plan=plan, as_of=as_of, year=year)

    last = last_checkpoint(plan, as_of, year=year)
    planned_at_last: int | None = None
    light: Light | None = None
    if last is not None:
        last_day = checkpoint_date(year, last.month)
        planned_at_last = planned_fen(budget_fen=at(last_day), plan=plan, as_of=last_day, year=year)
        light = spend_light(planned_fen=planned_at_last, actual_fen=actual_fen, rules=rules)

    nxt = next_checkpoint(plan, as_of, year=year)
    planned_at_next = days_to_next = forecast_next = None
    early_warning = False
    if nxt is not None:
        next_day = checkpoint_date(year, nxt.month)
        planned_at_next = planned_fen(budget_fen=at(next_day), plan=plan, as_of=next_day, year=year)
        days_to_next = (next_day - as_of).days
        forecast_next = _forecast_fen(
            actual_fen=actual_fen, budget_fen=at(next_day), as_of=as_of, year=year, target=next_day
        )
        if days_to_next <= rules.warn_days:
            # Nothing spent yet means nothing at the checkpoint at this pace.
            on_course = forecast_next if forecast_next is not None else max(actual_fen, 0)
            early_warning = spend_light(planned_fen=planned_at_next, actual_fen=on_course, rules=rules) != Light.GREEN

    return VarianceResult(
        as_of=as_of,
        budget_fen=budget_now,
        planned_fen=planned,
        actual_fen=actual_fen,
        planned_pct=to_pct(planned_share(plan, as_of, year=year)),
        actual_pct=to_pct(Fraction(actual_fen, budget_now)) if budget_now > 0 else None,
        time_progress_pct=to_pct(time_progress(as_of, year=year)),
        ratio=_ratio(actual_fen, planned),
        last_checkpoint=last,
        planned_at_checkpoint_fen=planned_at_last,
        checkpoint_ratio=_ratio(actual_fen, planned_at_last) if planned_at_last is not None else None,
        light=light,
        next_checkpoint=nxt,
        planned_at_next_fen=planned_at_next,
        days_to_next=days_to_next,
        forecast_at_next_fen=forecast_next,
        forecast_year_end_fen=_forecast_fen(
            actual_fen=actual_fen, budget_fen=at(date(year, 12, 31)), as_of=as_of, year=year, target=date(year, 12, 31)
        ),
        early_warning=early_warning,
    )


@dataclass(frozen=True, slots=True)
class IndicatorProgress:
    """Where one indicator stands: the actual used, its date, and its light."""

    actual: Decimal | None  # quantitative: in the target's unit as written (what parse_actual gives)
    grade: Grade | None  # qualitative
    reported_on: date | None
    ratio: Decimal | None  # actual / target for higher-is-better targets above 0, 4 decimals
    light: Light | None  # None when nothing is reported


def latest_reported(
    reported: Sequence[tuple[date, V]], *, accumulation: Accumulation, as_of: date | None = None
) -> tuple[date, V] | None:
    """The value that stands for the indicator on `as_of` (default: all reports), or None.

    Both modes take the latest report, because uploads carry year-to-date totals: for a cumulative
    indicator the latest value already is the total, for a level indicator the latest level stands.
    If uploads ever carry per-period increments, the cumulative branch is where they get summed.
    Of several reports on one date the last given wins.
    """
    usable = [r for r in reported if as_of is None or r[0] <= as_of]
    if not usable:
        return None
    if accumulation in (Accumulation.CUMULATIVE, Accumulation.LEVEL):
        return sorted(usable, key=lambda r: r[0])[-1]
    raise ValueError(f"未知的累计方式：{accumulation}")


def _lower_is_better(target: TargetValue) -> bool:
    if target.comparator is not None:
        return target.comparator in (Comparator.LE, Comparator.LT)
    return target.direction == Direction.DOWN


def indicator_progress(
    *,
    target: TargetValue,
    reported: Sequence[tuple[date, Decimal | Grade | str]],
    accumulation: Accumulation,
    as_of: date | None = None,
    rules: LightRules = LightRules(),
) -> IndicatorProgress:
    """Light of one indicator from its reports (DOMAIN.md §4); only rules.green/yellow apply here.

    Quantitative reports are Decimals in the target's written unit, compared with `target.value`
    (values.parse_actual converts 26000人 to 2.6 for a 2.5万人 target); qualitative ones are Grades.
    Higher-is-better (≥ > =): ratio = actual / target; a target of 0 or less is green when met.
    Lower-is-better (≤ <): green if actual ≤ target, else red (≤ for < too, as DOMAIN.md §4 says).
    """
    latest = latest_reported(reported, accumulation=accumulation, as_of=as_of)
    if latest is None:
        return IndicatorProgress(actual=None, grade=None, reported_on=None, ratio=None, light=None)
    day, value = latest

    if target.kind == Kind.QUALITATIVE:
        if not isinstance(value, str) or value not in set(Grade):
            raise ValueError(f"定性指标的完成值须为三档之一：{value!r}")
        grade = Grade(value)
        return IndicatorProgress(actual=None, grade=grade, reported_on=day, ratio=None, light=GRADE_LIGHTS[grade])

    if isinstance(value, str):
        raise ValueError(f"定量指标的完成值须为数值：{value!r}")
    actual = Decimal(value)
    goal = target.value
    ratio: Decimal | None = None
    if goal is None:
        light: Light | None = None
    elif _lower_is_better(target):
        light = Light.GREEN if actual <= goal else Light.RED
    elif goal <= 0:
        light = Light.GREEN if actual >= goal else Light.RED
    else:
        exact = Fraction(actual) / Fraction(goal)
        ratio = to_decimal(exact, 4)
        light = ratio_light(exact, rules)
    return IndicatorProgress(actual=actual, grade=None, reported_on=day, ratio=ratio, light=light)
