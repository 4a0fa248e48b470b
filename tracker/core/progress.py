"""Indicator progress (DOMAIN.md §4): an indicator's light and 全年预计完成值 from its reports.

Pure: standard library only. Progress is compared with the light thresholds exactly; shown ratios have 4 decimals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

from tracker.core.goals import Aim, Goal, goal_of
from tracker.core.grades import Grade
from tracker.core.lights import GRADE_LIGHTS, Light, LightRules, ratio_light
from tracker.core.plan import to_decimal
from tracker.core.project import Accumulation
from tracker.core.values import Kind, TargetValue

V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class IndicatorProgress:
    """Where one indicator stands: the actual used, its date, its progress and light, and a forecast."""

    actual: Decimal | None  # quantitative: in the target's unit as written (what parse_actual gives)
    grade: Grade | None  # qualitative
    reported_on: date | None
    ratio: Decimal | None  # progress, 4 decimals: actual / (target × share due), or closeness to a standard
    light: Light | None  # None when nothing is reported
    due_share: Decimal | None = None  # cumulative: share of the target due by reported_on, 4 decimals
    met: bool = False  # the annual target is already met (a cumulative count that met it stays met)
    forecast: Decimal | None = None  # 全年预计完成值
    forecast_estimated: bool = False  # estimated here, not the unit's own (（测算）)


_NOTHING = IndicatorProgress(actual=None, grade=None, reported_on=None, ratio=None, light=None)


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


def _year_end(day: date) -> Fraction:
    return Fraction(1)


def indicator_progress(
    *,
    target: TargetValue,
    reported: Sequence[tuple[date, Decimal | Grade | str]],
    accumulation: Accumulation,
    as_of: date | None = None,
    rules: LightRules = LightRules(),
    goal: Goal | None = None,
    share_due: Callable[[date], Fraction] = _year_end,
    unit_forecast: Decimal | None = None,
) -> IndicatorProgress:
    """Light and forecast of one indicator from its reports (DOMAIN.md §4); only rules.green/yellow apply.

    Quantitative reports are Decimals in the target's written unit (grades.parse_actual converts
    26000人 to 2.6 for a 2.5万人 target); qualitative ones are Grades. `goal` (core.goals, default
    from the target alone) says what counts as met; `share_due(day)` is the share of the year's plan
    due by a day (plan.share_due), against which a cumulative indicator is measured on the day of
    its latest report: progress = actual / (target × share). A met target stays met (green).
    Level indicators: the latest value stands against the whole target. Lower-is-better: green if
    actual ≤ target, else red; a zero target is green only at 0. Forecast: the unit's own, else a
    level keeps its value, a met count keeps its actual, and an unmet count is projected at the
    plan's shape (actual / share), marked estimated.
    """
    latest = latest_reported(reported, accumulation=accumulation, as_of=as_of)
    if latest is None:
        return replace(_NOTHING, forecast=unit_forecast)
    day, value = latest

    if target.kind == Kind.QUALITATIVE:
        if not isinstance(value, str) or value not in set(Grade):
            raise ValueError(f"定性指标的完成值须为三档之一：{value!r}")
        grade = Grade(value)
        return IndicatorProgress(actual=None, grade=grade, reported_on=day, ratio=None, light=GRADE_LIGHTS[grade],
                                 met=grade is Grade.ACHIEVED, forecast=unit_forecast)  # fmt: skip

    if isinstance(value, str):
        raise ValueError(f"定量指标的完成值须为数值：{value!r}")
    actual = Decimal(value)
    if target.value is None:
        return IndicatorProgress(actual=actual, grade=None, reported_on=day, ratio=None, light=None,
                                 forecast=unit_forecast)  # fmt: skip
    goal = goal or goal_of(target)
    cumulative = accumulation is Accumulation.CUMULATIVE
    share = share_due(day) if cumulative else Fraction(1)
    met = goal.met(actual)
    ratio = _progress(goal, actual, share, met)
    if goal.aim in (Aim.AT_MOST, Aim.NONE):
        light = Light.GREEN if met else Light.RED
    else:
        light = Light.GREEN if met or ratio is None else ratio_light(ratio, rules)
    if unit_forecast is not None:
        forecast, estimated = unit_forecast, False
    elif cumulative and not met and 0 < share < 1 and goal.aim is not Aim.AT_MOST:
        forecast, estimated = _rounded(Fraction(actual) / share, 2), True
    else:
        forecast, estimated = actual, True
    return IndicatorProgress(
        actual=actual,
        grade=None,
        reported_on=day,
        ratio=to_decimal(ratio, 4) if ratio is not None else None,
        light=light,
        due_share=to_decimal(share, 4) if cumulative else None,
        met=met,
        forecast=forecast,
        forecast_estimated=estimated,
    )


def _progress(goal: Goal, actual: Decimal, share: Fraction, met: bool) -> Fraction | None:
    """Progress shown beside the light: actual / (low end × share due) while short of the low end,
    actual / target once a floor is met, and the closeness to a standard or a range otherwise."""
    if goal.aim in (Aim.AT_MOST, Aim.NONE):
        return None
    low = Fraction(goal.low) if goal.low is not None else Fraction(0)
    if low <= 0:
        return None
    if actual < low and not met:
        return Fraction(actual) / (low * share) if share > 0 else None
    if goal.aim is Aim.AT_LEAST:
        return Fraction(actual) / low
    return goal.closeness(actual)


def _rounded(value: Fraction, places: int) -> Decimal:
    """A forecast in the target's unit, rounded to `places`, without trailing zeros."""
    return to_decimal(value, places).normalize()
