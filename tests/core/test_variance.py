"""Variance rules: spending lights and early warning (DOMAIN.md §3), indicator lights (§4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from tracker.core.grades import Grade
from tracker.core.lights import Light, LightRules, project_light, spend_light, worst_light
from tracker.core.plan import share_due
from tracker.core.progress import indicator_progress
from tracker.core.project import Accumulation, Checkpoint
from tracker.core.value_parsing import parse_value
from tracker.core.values import Comparator, Direction, Kind, TargetValue
from tracker.core.variance import VarianceResult, compute_variance

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


# DOMAIN.md §3: "light on any date: ratio = actual / planned, where planned is the plan interpolated
# at that date, the same ratio that is shown beside the light; green ≥ 0.8, yellow 0.6–0.8, red < 0.6."
@pytest.mark.parametrize(
    ("actual", "as_of", "plan", "last", "light", "ratio"),
    [
        # no checkpoint reached yet: no light (INTERFACE.md: light is null before the first checkpoint)
        (0, date(2024, 3, 30), QUARTERLY, None, None, "0.0000"),
        (0, date(2024, 6, 30), [Checkpoint(12, Decimal(100))], None, None, "0.0000"),
        # at the checkpoint day itself: planned 300万元
        (240 * WAN, date(2024, 3, 31), QUARTERLY, 3, G, "0.8000"),
        (180 * WAN, date(2024, 3, 31), QUARTERLY, 3, Y, "0.6000"),
        (179 * WAN, date(2024, 3, 31), QUARTERLY, 3, R, "0.5967"),
        # between checkpoints the plan of the day counts, not the last checkpoint's: on 15 May the plan
        # is 300 + 300 × 45/91 = 448.35万元, so 240万元 is red (the last checkpoint's 300 would say green)
        (240 * WAN, date(2024, 5, 15), QUARTERLY, 3, R, "0.5353"),
        (360 * WAN, date(2024, 5, 15), QUARTERLY, 3, G, "0.8029"),
        # issue 15: on 21 June 300万元 spent against a plan of 300 + 420 × 82/91 = 678.46万元 is red, not the
        # green of the 3月底 checkpoint's 300万元
        (300 * WAN, date(2024, 6, 21), [Checkpoint(3, Decimal(25)), Checkpoint(6, Decimal(60))], 3, R, "0.4422"),
        # flat plan blank/50/50/100 (§1): on 31 Oct the plan asks for 50% = 600万元
        (500 * WAN, date(2024, 10, 31), [Checkpoint(6, Decimal(50)), Checkpoint(10, Decimal(50))], 10, G, "0.8333"),
        # 100% reached early (§1: 50/100/blank/blank): December still measures against 100%
        (700 * WAN, date(2024, 12, 20), [Checkpoint(3, Decimal(50)), Checkpoint(6, Decimal(100))], 6, R, "0.5833"),
    ],
)
def test_light_is_the_light_of_the_ratio_shown_beside_it(
    actual: int, as_of: date, plan: list[Checkpoint], last: int | None, light: Light | None, ratio: str
) -> None:
    result = variance(actual, as_of, plan=plan)
    assert (result.last_checkpoint.month if result.last_checkpoint else None) == last
    assert str(result.ratio) == ratio
    assert result.light == light
    if light is not None:
        assert result.light == spend_light(planned_fen=result.planned_fen, actual_fen=actual, rules=RULES)
    assert result.lagging == (light in (Y, R))  # §3: yellow and red are "lagging"


# DOMAIN.md §3: "The alert after a checkpoint is decided on the checkpoint's own ratio (actual at the
# checkpoint date / plan at the checkpoint), so a payment made a week later does not erase the fact."
def test_checkpoint_light_is_decided_on_what_was_paid_by_the_checkpoint_date() -> None:
    late = compute_variance(
        budget_fen=BUDGET, plan=QUARTERLY, actual_fen=600 * WAN, as_of=date(2024, 7, 7), year=2024, rules=RULES,
        actual_at_checkpoint_fen=100 * WAN,
    )  # fmt: skip
    assert (late.checkpoint_ratio, late.checkpoint_light) == (Decimal("0.1667"), R)  # 100 of 600 by 30 June
    assert late.light == G  # today's light counts today's payments
    on_the_day = variance(400 * WAN, date(2024, 6, 30))
    assert (on_the_day.checkpoint_ratio, on_the_day.checkpoint_light) == (on_the_day.ratio, on_the_day.light)
    assert variance(400 * WAN, date(2024, 7, 7)).checkpoint_light is None  # not known without the checkpoint's pay


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


# DOMAIN.md §3: "year-end forecast (全年预计执行数): the unit's own forecast where it gave one (upload
# column), otherwise the plan's shape applied to the lag so far (actual × plan at 12月底 / plan today),
# marked （测算）; expected 结转结余 = effective budget − forecast."
@pytest.mark.parametrize(
    ("actual", "as_of", "plan", "forecast"),
    [
        (300 * WAN, date(2024, 6, 30), QUARTERLY, 600 * WAN),  # half the plan spent: half the budget
        (450 * WAN, date(2024, 10, 31), QUARTERLY, 600 * WAN),  # 450 × 100 / 75
        (500 * WAN, date(2024, 10, 31), [Checkpoint(6, Decimal(50)), Checkpoint(12, Decimal(100))], None),
        (1000 * WAN, date(2024, 6, 30), QUARTERLY, BUDGET),  # capped at the budget
        (0, date(2024, 7, 1), QUARTERLY, None),  # no spend, nothing to carry forward
        (10 * WAN, date(2024, 1, 1), QUARTERLY, None),  # nothing planned yet, no day elapsed either
        (900 * WAN, date(2025, 1, 10), QUARTERLY, 900 * WAN),  # the year is over: what was spent
    ],
)
def test_year_end_forecast_applies_the_plans_shape_to_the_lag(
    actual: int, as_of: date, plan: list[Checkpoint], forecast: int | None
) -> None:
    result = variance(actual, as_of, plan=plan)
    if forecast is None and actual > 0 and as_of.month == 10:
        # plan 50% at 6月 → 100% at 12月: on 31 Oct 50 + 50 × 123/184 percent is due
        forecast = round(Fraction(actual) * 100 / (50 + Fraction(50 * 123, 184)))
    assert result.forecast_year_end_fen == forecast
    assert result.forecast_estimated
    assert result.expected_balance_fen == (BUDGET - forecast if forecast is not None else None)


def test_the_units_own_forecast_comes_first_and_is_not_marked_estimated() -> None:
    result = compute_variance(
        budget_fen=BUDGET, plan=QUARTERLY, actual_fen=300 * WAN, as_of=date(2024, 6, 30), year=2024, rules=RULES,
        unit_forecast_fen=1100 * WAN,
    )  # fmt: skip
    assert (result.forecast_year_end_fen, result.forecast_estimated, result.expected_balance_fen) == (
        1100 * WAN, False, 100 * WAN,
    )  # fmt: skip


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
        (target(Comparator.EQ, "100"), "50", R, "0.5000"),  # §2: = is a standard, short of it
        (target(Comparator.EQ, "100"), "125", G, "0.8000"),  # over it: min / max
        (target(Comparator.EQ, "100"), "170", R, "0.5882"),  # far over a standard is red too
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
        # issue 9: the last given, not the largest — 2600 corrected to 2400 on the same day is 2400
        ([(date(2024, 6, 30), "2600"), (date(2024, 6, 30), "2400")], None, "2400"),
        ([(date(2024, 3, 31), "900"), (date(2024, 6, 30), "2600"), (date(2024, 6, 30), "2400")], None, "2400"),
        # a year boundary: a report of 31 December stands on 1 January, one of 2 January does not yet
        ([(date(2023, 12, 31), "800"), (date(2024, 1, 2), "50")], date(2024, 1, 1), "800"),
        ([(date(2023, 12, 31), "800"), (date(2024, 1, 2), "50")], date(2024, 1, 2), "50"),
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


# issue 9: spending across a year boundary. §3: "between checkpoints and before the first one, interpolate
# linearly from 0 at 1 January"; after 31 December the year's plan holds (jobs measure last year's
# December checkpoint in January).
@pytest.mark.parametrize(
    ("as_of", "planned", "last", "nxt", "light", "time"),
    [
        (date(2023, 12, 31), 0, None, 3, None, "0.00"),  # the day before the year: nothing planned yet
        (date(2024, 1, 1), 0, None, 3, None, "0.00"),
        (date(2024, 12, 31), BUDGET, 12, None, R, "100.00"),
        (date(2025, 1, 15), BUDGET, 12, None, R, "100.00"),  # the next January still measures 2024's plan
    ],
)
def test_spending_across_a_year_boundary(
    as_of: date, planned: int, last: int | None, nxt: int | None, light: Light | None, time: str
) -> None:
    result = variance(600 * WAN, as_of)
    assert result.planned_fen == planned
    assert (result.last_checkpoint.month if result.last_checkpoint else None) == last
    assert (result.next_checkpoint.month if result.next_checkpoint else None) == nxt
    assert result.light == light
    assert str(result.time_progress_pct) == time


PEOPLE = parse_value("≥2500人")
HALF_BY_JUNE = [Checkpoint(6, Decimal(50)), Checkpoint(12, Decimal(100))]


def on_plan(day: date) -> Fraction:
    return share_due(HALF_BY_JUNE, day, year=2024)


# DOMAIN.md §4: "a cumulative indicator is not expected to be complete in March: during the year its
# progress is actual / (target × the share of the year's plan that is due by that date), the project's
# own spending plan share, or time progress where the project has none; at year end it is actual /
# target. A cumulative count that has already met its annual target stays met."
@pytest.mark.parametrize(
    ("day", "actual", "share", "ratio", "light"),
    [
        (date(2024, 6, 30), "1300", "0.5000", "1.0400", G),  # 1300 / (2500 × 50%): on its share, not red
        (date(2024, 6, 30), "1000", "0.5000", "0.8000", G),
        (date(2024, 6, 30), "900", "0.5000", "0.7200", Y),
        (date(2024, 6, 30), "700", "0.5000", "0.5600", R),
        (date(2024, 3, 31), "325", "0.2486", "0.5229", R),  # 90 of 181 days towards 50%: 24.86% due
        (date(2024, 6, 30), "2600", "0.5000", "1.0400", G),  # met the annual target already: stays met
        (date(2024, 12, 31), "1300", "1.0000", "0.5200", R),  # at year end: actual / target
    ],
)
def test_cumulative_indicator_progress_is_measured_on_the_share_due(
    day: date, actual: str, share: str, ratio: str, light: Light
) -> None:
    p = indicator_progress(
        target=PEOPLE, reported=[(day, Decimal(actual))], accumulation=Accumulation.CUMULATIVE, share_due=on_plan
    )
    assert (str(p.due_share), str(p.ratio), p.light) == (share, ratio, light)
    assert p.met == (Decimal(actual) >= 2500)


def test_without_a_plan_the_share_due_is_time_progress() -> None:
    # §4: "or time progress where the project has none"
    assert share_due([], date(2024, 6, 30), year=2024) == Fraction(1, 2)
    assert share_due([], date(2024, 3, 31), year=2024) == Fraction(1, 4)
    assert share_due(HALF_BY_JUNE, date(2025, 2, 1), year=2024) == 1


def test_a_level_indicator_is_judged_on_its_latest_value_against_the_whole_target() -> None:
    # §4: "level (rates, satisfaction, cost per head…: the latest value stands)"
    p = indicator_progress(
        target=parse_value("≥95%"), reported=[(date(2024, 6, 30), Decimal(80))],
        accumulation=Accumulation.LEVEL, share_due=on_plan,
    )  # fmt: skip
    assert (p.due_share, str(p.ratio), p.light, p.forecast) == (None, "0.8421", G, Decimal(80))


# §4: "Forecast: the unit's own 全年预计完成值 where given; otherwise a level indicator keeps its latest
# value, and a cumulative one keeps its actual when already met, else projects it at the plan's shape,
# marked （测算）."
@pytest.mark.parametrize(
    ("accumulation", "actual", "unit_forecast", "forecast", "estimated"),
    [
        (Accumulation.CUMULATIVE, "1300", None, "2600", True),  # 1300 / 50%
        (Accumulation.CUMULATIVE, "2600", None, "2600", True),  # issue 15: was projected to 5228.57
        (Accumulation.CUMULATIVE, "1300", "2400", "2400", False),  # the unit's own first
        (Accumulation.LEVEL, "1300", None, "1300", True),
    ],
)
def test_indicator_forecast(
    accumulation: Accumulation, actual: str, unit_forecast: str | None, forecast: str, estimated: bool
) -> None:
    p = indicator_progress(
        target=PEOPLE, reported=[(date(2024, 6, 30), Decimal(actual))], accumulation=accumulation,
        share_due=on_plan, unit_forecast=Decimal(unit_forecast) if unit_forecast else None,
    )  # fmt: skip
    assert (p.forecast, p.forecast_estimated) == (Decimal(forecast), estimated)


@pytest.mark.parametrize(
    ("text", "actual", "light"),
    [
        ("0起", "0", G),
        ("0起", "2", R),  # a zero target is met only at 0
        ("10-20人", "15", G),
        ("10-20人", "25", G),  # above the range: 20/25 = 0.8, green
        ("10-20人", "26", Y),
        ("10-20人", "40", R),
        ("1000人左右", "1090", G),  # within the 10% tolerance
        ("1000元/亩", "1100", G),  # a standard missed by 10%: 1000/1100 = 0.91 ≥ 0.8
        ("1000元/亩", "1700", R),
    ],
)
def test_zero_range_and_standard_lights(text: str, actual: str, light: Light) -> None:
    tv = parse_value(text)
    p = indicator_progress(target=tv, reported=[(D, Decimal(actual))], accumulation=Accumulation.LEVEL)
    assert p.light == light
