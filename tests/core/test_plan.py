"""Spending plan rules, DOMAIN.md §3 (lines 65–69) and the plan shapes of line 25."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction as F

import pytest

from tracker.core.plan import (
    checkpoint_date,
    checkpoints_passed,
    last_checkpoint,
    next_checkpoint,
    planned_fen,
    planned_share,
    round_half_up,
    sorted_plan,
    time_progress,
    time_progress_by_day,
    to_pct,
)
from tracker.core.project import Checkpoint


def plan(*pairs: tuple[int, str]) -> list[Checkpoint]:
    return [Checkpoint(month=m, cumulative_pct=Decimal(p)) for m, p in pairs]


QUARTERLY = plan((3, "25"), (6, "50"), (10, "75"), (12, "100"))  # line 25: 25% 50% 75% 100%
ONLY_DEC = plan((12, "100"))  # line 25: blank/blank/blank/100
EARLY = plan((3, "50"), (6, "100"))  # line 25: 50/100/blank/blank
FLAT = plan((6, "50"), (10, "50"), (12, "100"))  # line 25: blank/50/50/100
SHORT = plan((3, "30"), (6, "60"))  # a plan that never reaches 100%
FULL_AT_10 = plan((10, "100"), (12, "100"))  # blank/blank/100/100


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2024, 2, date(2024, 2, 29)),  # leap year
        (2023, 2, date(2023, 2, 28)),
        (2024, 3, date(2024, 3, 31)),
        (2024, 6, date(2024, 6, 30)),
        (2024, 12, date(2024, 12, 31)),
    ],
)
def test_checkpoint_falls_on_the_last_day_of_its_month(year: int, month: int, expected: date) -> None:
    # DOMAIN.md line 25: checkpoints are written "3月底" (end of March)
    assert checkpoint_date(year, month) == expected


@pytest.mark.parametrize(
    ("checkpoints", "as_of", "year", "expected"),
    [
        # line 66: interpolate linearly from 0 at 1 January, before the first checkpoint
        (QUARTERLY, date(2024, 1, 1), 2024, F(0)),
        (QUARTERLY, date(2024, 2, 15), 2024, F(45, 90) * F(1, 4)),  # 2024 is leap: 1 Jan → 31 Mar is 90 days
        (QUARTERLY, date(2023, 2, 15), 2023, F(45, 89) * F(1, 4)),  # 2023: 89 days
        # line 65: at a checkpoint the plan is the cumulative %
        (QUARTERLY, date(2024, 3, 31), 2024, F(1, 4)),
        (QUARTERLY, date(2024, 6, 30), 2024, F(1, 2)),
        (QUARTERLY, date(2024, 10, 31), 2024, F(3, 4)),
        (QUARTERLY, date(2024, 12, 31), 2024, F(1)),
        # line 66: between checkpoints, linear by day (31 Mar → 30 Jun is 91 days)
        (QUARTERLY, date(2024, 5, 15), 2024, F(1, 4) + F(1, 4) * F(45, 91)),
        # after the last checkpoint the plan holds (also after the year)
        (QUARTERLY, date(2025, 1, 15), 2024, F(1)),
        # before the year nothing is planned
        (QUARTERLY, date(2023, 12, 31), 2024, F(0)),
        # line 25 blanks: only 12月底, so one straight line over the year
        (ONLY_DEC, date(2024, 7, 1), 2024, F(182, 365)),
        # line 25: 100% reached at 6月底 stays 100%
        (EARLY, date(2024, 6, 30), 2024, F(1)),
        (EARLY, date(2024, 8, 1), 2024, F(1)),
        (FULL_AT_10, date(2024, 11, 15), 2024, F(1)),
        # line 25 blank/50/50/100: first anchor at 6月底, flat from June to October
        (FLAT, date(2024, 3, 31), 2024, F(90, 181) * F(1, 2)),
        (FLAT, date(2024, 8, 15), 2024, F(1, 2)),
        (FLAT, date(2024, 10, 31), 2024, F(1, 2)),
        # a plan that never reaches 100% stays where it ends
        (SHORT, date(2024, 12, 31), 2024, F(3, 5)),
        # checkpoints given out of order are sorted
        (list(reversed(QUARTERLY)), date(2024, 5, 15), 2024, F(1, 4) + F(1, 4) * F(45, 91)),
    ],
)
def test_planned_share_interpolates_from_zero_on_1_january(
    checkpoints: list[Checkpoint], as_of: date, year: int, expected: F
) -> None:
    # DOMAIN.md lines 65–66
    assert planned_share(checkpoints, as_of, year=year) == expected


@pytest.mark.parametrize(
    ("budget_fen", "checkpoints", "as_of", "expected"),
    [
        (1_400_000_000, QUARTERLY, date(2024, 3, 31), 350_000_000),  # 1400万元 × 25%
        (1, plan((12, "50")), date(2024, 12, 31), 1),  # 0.5 fen rounds half up
        (3, plan((12, "50")), date(2024, 12, 31), 2),  # 1.5 fen rounds half up
        (1_000, ONLY_DEC, date(2024, 1, 2), 3),  # 1000 × 1/365 = 2.74 fen
        (0, QUARTERLY, date(2024, 6, 30), 0),  # zero budget plans nothing
        (1_000_000, plan((12, "83.33")), date(2024, 12, 31), 833_300),  # fractional percent
    ],
)
def test_planned_fen_is_budget_times_share_rounded_half_up(
    budget_fen: int, checkpoints: list[Checkpoint], as_of: date, expected: int
) -> None:
    # DOMAIN.md line 65: planned = budget × cumulative %
    assert planned_fen(budget_fen=budget_fen, plan=checkpoints, as_of=as_of, year=2024) == expected


@pytest.mark.parametrize(
    ("as_of", "year", "expected"),
    [
        (date(2024, 1, 1), 2024, F(0)),
        (date(2024, 1, 31), 2024, F(1, 12)),
        (date(2024, 2, 15), 2024, F(1, 12) + F(15, 29) * F(1, 12)),  # leap February has 29 days
        (date(2023, 2, 15), 2023, F(1, 12) + F(15, 28) * F(1, 12)),
        (date(2024, 6, 30), 2024, F(1, 2)),
        (date(2024, 12, 31), 2024, F(1)),
        (date(2023, 12, 31), 2024, F(0)),  # before the year
        (date(2025, 2, 1), 2024, F(1)),  # after the year
    ],
)
def test_time_progress_is_month_over_12_at_each_month_end(as_of: date, year: int, expected: F) -> None:
    # DOMAIN.md line 68: linear time progress (month/12)
    assert time_progress(as_of, year=year) == expected


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2024, 1, 1), F(0)),
        (date(2024, 7, 1), F(182, 365)),
        (date(2023, 7, 2), F(182, 364)),
        (date(2024, 12, 31), F(1)),
    ],
)
def test_time_progress_by_day_runs_from_1_january_to_31_december(as_of: date, expected: F) -> None:
    # DOMAIN.md line 68, by-day variant of the time baseline
    assert time_progress_by_day(as_of) == expected


@pytest.mark.parametrize(
    ("as_of", "passed", "last", "nxt"),
    [
        (date(2024, 3, 30), [], None, 3),
        (date(2024, 3, 31), [3], 3, 6),  # a checkpoint is passed on its own day
        (date(2024, 7, 1), [3, 6], 6, 10),
        (date(2024, 12, 31), [3, 6, 10, 12], 12, None),
    ],
)
def test_checkpoints_passed_and_next(as_of: date, passed: list[int], last: int | None, nxt: int | None) -> None:
    # DOMAIN.md line 70: the light is taken at a checkpoint; line 73: warning before the next one
    assert [cp.month for cp in checkpoints_passed(QUARTERLY, as_of)] == passed
    last_cp, next_cp = last_checkpoint(QUARTERLY, as_of), next_checkpoint(QUARTERLY, as_of)
    assert (last_cp.month if last_cp else None) == last
    assert (next_cp.month if next_cp else None) == nxt


@pytest.mark.parametrize("bad", [plan((13, "100")), plan((0, "10")), plan((6, "50"), (6, "60"))])
def test_plan_with_impossible_or_repeated_month_is_rejected(bad: list[Checkpoint]) -> None:
    # DOMAIN.md line 25: one cumulative % per month column
    with pytest.raises(ValueError):
        sorted_plan(bad)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(F(5, 2), 3), (F(-5, 2), -3), (F(7, 3), 2), (F(0), 0), (4, 4)],
)
def test_round_half_up_rounds_halves_away_from_zero(value: F | int, expected: int) -> None:
    assert round_half_up(value) == expected


@pytest.mark.parametrize(
    ("share", "expected"),
    [(F(1, 8), Decimal("12.50")), (F(2, 3), Decimal("66.67")), (F(0), Decimal("0.00")), (F(1), Decimal("100.00"))],
)
def test_to_pct_shows_percent_points_with_two_decimals(share: F, expected: Decimal) -> None:
    assert str(to_pct(share)) == str(expected)
