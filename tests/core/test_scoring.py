"""Year-end self-evaluation scoring, DOMAIN.md §5 line by line.

The base table is table 1 of the Changli publication (残疾人生活补贴): 4 产出, 3 效益, 1 满意度, so with
the default weights 执行率 10, 产出 50 / 4 = 12.5 each, 效益 30 / 3 = 10 each, 满意度 10.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from tracker.core.goals import TargetRules
from tracker.core.grades import Grade
from tracker.core.scoring import ProjectScore, score_project
from tracker.core.scoring_indicators import IndicatorActual, RowStatus, ScoringError
from tracker.core.scoring_rules import ScoringRules, ScoringRulesError
from tracker.core.value_parsing import parse_value
from tracker.core.values import Comparator, Direction, Kind, TargetValue

GE, GT, EQ, LE, LT = Comparator.GE, Comparator.GT, Comparator.EQ, Comparator.LE, Comparator.LT
BUDGET = 180_000_000  # 180.00 万元 in fen
RULES = ScoringRules()


def num(text: str, comparator: Comparator, value: str, unit: str) -> TargetValue:
    direction = Direction.DOWN if comparator in (LE, LT) else Direction.UP
    return TargetValue(text, Kind.QUANTITATIVE, comparator, D(value), unit, D(value), unit, direction)


def phrase(text: str, direction: Direction = Direction.NONE) -> TargetValue:
    return TargetValue(text, Kind.QUALITATIVE, None, None, None, None, None, direction)


def table() -> list[IndicatorActual]:
    """Table 1 with every target met exactly (a full score)."""
    rows = [
        ("产出指标", "数量指标", "困难残疾人受救助人数", num("≥2500人", GE, "2500", "人"), D(2500), None),
        ("产出指标", "质量指标", "核查、评估精准率", num("≥95%", GE, "95", "%"), D(95), None),
        ("产出指标", "时效指标", "资金发放及时率", num("≥95%", GE, "95", "%"), D(95), None),
        ("产出指标", "成本指标", "残疾人生活补贴发放成本", num("≤1152元", LE, "1152", "元"), D(1152), None),
        ("效益指标", "经济效益指标", "提高残疾人经济收入", phrase("进一步提高", Direction.UP), None, Grade.ACHIEVED),
        ("效益指标", "社会效益指标", "提高幸福度", phrase("较上年提高", Direction.UP), None, Grade.ACHIEVED),
        ("效益指标", "可持续影响指标", "可持续影响年限", num("≥1年", GE, "1", "年"), D(1), None),
        ("满意度指标", "服务对象满意度指标", "受助对象满意率", num("≥95%", GE, "95", "%"), D(96), None),
    ]  # fmt: skip
    return [
        IndicatorActual(seq, l1, l2, l3, target, actual_value=actual, grade=grade)
        for seq, (l1, l2, l3, target, actual, grade) in enumerate(rows, start=1)
    ]


def change(rows: list[IndicatorActual], seq: int, **fields: object) -> list[IndicatorActual]:
    return [replace(r, **fields) if r.seq == seq else r for r in rows]  # type: ignore[arg-type]


def score(rows: list[IndicatorActual], executed: int = BUDGET, rules: ScoringRules = RULES) -> ProjectScore:
    return score_project(budget_fen=BUDGET, executed_fen=executed, indicators=rows, rules=rules)


def row_score(rows: list[IndicatorActual], seq: int, rules: ScoringRules = RULES) -> D | None:
    return next(r.score for r in score(rows, rules=rules).rows if r.seq == seq)


# "执行率 = 全年执行数 / 全年预算数; score = min(rate, 1) × 10."
@pytest.mark.parametrize(
    ("executed", "rate", "points"),
    [
        (171_000_000, D("0.9500"), D("9.50")),  # 171 / 180 = 0.95 → 0.95 × 10 = 9.50
        (190_000_000, D("1.0556"), D("10.00")),  # 190 / 180 = 1.0556 → min(1.0556, 1) × 10 = 10.00
        (60_000_000, D("0.3333"), D("3.33")),  # 60 / 180 = 1/3 → 3.333 → 3.33
        (0, D("0.0000"), D("0.00")),  # nothing spent → 0
    ],
)
def test_execution_scores_min_of_rate_and_1_times_10(executed: int, rate: D, points: D) -> None:
    result = score(table(), executed)
    assert (result.execution_rate, result.execution_points, result.execution_score) == (rate, 10, points)


# "执行率 = 全年执行数 / 全年预算数": with no budget there is no rate, and that is an error, not 0
def test_zero_budget_cannot_be_scored() -> None:
    with pytest.raises(ScoringError, match="预算数"):
        score_project(budget_fen=0, executed_fen=0, indicators=table(), rules=RULES)


# "Inside a 一级 the points are split equally over its 三级 indicators unless the unit sets weights."
@pytest.mark.parametrize(
    ("rows", "points"),
    [
        # 产出 50 / 4 = 12.5, 效益 30 / 3 = 10, 满意度 10 / 1 = 10
        (table(), ["12.50"] * 4 + ["10.00"] * 4),
        # seq 4 不适用: 产出 50 / 3 = 16.666… cut to cents by largest remainder: 16.67 + 16.67 + 16.66 = 50
        (change(table(), 4, applicable=False), ["16.67", "16.67", "16.66", "0.00"] + ["10.00"] * 4),
        # weights 3 and 1 on 产出's first two, none on the others: unset counts as the mean 2;
        # 50 × 3/8 = 18.75, 50 × 1/8 = 6.25, 50 × 2/8 = 12.50 twice
        (
            change(change(table(), 1, weight=D(3)), 2, weight=D(1)),
            ["18.75", "6.25", "12.50", "12.50"] + ["10.00"] * 4,
        ),
        # weights 1, 1, 1, 0.2 → 50 × 1/3.2 = 15.625 thrice and 50 × 0.2/3.2 = 3.125; cut to cents
        # 15.62 × 3 + 3.12 = 49.98, the 2 cents left go to the first equal remainders:
        # 15.63 + 15.63 + 15.62 + 3.12 = 50.00
        (
            [replace(r, weight=D("0.2") if r.seq == 4 else D(1)) for r in table()],
            ["15.63", "15.63", "15.62", "3.12"] + ["10.00"] * 4,
        ),
    ],
)
def test_points_are_split_inside_a_level1(rows: list[IndicatorActual], points: list[str]) -> None:
    result = score(rows)
    assert [str(r.points) for r in result.rows] == points
    assert result.execution_points + sum(r.points for r in result.rows) == 100
    assert not result.rescaled


# "A 一级 with no indicator (or an indicator marked 不适用) drops out and the rest is rescaled to 100."
@pytest.mark.parametrize(
    "rows",
    [
        [r for r in table() if r.level1 != "满意度指标"],  # a truncated table without 满意度
        change(table(), 8, applicable=False),  # its only 满意度 indicator marked 不适用
    ],
)
def test_level1_without_applicable_indicator_drops_out_and_the_rest_is_rescaled(
    rows: list[IndicatorActual],
) -> None:
    result = score(rows)
    # 10 + 50 + 30 = 90 → ×100/90: 11.11, 55.56, 33.33 (the leftover cent to 产出's larger remainder)
    assert result.execution_points == D("11.11")
    assert [str(r.points) for r in result.rows[:7]] == ["13.89"] * 4 + ["11.11"] * 3  # 55.56 / 4, 33.33 / 3
    assert result.total == D("100.00") and result.grade == "优"
    assert result.rescaled and result.dropped == ["满意度指标"]


# "Weights: 预算执行率 10, 产出指标 50, 效益指标 30, 满意度指标 10": any other 一级 name is an error
def test_unknown_level1_is_reported_by_seq() -> None:
    with pytest.raises(ScoringError, match=r"第3项指标.*产出"):
        score(change(table(), 3, level1="产出"))


# "≥, >, = : full points if actual meets target, else points × actual / target."
# "≤, < : full points if actual meets target, else points × target / actual"
# "never more than the points; a negative actual counts as 0; scores rounded to 2 decimals."
@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        (num("≥2500人", GE, "2500", "人"), "2300", "11.50"),  # 12.5 × 2300/2500 = 11.50
        (num("≥2500人", GE, "2500", "人"), "2500", "12.50"),  # meets → full
        (num("≥2500人", GE, "2500", "人"), "2600", "12.50"),  # over → capped at the points
        (num(">2500人", GT, "2500", "人"), "2000", "10.00"),  # 12.5 × 2000/2500 = 10.00
        (num("418个", EQ, "418", "个"), "400", "11.96"),  # = in 数量指标 aims up: 12.5 × 400/418 = 11.961… → 11.96
        (num("418个", EQ, "418", "个"), "430", "12.50"),  # …so more than the count is no miss
        (num("≥100人", GE, "100", "人"), "1", "0.13"),  # 12.5 × 1/100 = 0.125 → ROUND_HALF_UP 0.13
        (num("≥95%", GE, "95", "%"), "-5", "0.00"),  # negative counts as 0 → 12.5 × 0/95 = 0
        (num("≥0人", GE, "0", "人"), "0", "12.50"),  # target 0 is met by 0, no division
        (num("≤1152元", LE, "1152", "元"), "1000", "12.50"),  # meets → full
        (num("≤1152元", LE, "1152", "元"), "1280", "11.25"),  # 12.5 × 1152/1280 = 11.25
        (num("<1152元", LT, "1152", "元"), "1440", "10.00"),  # 12.5 × 1152/1440 = 10.00
        (num("≤1152元", LE, "1152", "元"), "-10", "12.50"),  # negative counts as 0 → meets
        (num("≤0元", LE, "0", "元"), "0", "12.50"),  # meets a zero ceiling
        (num("≤0元", LE, "0", "元"), "5", "0.00"),  # misses a zero ceiling: 0, not a division by 0
    ],
)
def test_quantitative_formula(target: TargetValue, actual: str, expected: str) -> None:
    assert row_score(change(table(), 1, target=target, actual_value=D(actual)), 1) == D(expected)


# "a linear form, full at target falling to 0 at twice the target, is an option"
@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ("1000", "12.50"),  # meets ≤1152 → full
        ("1280", "11.11"),  # 12.5 × (2 − 1280/1152) = 12.5 × 0.8889 = 11.11
        ("1728", "6.25"),  # halfway to twice the target: 12.5 × (2 − 1.5) = 6.25
        ("2304", "0.00"),  # twice the target → 0
        ("3000", "0.00"),  # beyond twice → still 0, never negative
    ],
)
def test_lower_is_better_linear_option(actual: str, expected: str) -> None:
    rows = change(table(), 4, actual_value=D(actual))
    assert row_score(rows, 4, ScoringRules(lower_form="linear")) == D(expected)


# "qualitative: the actual is one of three grades ... without one use 100% / 70% / 30%."
# 效益 indicators are worth 10 points each.
@pytest.mark.parametrize(
    ("grade", "evaluator", "expected"),
    [
        (Grade.ACHIEVED, None, "10.00"),  # 10 × 100%
        (Grade.PARTIAL, None, "7.00"),  # 10 × 70%
        (Grade.FAILED, None, "3.00"),  # 10 × 30%
        (Grade.ACHIEVED, "8", "8.00"),  # 达成 band [8, 10]: low edge included
        (Grade.ACHIEVED, "10", "10.00"),  # high edge of the top band included
        (Grade.PARTIAL, "6", "6.00"),  # 部分达成 band [6, 8)
        (Grade.PARTIAL, "7.99", "7.99"),
        (Grade.FAILED, "0", "0.00"),  # 未达成 band [0, 6)
        (Grade.FAILED, "5.5", "5.50"),
    ],
)
def test_qualitative_scores_by_grade_band(grade: Grade, evaluator: str | None, expected: str) -> None:
    rows = change(table(), 5, grade=grade, evaluator_score=None if evaluator is None else D(evaluator))
    assert row_score(rows, 5) == D(expected)


# "the score lies in the grade's band of the points" — a score outside it is an error naming the row
@pytest.mark.parametrize(
    ("grade", "evaluator"),
    [
        (Grade.ACHIEVED, "7.99"),  # below [8, 10]
        (Grade.ACHIEVED, "10.01"),  # above the points
        (Grade.PARTIAL, "8"),  # [6, 8): 8 belongs to 达成
        (Grade.FAILED, "6"),  # [0, 6): 6 belongs to 部分达成
        (Grade.FAILED, "-1"),
    ],
)
def test_evaluator_score_outside_the_grade_band_is_an_error(grade: Grade, evaluator: str) -> None:
    with pytest.raises(ScoringError, match=r"第5项指标.*分值区间"):
        score(change(table(), 5, grade=grade, evaluator_score=D(evaluator)))


# "qualitative: the actual is one of three grades": a grade reported on a quantitative target scores the
# same way; a relative target (较上年提高) with last year's value is judged 达成 if it moved its way, else 未达成
@pytest.mark.parametrize(
    ("seq", "fields", "expected"),
    [
        # a quantitative target reported as a grade is scored like a qualitative one: 12.5 × 70% = 8.75
        (1, {"actual_value": None, "grade": Grade.PARTIAL}, "8.75"),
        # 较上年提高 with last year's value: 105 > 100 moves up → 达成 → 10 × 100%
        (6, {"grade": None, "actual_value": D(105), "baseline": D(100)}, "10.00"),
        # no move (100 vs 100) → 未达成 → 10 × 30%
        (6, {"grade": None, "actual_value": D(100), "baseline": D(100)}, "3.00"),
        # 较上年节约 points down: 90 < 100 → 达成
        (
            6,
            {"target": phrase("较上年节约", Direction.DOWN), "grade": None, "actual_value": D(90), "baseline": D(100)},
            "10.00",
        ),
    ],
)
def test_grade_reported_or_judged_from_baseline(seq: int, fields: dict[str, object], expected: str) -> None:
    assert row_score(change(table(), seq, **fields), seq) == D(expected)


# "the actual is one of three grades" for qualitative, a number for quantitative: anything else is an error
@pytest.mark.parametrize(
    ("seq", "fields", "message"),
    [
        (5, {"grade": None, "actual_value": D(3)}, "第5项指标.*评价等级"),  # a number, no grade, no baseline
        (1, {"grade": Grade.ACHIEVED}, "第1项指标.*按公式计分"),  # a number and a grade
        (5, {"grade": None, "evaluator_score": D(9)}, "第5项指标.*未填写评价等级"),  # a score, no grade
    ],
)
def test_ambiguous_actuals_are_errors(seq: int, fields: dict[str, object], message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        score(change(table(), seq, **fields))


# "an indicator with no actual is not scored and the table says so ("未填报"), it is never silently 0."
def test_unreported_indicator_is_not_scored_and_the_total_is_incomplete() -> None:
    result = score(change(change(table(), 2, actual_value=None), 5, grade=None))
    unreported = [r for r in result.rows if r.seq in (2, 5)]
    assert [(r.status, r.score, r.lost) for r in unreported] == [(RowStatus.UNREPORTED, None, False)] * 2
    # total over what was reported: 100 − 12.5 − 10 = 77.50, with no grade until complete
    assert (result.total, result.complete, result.unreported, result.grade) == (D("77.50"), False, [2, 5], None)


# "(or an indicator marked 不适用)": shown with 0 points and no score, its points go to the others
def test_not_applicable_indicator_is_shown_but_not_scored() -> None:
    result = score(change(table(), 4, applicable=False))
    row = result.rows[3]
    assert (row.status, row.points, row.score) == (RowStatus.NOT_APPLICABLE, D("0.00"), None)
    assert result.complete and result.total == D("100.00")


# "total = sum; grade 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60 (configurable)."
@pytest.mark.parametrize(
    ("total", "grade"),
    [("100", "优"), ("90.00", "优"), ("89.99", "良"), ("80.00", "良"), ("79.99", "中"), ("60.00", "中"),
     ("59.99", "差"), ("0", "差")],
)  # fmt: skip
def test_total_grade_bands(total: str, grade: str) -> None:
    assert RULES.total_grade(D(total)) == grade


def test_total_is_the_sum_of_rounded_rows_and_graded() -> None:
    # execution 171/180 → 9.50; seq 1 11.50; seq 4 (≤1152, 1280) 11.25; seq 5 部分达成 7.00; rest full:
    # 9.50 + 11.50 + 12.5 + 12.5 + 11.25 + 7.00 + 10 + 10 + 10 = 94.25 → 优
    rows = change(change(change(table(), 1, actual_value=D(2300)), 4, actual_value=D(1280)), 5, grade=Grade.PARTIAL)
    result = score(rows, 171_000_000)
    assert (result.total, result.grade, result.complete) == (D("94.25"), "优", True)
    # exactly 90: nothing executed loses the 10 execution points
    assert (score(table(), 0).total, score(table(), 0).grade) == (D("90.00"), "优")


# "every indicator that lost points needs 偏差原因分析及改进措施; the export flags the ones missing."
def test_rows_that_lost_points_without_a_reason_are_listed() -> None:
    rows = change(table(), 1, actual_value=D(2300))  # lost, no reason
    rows = change(rows, 4, actual_value=D(1280), reason="补贴标准上调，下年度调整目标")  # lost, explained
    rows = change(rows, 5, grade=Grade.PARTIAL, reason="  ")  # lost, blank reason
    result = score(rows)
    assert [r.seq for r in result.rows if r.lost] == [1, 4, 5]
    assert result.missing_reasons == [1, 5]
    assert result.rows[0].actual_text == "2300人" and result.rows[4].actual_text == Grade.PARTIAL.value


# "(total 100), configurable" and "(configurable)" grade bands: config errors name the key
def test_rules_from_mapping_reads_yaml_shapes() -> None:
    rules = ScoringRules.from_mapping(
        {
            "weights": {"execution": 20, "产出指标": 40, "效益指标": 30, "满意度指标": 10},
            "lower_is_better": "linear",
            "grade_bands": {"达成年度指标": [0.9, 1], "partial": [0.6, 0.9]},
            "grade_shares": {"achieved": 0.95},
            "total_grades": {"优秀": 85, "合格": 60, "不合格": 0},
        }
    )
    assert rules.weights["预算执行率"] == 20 and rules.lower_form == "linear"
    assert rules.grade_bands[Grade.ACHIEVED] == (D("0.9"), D(1)) and rules.grade_shares[Grade.ACHIEVED] == D("0.95")
    assert [rules.total_grade(D(t)) for t in ("85", "84.99", "59.99")] == ["优秀", "合格", "不合格"]
    assert ScoringRules.from_mapping({}) == ScoringRules()


@pytest.mark.parametrize(
    ("mapping", "key"),
    [
        ({"weight": {}}, "weight:"),  # misspelt section
        ({"weights": {"产出": 50}}, "weights.产出:"),  # not a 一级 name
        ({"weights": {"产出指标": "abc"}}, "weights.产出指标:"),  # not a number
        ({"weights": {"产出指标": 60}}, "weights:"),  # 10 + 60 + 30 + 10 = 110 ≠ 100
        ({"lower_is_better": "log"}, "lower_is_better:"),
        ({"grade_bands": {"achieved": [0.9, 0.8]}}, "grade_bands.achieved:"),  # low above high
        ({"grade_bands": {"good": [0.8, 1]}}, "grade_bands.good:"),  # unknown grade
        ({"grade_shares": {"partial": 0.9}}, "grade_shares.partial:"),  # outside [0.6, 0.8)
        ({"total_grades": {"优": 90, "良": 80}}, "total_grades:"),  # no grade reaches down to 0
    ],
)
def test_rules_from_mapping_names_the_wrong_key(mapping: dict[str, object], key: str) -> None:
    with pytest.raises(ScoringRulesError, match=key):
        ScoringRules.from_mapping(mapping)


# DOMAIN.md §2: "`=` is a standard to hit: a miss either way loses points (a cost standard `1000元/亩` met
# at 1100 is not full marks), except where the words or the 二级 give a direction. A target of zero
# (`0起`, …) means "none": met only at 0. Ranges are met inside the range; approximate values are read
# as `=` with a tolerance (configurable, default 10%)."
# DOMAIN.md §5: "= : full points within the tolerance, else points × min(actual, target) / max(actual,
# target); a zero target scores full at 0 and nothing above it; a range scores full inside it, and
# outside by the ratio to the nearer end."  Row 4 is a 成本指标 worth 12.5 points.
@pytest.mark.parametrize(
    ("text", "actual", "expected"),
    [
        ("1000元/亩", "1000", "12.50"),
        ("1000元/亩", "1100", "11.36"),  # 12.5 × 1000/1100 = 11.363… (issue 15: was full marks)
        ("1000元/亩", "900", "11.25"),  # 12.5 × 900/1000
        ("=1000元/亩", "1100", "11.36"),
        ("1000元/亩左右", "1100", "12.50"),  # within 10%
        ("1000元/亩左右", "1101", "11.35"),  # outside: 12.5 × 1000/1101 = 11.353…
        ("约1000元/亩", "900", "12.50"),
        ("0起", "0", "12.50"),
        ("0起", "2", "0.00"),  # issue 15: 2 incidents scored full marks
        ("无重大安全事故", "1", "0.00"),
        ("零投诉", "0", "12.50"),
        ("10-20元", "15", "12.50"),
        ("10-20元", "10", "12.50"),
        ("10-20元", "20", "12.50"),
        ("10-20元", "8", "10.00"),  # 12.5 × 8/10: the nearer end is 10
        ("10-20元", "25", "10.00"),  # 12.5 × 20/25: the nearer end is 20
        ("20%-30%", "33", "11.36"),  # 12.5 × 30/33 = 11.363…
    ],
)
def test_standard_zero_range_and_approximate_targets(text: str, actual: str, expected: str) -> None:
    rows = change(table(), 4, target=parse_value(text), actual_value=D(actual))
    assert row_score(rows, 4) == D(expected)


@pytest.mark.parametrize(
    ("level2", "level3", "actual", "expected"),
    [
        ("成本指标", "亩均补助标准", "1100", "11.36"),  # a standard: over it loses
        ("成本指标", "亩均成本控制", "900", "12.50"),  # the words say 控制: lower is better
        ("成本指标", "降低亩均成本", "1100", "11.36"),  # 降低: 12.5 × 1000/1100
        ("成本指标", "提高补助标准", "1100", "12.50"),  # 提高: more is fine
        ("数量指标", "补助面积", "1100", "12.50"),  # 数量指标 gives the direction up (config)
        ("质量指标", "补助标准", "900", "11.25"),  # 质量指标 up too: 12.5 × 900/1000
    ],
)
def test_words_or_the_level2_give_an_equal_target_a_direction(
    level2: str, level3: str, actual: str, expected: str
) -> None:
    rows = change(table(), 4, level2=level2, level3=level3, target=parse_value("1000元/亩"), actual_value=D(actual))
    assert row_score(rows, 4) == D(expected)


def test_tolerance_and_level2_directions_are_configurable() -> None:
    rules = replace(RULES, targets=TargetRules(tolerance=D("0.2"), level2_directions={}))
    rows = change(table(), 4, target=parse_value("1000元/亩左右"), actual_value=D(1150))
    assert row_score(rows, 4, rules) == D("12.50")  # within 20%
    rows = change(table(), 1, target=parse_value("418个"), actual_value=D(430))
    assert row_score(rows, 1, rules) == D("12.15")  # 数量指标 no longer aims up: 12.5 × 418/430
