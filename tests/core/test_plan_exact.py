"""The integer arithmetic of the spending rules gives exactly what the Fraction definitions give (DOMAIN.md §3).

`plan.plan_line` lays a plan out once in integers and `compute_variance` rounds with integer divisions;
these tests hold them to the exact rational definitions (linear interpolation from 0 on 1 January,
budget × share rounded half up, ratios with 4 decimals, thresholds compared exactly) for any plan.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.core.lights import LightRules, ratio_light, spend_light
from tracker.core.plan import (
    _interpolate,
    checkpoint_date,
    div_half_up,
    plan_line,
    round_half_up,
    share_due,
    time_progress,
    to_decimal,
)
from tracker.core.project import Checkpoint

pcts = st.decimals(min_value=0, max_value=100, places=2)
plans = st.dictionaries(st.integers(1, 12), pcts, max_size=12).map(
    lambda d: [Checkpoint(m, p) for m, p in sorted(d.items())]
)
days = st.integers(-5, 370).map(lambda n: date(2023, 12, 31) + timedelta(days=n))
fen = st.integers(-(10**12), 10**12)


def reference_share(plan: list[Checkpoint], day: date, year: int) -> Fraction:
    """The definition: linear by day between anchors, 0 on 1 January, the last value after the last anchor."""
    anchors = [(date(year, 1, 1), Fraction(0))]
    anchors += [(checkpoint_date(year, cp.month), Fraction(cp.cumulative_pct) / 100) for cp in plan]
    return _interpolate(anchors, day)


@settings(max_examples=300, deadline=None)
@given(plan=plans, day=days, budget=fen)
def test_plan_line_share_and_planned_fen_are_the_exact_interpolation(
    plan: list[Checkpoint], day: date, budget: int
) -> None:
    line = plan_line(tuple(plan), 2024)
    share = reference_share(plan, day, 2024)
    assert Fraction(*line.share(day)) == share
    assert line.planned_fen(budget, day) == round_half_up(budget * share)
    passed = [cp for cp in plan if checkpoint_date(2024, cp.month) <= day]
    assert line.last(day) == (passed[-1] if passed else None)
    assert line.next(day) == next((cp for cp in plan if checkpoint_date(2024, cp.month) > day), None)


def reference_round(value: Fraction) -> int:
    """The definition of round half up: the magnitude plus one half, floored, with the sign put back."""
    rounded = int(abs(value) + Fraction(1, 2))
    return rounded if value >= 0 else -rounded


@settings(max_examples=300, deadline=None)
@given(numerator=fen, denominator=st.integers(1, 10**12), places=st.sampled_from([0, 2, 4]))
def test_integer_rounding_is_round_half_up_of_the_exact_ratio(numerator: int, denominator: int, places: int) -> None:
    exact = Fraction(numerator, denominator)
    assert div_half_up(numerator, denominator) == round_half_up(exact) == reference_round(exact)
    shown = str(Decimal(reference_round(exact * 10**places)).scaleb(-places))
    assert str(Decimal(div_half_up(numerator * 10**places, denominator)).scaleb(-places)) == shown
    assert str(to_decimal(exact, places)) == shown


@settings(max_examples=300, deadline=None)
@given(planned=st.integers(1, 10**10), actual=st.integers(-(10**10), 10**10))
def test_spend_light_compares_the_exact_ratio_with_the_thresholds(planned: int, actual: int) -> None:
    rules = LightRules(green=Decimal("0.8"), yellow=Decimal("0.6"), min_gap_fen=0)
    # with no minimum gap, the light is that of the exact ratio (above 1 is green either way)
    exact = ratio_light(Fraction(actual, planned), rules)
    assert spend_light(planned_fen=planned, actual_fen=actual, rules=rules) == exact


@settings(max_examples=300, deadline=None)
@given(plan=plans, day=days)
def test_share_due_is_the_plans_share_over_its_year_end_share(plan: list[Checkpoint], day: date) -> None:
    """DOMAIN.md §4: the plan's share on the day over its share on 31 December, at most 1, 1 from 31 December;
    time progress where the plan never rises above 0."""
    final = reference_share(plan, date(2024, 12, 31), 2024)
    if day >= date(2024, 12, 31):
        expected = Fraction(1)
    elif final <= 0:
        expected = time_progress(day, year=2024)
    else:
        expected = min(reference_share(plan, day, 2024) / final, Fraction(1))
    assert share_due(plan, day, year=2024) == expected
