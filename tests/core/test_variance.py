"""Variance rules: spending lights and early warning (DOMAIN.md §3), indicator lights (§4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tracker.core.project import Accumulation, Checkpoint
from tracker.core.values import Comparator, Direction, Grade, Kind, TargetValue
from tracker.core.variance import (
    Light,
    LightRules,
    VarianceResult,
    compute_variance,
    indicator_progress,
    project_light,
    spend_light,
    worst_light,
)

G, Y, R = Light.GREEN, Light.YELLOW, Light.RED
WAN = 1_000_000  # fen per 万元
BUDGET = 1200 * WAN
QUARTERLY = [Checkpoint(m, Decimal(p)) for m, p in [(3, "25"), (6, "50"), (10, "75"), (12, "100")]]
RULES = LightRules()


def variance(
    actual_fen: int, as_of: date, *, plan: list[Checkpoint] = QUARTERLY, budget: int = BUDGET
) -> VarianceResult:
    return compute_variance(budget_fen=budget, plan=plan, actual_fen=actual_fen, as_of=as_of, year=2024, rules=RULES)


@pytest.mark.parametrize(
    ("planned", "actual", "expected"),
    [
        (100 * WAN, 80 * WAN, G),  # exactly 0.8 is green
        (100 * WAN, 80 * WAN - 1, Y),  # 0.79999999 is yellow, although it shows as 0.8000
        (100 * WAN, 60 * WAN, Y),  # exactly 0.6 is yellow
        (100 * WAN, 60 * WAN - 1, R),
        (100 * WAN, 0, R),
        (100 * WAN, 120 * WAN, G),  # ahead of plan
        (3 * WAN, 2 * WAN + 1, G),  # gap 0.999999万元 < 1万元: never yellow/red
        (3 * WAN, 2 * WAN, Y),  # gap exactly 1万元 counts: ratio 0.667
        (WAN - 1, 0, G),  # a plan under 1万元 with nothing spent is a tiny gap
        (0, 0, G),  # nothing planned, nothing due
    ],
)
def test_spend_light_thresholds_and_minimum_gap(planned: int, actual: int, expected: Light) -> None:
    # DOMAIN.md lines 70–71: green ≥ 0.8, yellow 0.6–0.8, red < 0.6; a 1万元 minimum keeps tiny gaps green
    assert spend_light(planned_fen=planned, actual_fen=actual, rules=RULES) == expected


@pytest.mark.parametrize(
    ("rules", "planned", "actual", "expected"),
    [
        (LightRules(green=Decimal("0.9"), yellow=Decimal("0.7")), 100 * WAN, 85 * WAN, Y),
        (LightRules(green=Decimal("0.9"), yellow=Decimal("0.7")), 100 * WAN, 69 * WAN, R),
        (LightRules(min_gap_fen=0), 100, 50, R),
        (LightRules(min_gap_fen=0), 0, 0, G),
    ],
)
def test_spend_light_thresholds_are_configurable(rules: LightRules, planned: int, actual: int, expected: Light) -> None:
    # DOMAIN.md line 70: "defaults, configurable"
    assert spend_light(planned_fen=planned, actual_fen=actual, rules=rules) == expected


def test_light_rules_reject_yellow_above_green() -> None:
    with pytest.raises(ValueError):
        LightRules(green=Decimal("0.6"), yellow=Decimal("0.8"))


@pytest.mark.parametrize(
    ("actual", "as_of", "plan", "last", "light", "checkpoint_ratio"),
    [
        # no checkpoint reached yet: no light (line 70: the light is taken at a checkpoint)
        (0, date(2024, 3, 30), QUARTERLY, None, None, None),
        (0, date(2024, 6, 30), [Checkpoint(12, Decimal(100))], None, None, None),
        # at the checkpoint day itself: planned 300万元
        (240 * WAN, date(2024, 3, 31), QUARTERLY, 3, G, Decimal("0.8000")),
        (180 * WAN, date(2024, 3, 31), QUARTERLY, 3, Y, Decimal("0.6000")),
        (179 * WAN, date(2024, 3, 31), QUARTERLY, 3, R, Decimal("0.5967")),
        # between checkpoints the light still compares with the last checkpoint passed
        (240 * WAN, date(2024, 5, 15), QUARTERLY, 3, G, Decimal("0.8000")),
        # flat plan blank/50/50/100 (line 25): on 31 Oct the checkpoint asks for 50% = 600万元
        (500 * WAN, date(2024, 10, 31), [Checkpoint(6, Decimal(50)), Checkpoint(10, Decimal(50))], 10, G, None),
        # 100% reached early (line 25: 50/100/blank/blank): December still measures against 100%
        (700 * WAN, date(2024, 12, 20), [Checkpoint(3, Decimal(50)), Checkpoint(6, Decimal(100))], 6, R, None),
    ],
)
def test_light_is_taken_at_the_latest_checkpoint_on_or_before_the_date(
    actual: int,
    as_of: date,
    plan: list[Checkpoint],
    last: int | None,
    light: Light | None,
    checkpoint_ratio: Decimal | None,
) -> None:
    # DOMAIN.md lines 65, 70–71
    result = variance(actual, as_of, plan=plan)
    assert (result.last_checkpoint.month if result.last_checkpoint else None) == last
    assert result.light == light
    if checkpoint_ratio is not None:
        assert result.checkpoint_ratio == checkpoint_ratio
    assert result.lagging == (light in (Y, R))  # line 72: yellow and red are lagging


def test_ratio_and_percentages_use_the_plan_interpolated_at_the_date() -> None:
    # DOMAIN.md lines 65–69: planned at the date, execution rate, time progress both shown
    result = variance(300 * WAN, date(2024, 2, 15))
    assert result.planned_fen == 150 * WAN  # 45 of 90 days towards 25% (2024 is a leap year)
    assert str(result.planned_pct) == "12.50"
    assert str(result.actual_pct) == "25.00"
    assert str(result.ratio) == "2.0000"
    assert str(result.time_progress_pct) == "12.64"  # (1 + 15/29) / 12
    assert result.light is None
    assert (result.next_checkpoint, result.planned_at_next_fen) == (QUARTERLY[0], 300 * WAN)


def test_leap_year_changes_the_planned_amount_between_checkpoints() -> None:
    # DOMAIN.md line 66: linear by day from 1 January (2023: 89 days to 31 Mar, 2024: 90)
    leap = compute_variance(budget_fen=BUDGET, plan=QUARTERLY, actual_fen=0, as_of=date(2024, 2, 15), year=2024)
    plain = compute_variance(budget_fen=BUDGET, plan=QUARTERLY, actual_fen=0, as_of=date(2023, 2, 15), year=2023)
    assert (leap.planned_fen, plain.planned_fen) == (150 * WAN, 151_685_393)  # 1200万 × 45/89 × 25%


def test_zero_budget_has_no_rate_and_is_never_lagging() -> None:
    # DOMAIN.md line 67: rate = disbursed / budget, undefined for a zero budget; line 71: tiny gaps
    result = variance(0, date(2024, 7, 1), budget=0)
    assert (result.planned_fen, result.actual_pct, result.ratio, result.checkpoint_ratio) == (0, None, None, None)
    assert result.light == G
    assert not result.early_warning
    assert result.forecast_year_end_fen is None


@pytest.mark.parametrize(
    ("actual", "as_of", "warning"),
    [
        # 20 Jun is 10 days before 30 Jun (planned 600万元, green needs 480万元 then);
        # pace: 171 days elapsed, 181 at the checkpoint
        (400 * WAN, date(2024, 6, 20), True),  # forecast 423.4万元: ratio 0.71
        (460 * WAN, date(2024, 6, 20), False),  # forecast 486.9万元: ratio 0.81
        (0, date(2024, 6, 20), True),  # nothing spent: nothing at the checkpoint
        (400 * WAN, date(2024, 6, 19), False),  # 11 days before: outside the window
        (400 * WAN, date(2024, 6, 29), True),  # 1 day before
        (400 * WAN, date(2024, 6, 30), False),  # on the checkpoint the light takes over
        (0, date(2024, 3, 25), True),  # before the first checkpoint too
    ],
)
def test_early_warning_within_n_days_when_on_course_to_miss_the_next_checkpoint(
    actual: int, as_of: date, warning: bool
) -> None:
    # DOMAIN.md lines 72–73: early warning N days (default 10) before the next checkpoint
    assert variance(actual, as_of).early_warning is warning


def test_early_warning_respects_the_minimum_gap() -> None:
    # DOMAIN.md line 71: a tiny gap never turns yellow or red, so it warns of nothing either
    plan = [Checkpoint(6, Decimal(50))]
    assert not variance(0, date(2024, 6, 25), plan=plan, budget=WAN).early_warning  # 0.5万元 due


@pytest.mark.parametrize(
    ("actual", "as_of", "forecast"),
    [
        (182 * WAN, date(2024, 7, 1), 365 * WAN),  # 182 days elapsed, 365 days to 31 Dec (leap year)
        (1000 * WAN, date(2024, 7, 1), BUDGET),  # capped at the budget
        (0, date(2024, 7, 1), None),  # no spend, no pace
        (10 * WAN, date(2024, 1, 1), None),  # no day elapsed yet
        (900 * WAN, date(2025, 1, 10), 900 * WAN),  # the year is over: the forecast is what was spent
    ],
)
def test_year_end_forecast_extrapolates_the_year_to_date_pace(actual: int, as_of: date, forecast: int | None) -> None:
    # DOMAIN.md line 73: "on course" is judged from the pace so far
    assert variance(actual, as_of).forecast_year_end_fen == forecast


def test_forecast_never_falls_below_what_is_already_spent() -> None:
    # over-spent against the budget: the forecast is the actual, not the budget
    assert variance(1300 * WAN, date(2024, 7, 1)).forecast_year_end_fen == 1300 * WAN


def target(
    comparator: Comparator | None, value: str, *, norm: str | None = None, direction: Direction = Direction.UP
) -> TargetValue:
    return TargetValue(
        text=f"{comparator}{value}",
        kind=Kind.QUANTITATIVE,
        comparator=comparator,
        value=Decimal(value),
        unit="万人" if norm else "人",
        norm_value=Decimal(norm) if norm else None,
        norm_unit="人",
        direction=direction,
    )


QUALITATIVE = TargetValue("效果明显", Kind.QUALITATIVE, None, None, None, None, None, Direction.UP)
D = date(2024, 6, 30)


@pytest.mark.parametrize(
    ("tv", "actual", "light", "ratio"),
    [
        # line 80: higher-is-better, progress = actual / target
        (target(Comparator.GE, "100"), "80", G, "0.8000"),
        (target(Comparator.GE, "100"), "79.99", Y, "0.7999"),
        (target(Comparator.GE, "100"), "60", Y, "0.6000"),
        (target(Comparator.GE, "100"), "59.99", R, "0.5999"),
        (target(Comparator.GE, "100"), "130", G, "1.3000"),
        (target(Comparator.GT, "100"), "70", Y, "0.7000"),
        (target(Comparator.EQ, "100"), "50", R, "0.5000"),  # line 59: = is scored like ≥
        (target(Comparator.GE, "2.5", norm="25000"), "2.6", G, "1.0400"),  # 2.5万人 vs 26000人 read as 2.6万人
        (target(Comparator.GE, "0"), "0", G, None),  # nothing to divide by: met is green
        # line 81: lower-is-better, green if actual ≤ target else red
        (target(Comparator.LE, "5"), "5", G, None),
        (target(Comparator.LE, "5"), "5.01", R, None),
        (target(Comparator.LT, "5"), "1", G, None),
        (target(Comparator.LT, "5"), "5", G, None),  # line 81 says ≤ for every lower-is-better target
        (target(Comparator.LT, "5"), "9", R, None),
        (target(None, "5", direction=Direction.DOWN), "6", R, None),  # direction from words
        # line 81: qualitative, the reported grade
        (QUALITATIVE, Grade.ACHIEVED, G, None),
        (QUALITATIVE, Grade.PARTIAL, Y, None),
        (QUALITATIVE, "未达成年度指标且效果较差", R, None),  # plain text of a grade works too
    ],
)
def test_indicator_light_in_every_direction(tv: TargetValue, actual: str, light: Light, ratio: str | None) -> None:
    # DOMAIN.md lines 80–81
    reported = [(D, actual if tv.kind == Kind.QUALITATIVE else Decimal(actual))]
    progress = indicator_progress(target=tv, reported=reported, accumulation=Accumulation.LEVEL, rules=RULES)
    assert progress.light == light
    assert (str(progress.ratio) if progress.ratio is not None else None) == ratio
    assert progress.reported_on == D
    assert progress.grade == (Grade(actual) if tv.kind == Kind.QUALITATIVE else None)


@pytest.mark.parametrize("accumulation", [Accumulation.CUMULATIVE, Accumulation.LEVEL])
@pytest.mark.parametrize(
    ("reported", "as_of", "actual"),
    [
        ([], None, None),  # no actual: no light
        ([(date(2024, 3, 31), "300"), (date(2024, 6, 30), "700")], None, "700"),  # latest, not 1000
        ([(date(2024, 6, 30), "700"), (date(2024, 3, 31), "300")], None, "700"),  # by date, not by order
        ([(date(2024, 3, 31), "300"), (date(2024, 6, 30), "700")], date(2024, 5, 1), "300"),  # as of a date
        ([(date(2024, 6, 30), "500"), (date(2024, 6, 30), "600")], None, "600"),  # same day: last given
    ],
)
def test_latest_report_stands_for_cumulative_and_level_indicators(
    accumulation: Accumulation, reported: list[tuple[date, str]], as_of: date | None, actual: str | None
) -> None:
    # DOMAIN.md lines 78–79: cumulative = latest is the year-to-date total; level = latest stands
    values: list[tuple[date, Decimal | str]] = [(d, Decimal(v)) for d, v in reported]
    progress = indicator_progress(
        target=target(Comparator.GE, "1000"), reported=values, accumulation=accumulation, as_of=as_of
    )
    assert progress.actual == (Decimal(actual) if actual else None)
    assert (progress.light is None) == (actual is None)


@pytest.mark.parametrize(
    ("tv", "value"),
    [(QUALITATIVE, "很好"), (QUALITATIVE, Decimal(1)), (target(Comparator.GE, "1"), "达成年度指标")],
)
def test_report_of_the_wrong_kind_is_rejected(tv: TargetValue, value: Decimal | str) -> None:
    # DOMAIN.md line 81 / §5: qualitative actuals are one of three grades
    with pytest.raises(ValueError):
        indicator_progress(target=tv, reported=[(D, value)], accumulation=Accumulation.LEVEL)


@pytest.mark.parametrize(
    ("spend", "indicators", "expected"),
    [
        (G, [G, Y], Y),
        (R, [G, G], R),
        (G, [None, R, Y], R),
        (None, [G, None], G),
        (None, [], None),
        (Y, [], Y),
    ],
)
def test_project_light_is_the_worst_of_spend_and_indicator_lights(
    spend: Light | None, indicators: list[Light | None], expected: Light | None
) -> None:
    # DOMAIN.md lines 70–74 and 80–81 combined: one lagging part makes the project lag
    assert project_light(spend=spend, indicators=indicators) == expected
    assert worst_light([spend, *indicators]) == expected
