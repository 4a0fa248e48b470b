"""Target review, DOMAIN.md §6 check by check: each rule fires on a case and stays quiet on a counter-case.

The base is table 1 of the Changli publication (残疾人生活补贴, 180.00 万元, plan 25/50/75/100), which
passes every check: 2500人 × 1152元 = 288 万元 is 1.6 × the budget, inside the default [0.5, 2].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal as D

import pytest

from tracker.core.project import Accumulation, Checkpoint, IndicatorData, ProjectData
from tracker.core.review import review_project
from tracker.core.review_rules import Finding, ReviewRules, Rule, Severity
from tracker.core.values import Comparator, Direction, Kind, TargetValue

GE, GT, EQ, LE, LT = Comparator.GE, Comparator.GT, Comparator.EQ, Comparator.LE, Comparator.LT
WAN = 1_000_000  # fen per 万元


def num(text: str, comparator: Comparator, value: str, unit: str, norm: tuple[str, str] | None = None) -> TargetValue:
    direction = Direction.DOWN if comparator in (LE, LT) else Direction.UP
    norm_value, norm_unit = (D(norm[0]), norm[1]) if norm else (D(value), unit)
    return TargetValue(text, Kind.QUANTITATIVE, comparator, D(value), unit, norm_value, norm_unit, direction)


def phrase(text: str, direction: Direction = Direction.NONE) -> TargetValue:
    return TargetValue(text, Kind.QUALITATIVE, None, None, None, None, None, direction)


def indicator(seq: int, l1: str, l2: str, l3: str, target: TargetValue, description: str = "") -> IndicatorData:
    return IndicatorData(seq, l1, l2, l3, description, target, "调查结果", Accumulation.LEVEL)


def base() -> ProjectData:
    rows = [
        ("产出指标", "数量指标", "困难残疾人受救助人数", num("≥2500人", GE, "2500", "人")),
        ("产出指标", "质量指标", "核查、评估精准率", num("≥95%", GE, "95", "%")),
        ("产出指标", "时效指标", "资金发放及时率", num("≥95%", GE, "95", "%")),
        ("产出指标", "成本指标", "残疾人生活补贴发放成本", num("≤1152元", LE, "1152", "元")),
        ("效益指标", "经济效益指标", "提高残疾人人员经济收入", phrase("进一步提高", Direction.UP)),
        ("效益指标", "社会效益指标", "提高享受补贴人员幸福度", phrase("较上年提高", Direction.UP)),
        ("效益指标", "可持续影响指标", "可持续影响年限", num("≥1年", GE, "1", "年")),
        ("满意度指标", "服务对象满意度指标", "受助对象满意率", num("≥95%", GE, "95", "%")),
    ]
    indicators = [indicator(seq, *row) for seq, row in enumerate(rows, start=1)]
    indicators[3] = replace(indicators[3], description="每人全年发放的残疾人生活补贴钱数")
    plan = [Checkpoint(3, D(25)), Checkpoint(6, D(50)), Checkpoint(10, D(75)), Checkpoint(12, D(100))]
    return ProjectData(
        2024, "314001", "昌黎县民政局本级", "13032224P00XC0610104L", "残疾人两项补贴县级配套（困难残疾人生活补贴）",
        budget_fen=180 * WAN, fiscal_fen=180 * WAN, other_fen=0, purpose="", plan=plan, indicators=indicators,
    )  # fmt: skip


Change = Callable[[ProjectData], None]


def target(seq: int, value: TargetValue) -> Change:
    def change(project: ProjectData) -> None:
        project.indicators[seq - 1] = replace(project.indicators[seq - 1], target=value)

    return change


def plan(*points: tuple[int, int]) -> Change:
    def change(project: ProjectData) -> None:
        project.plan = [Checkpoint(month, D(pct)) for month, pct in points]

    return change


def drop(level1: str) -> Change:
    def change(project: ProjectData) -> None:
        project.indicators = [i for i in project.indicators if i.level1 != level1]

    return change


def truncate(project: ProjectData) -> None:
    project.indicators = project.indicators[:5]  # like table 44: cut off after five rows
    project.incomplete = True


def setattr_(name: str, value: object, seq: int | None = None) -> Change:
    def change(project: ProjectData) -> None:
        if seq:  # an indicator is a frozen value: put a changed copy in its place
            project.indicators[seq - 1] = replace(project.indicators[seq - 1], **{name: value})
        else:
            setattr(project, name, value)

    return change


def two_counts_two_costs(project: ProjectData) -> None:
    """Table 11 (特困供养): 4000 农村 and 40 城镇, 8724 元 and 12192 元 a head, budget 1000 万元."""
    out, count, cost = "产出指标", "数量指标", "成本指标"
    project.indicators[0:4] = [
        indicator(1, out, count, "分散农村特困供养受救助人数", num("≥4000人", GE, "4000", "人")),
        indicator(2, out, count, "分散城镇特困供养受救助人数", num("≥40人", GE, "40", "人")),
        indicator(3, out, cost, "分散城镇特困供养补助发放成本", num("≤12192元", LE, "12192", "元"), "每人"),
        indicator(4, out, cost, "分散农村特困供养补助发放成本", num("≤8724元", LE, "8724", "元"), "每人"),
    ]
    project.budget_fen = project.fiscal_fen = 1000 * WAN


def add_cost(text: str, value: str, unit: str) -> Change:
    def change(project: ProjectData) -> None:
        cost = num(text, LE, value, unit)
        project.indicators.append(indicator(9, "产出指标", "成本指标", "残疾人护理补贴发放成本", cost, "每人全年"))

    return change


def findings(*changes: Change, rules: ReviewRules | None = None) -> list[Finding]:
    project = base()
    for change in changes:
        change(project)
    return review_project(project=project, rules=rules)


def test_the_base_table_passes_every_check() -> None:
    assert findings() == []


# Each case: (changes, rule, severity, seq, words of the message), the DOMAIN.md §6 check in the comment.
FIRES: list[tuple[list[Change], Rule, Severity, int | None, str]] = [
    # "missing 产出 or 效益 or 满意度 indicators"
    ([drop("满意度指标")], Rule.MISSING_LEVEL1, Severity.ERROR, None, "绩效目标表缺少满意度指标"),
    ([drop("产出指标")], Rule.MISSING_LEVEL1, Severity.ERROR, None, "绩效目标表缺少产出指标"),
    ([drop("效益指标")], Rule.MISSING_LEVEL1, Severity.ERROR, None, "绩效目标表缺少效益指标"),
    # a truncated table is reported as such; "Not findings: … the missing 满意度 of a table that was cut
    # off (say it may be cut off instead)"
    ([truncate], Rule.INCOMPLETE_TABLE, Severity.WARNING, None, "绩效目标表不完整（原表截断），仅有5条指标"),
    ([truncate], Rule.MISSING_LEVEL1, Severity.INFO, None, "未见满意度指标，原表截断，可能在缺失部分"),
    # "an indicator that could be quantified but is written as a phrase"
    ([target(2, phrase("进一步提高", Direction.UP))], Rule.QUALITATIVE_COULD_BE_QUANTIFIED, Severity.WARNING, 2,
     "质量指标“核查、评估精准率”的指标值“进一步提高”为定性表述"),
    ([target(3, phrase("12月底前完成"))], Rule.QUALITATIVE_COULD_BE_QUANTIFIED, Severity.WARNING, 3, "12月底前完成"),
    ([target(4, phrase(""))], Rule.MISSING_VALUE, Severity.ERROR, 4, "成本指标“残疾人生活补贴发放成本”未填写指标值"),
    # "a 成本指标 not written with ≤" (table 10 has ≥1万元)
    ([target(4, num("≥1万元", GE, "1", "万元", ("10000", "元")))], Rule.COST_NOT_LE, Severity.ERROR, 4,
     "成本指标“残疾人生活补贴发放成本”写作“≥1万元”，成本指标应使用≤"),
    ([target(4, num("=1152元", EQ, "1152", "元"))], Rule.COST_NOT_LE, Severity.WARNING, 4, "写作“=1152元”"),
    # "a 成本 indicator that is not a cost (a rate)" (table 23: 享受分红的比率 6%)
    ([target(4, num("6%", EQ, "6", "%"))], Rule.COST_NOT_A_COST, Severity.WARNING, 4, "是比率而不是成本"),
    # "a 效益 or 数量 indicator written with ≤ or < whose words do not say 降低/减少/控制" (table 19 ≤160000人)
    ([target(1, num("≤2500人", LE, "2500", "人"))], Rule.DOUBTFUL_DIRECTION, Severity.WARNING, 1, "方向存疑"),
    ([target(7, num("<3年", LT, "3", "年"))], Rule.DOUBTFUL_DIRECTION, Severity.WARNING, 7, "“<3年”"),
    # "the budget restated as an indicator (an indicator in 万元 equal to, or named as, the budget)"
    ([target(5, num("≤180万元", LE, "180", "万元", ("1800000", "元"))), setattr_("level3", "项目预算控制数", seq=5)],
     Rule.BUDGET_RESTATED, Severity.WARNING, 5, "名为“项目预算控制数”"),
    ([target(4, num("≤180万元", LE, "180", "万元", ("1800000", "元"))), setattr_("level3", "项目所需经费", seq=4)],
     Rule.BUDGET_RESTATED, Severity.WARNING, 4, "等于预算数180.00万元"),
    # "a year in an indicator other than the table's year or the year before" (table 28 names 2022)
    ([setattr_("description", "2022年举办活动次数", seq=1)], Rule.YEAR_MISMATCH, Severity.WARNING, 1, "写有2022年"),
    ([setattr_("level3", "2025年受救助人数", seq=1)], Rule.YEAR_MISMATCH, Severity.WARNING, 1, "与本表年度2024年不符"),
    # "a percentage target above 100% with ≥": ≥100% can only be met exactly (warning), beyond is impossible
    ([target(8, num("≥100%", GE, "100", "%"))], Rule.PERCENT_OVER_100_GE, Severity.WARNING, 8,
     "服务对象满意度指标“受助对象满意率”写作“≥100%”"),
    ([target(8, num("≥120%", GE, "120", "%"))], Rule.PERCENT_OVER_100_GE, Severity.ERROR, 8, "要求超过100%"),
    ([target(8, num(">100%", GT, "100", "%"))], Rule.PERCENT_OVER_100_GE, Severity.ERROR, 8, "要求超过100%"),
    # "a rate above 100%"
    ([target(2, num("120%", EQ, "120", "%"))], Rule.RATE_OVER_100, Severity.ERROR, 2, "写作“120%”，比率超过100%"),
    ([target(2, num("≤150%", LE, "150", "%"))], Rule.RATE_OVER_100, Severity.ERROR, 2, "比率超过100%"),
    # "a spending plan that falls, exceeds 100% or does not reach 100% by 12月底"
    ([plan((3, 25), (6, 50), (10, 40), (12, 100))], Rule.PLAN_FALLS, Severity.ERROR, None, "从6月底50%降至10月底40%"),
    ([plan((3, 25), (6, 50), (10, 100), (12, 110))], Rule.PLAN_OVER_100, Severity.ERROR, None, "12月底为110%"),
    ([plan((3, 20), (6, 50), (10, 80))], Rule.PLAN_NOT_100_BY_DECEMBER, Severity.ERROR, None, "到12月底累计为80%"),
    ([plan((3, 25), (6, 50), (10, 75), (12, 90))], Rule.PLAN_NOT_100_BY_DECEMBER, Severity.ERROR, None, "90%"),
    ([plan()], Rule.PLAN_NOT_100_BY_DECEMBER, Severity.WARNING, None, "未填写资金支出计划"),
    # "财政 + 其他 ≠ 预算数"
    ([setattr_("fiscal_fen", 170 * WAN)], Rule.FUNDS_MISMATCH, Severity.WARNING, None,
     "财政资金170.00万元 + 其他资金0.00万元 = 170.00万元，与预算数180.00万元不一致"),
    # "a 二级 that does not belong to its 一级"
    ([setattr_("level2", "数量指标", seq=5)], Rule.LEVEL2_NOT_IN_LEVEL1, Severity.ERROR, 5,
     "二级指标“数量指标”不属于一级指标“效益指标”"),
    ([setattr_("level1", "产出", seq=1)], Rule.UNKNOWN_LEVEL1, Severity.ERROR, 1, "一级指标“产出”"),
    # "quantity × unit cost far from the budget": 2500 × 1152 = 288 万元 vs 100 万元 → 2.88 × > 2
    ([setattr_("budget_fen", 100 * WAN), setattr_("fiscal_fen", 100 * WAN)], Rule.QUANTITY_COST_VS_BUDGET,
     Severity.WARNING, 4, "数量指标“困难残疾人受救助人数”2500人 × 成本指标“残疾人生活补贴发放成本”1152元 = "
     "288.00万元，与预算数100.00万元相差较大（2.88倍）"),
    # a monthly cost counts twelve times: 2500 × 240 × 12 = 720 万元 vs 180 → 4.00 ×
    ([target(4, num("≤240元/人*月", LE, "240", "元/人*月", ("240", "元/人/月")))], Rule.QUANTITY_COST_VS_BUDGET,
     Severity.WARNING, 4, "= 720.00万元"),
    # each cost is paired with the count it shares most words with, and the products are summed:
    # 4000 × 8724 + 40 × 12192 = 3489.60 + 48.77 = 3538.37 万元 vs 1000 → 3.54 ×
    ([two_counts_two_costs], Rule.QUANTITY_COST_VS_BUDGET, Severity.WARNING, None,
     "“分散城镇特困供养受救助人数”40人 × 成本指标“分散城镇特困供养补助发放成本”12192元 + 数量指标"
     "“分散农村特困供养受救助人数”4000人 × 成本指标“分散农村特困供养补助发放成本”8724元 = 3538.37万元"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "rule", "severity", "seq", "words"), FIRES)
def test_rule_fires(changes: list[Change], rule: Rule, severity: Severity, seq: int | None, words: str) -> None:
    hits = [f for f in findings(*changes) if f.rule is rule]
    assert [(f.severity, f.seq) for f in hits] == [(severity, seq)]
    assert words in hits[0].message


def test_quantity_cost_factor_is_configurable() -> None:
    # the base's 288 万元 against 180 万元 is 1.60 ×: quiet by default, a warning with a tighter band
    hits = findings(rules=ReviewRules(budget_ratio_high=D("1.5")))
    assert [(f.rule, f.severity) for f in hits] == [(Rule.QUANTITY_COST_VS_BUDGET, Severity.WARNING)]
    assert "（1.60倍）" in hits[0].message


# Each counter-case: (changes, rule that must stay quiet)
QUIET: list[tuple[list[Change], Rule]] = [
    # a 效益 phrase like 进一步提高 is allowed: only 数量/质量/时效/成本 must be quantified
    ([target(6, phrase("较上年提高", Direction.UP))], Rule.QUALITATIVE_COULD_BE_QUANTIFIED),
    ([target(4, num("<1152元", LT, "1152", "元"))], Rule.COST_NOT_LE),
    # "Not findings: a fixed policy standard written as a bare value in 成本 (840元/生/年)"
    ([target(4, num("840元/生/年", EQ, "840", "元/生/年"))], Rule.COST_NOT_LE),
    # a ≤ whose words say 控制 is a legitimate lower-is-better target (table 26 受害面积)
    ([target(1, num("≤10公顷", LE, "10", "公顷")), setattr_("description", "受害森林面积控制在10公顷以下", seq=1)],
     Rule.DOUBTFUL_DIRECTION),
    ([target(6, num("≤5%", LE, "5", "%")), setattr_("level3", "降低返贫率", seq=6)], Rule.DOUBTFUL_DIRECTION),
    # a ≤ in 质量 or 成本 is no doubtful direction
    ([target(2, num("≤5%", LE, "5", "%"))], Rule.DOUBTFUL_DIRECTION),
    # the budget named as the budget is one finding, not also a doubtful direction
    ([target(5, num("≤180万元", LE, "180", "万元", ("1800000", "元"))), setattr_("level3", "项目预算控制数", seq=5)],
     Rule.DOUBTFUL_DIRECTION),
    # money other than the budget is no restatement
    ([target(4, num("≤170万元", LE, "170", "万元", ("1700000", "元")))], Rule.BUDGET_RESTATED),
    # the table's year and the year before are fine (较2023年提高)
    ([setattr_("description", "2024年底前较2023年提高", seq=1)], Rule.YEAR_MISMATCH),
    ([target(8, num("=100%", EQ, "100", "%"))], Rule.PERCENT_OVER_100_GE),
    ([target(8, num("≥99%", GE, "99", "%"))], Rule.PERCENT_OVER_100_GE),
    ([target(2, num("≤100%", LE, "100", "%"))], Rule.RATE_OVER_100),
    # a growth rate may exceed 100%
    ([target(2, num("≥120%", GE, "120", "%")), setattr_("level3", "收入增长率", seq=2)], Rule.PERCENT_OVER_100_GE),
    ([target(2, num("150%", EQ, "150", "%")), setattr_("level3", "收入增长率", seq=2)], Rule.RATE_OVER_100),
    # flat is not falling (blank/50/50/100 in the publication)
    ([plan((6, 50), (10, 50), (12, 100))], Rule.PLAN_FALLS),
    ([plan((3, 25), (6, 50), (10, 75), (12, 100))], Rule.PLAN_OVER_100),
    # a plan whose last checkpoint is before December but reaches 100% is fine (30/50/100/blank, 50/100)
    ([plan((3, 30), (6, 50), (10, 100))], Rule.PLAN_NOT_100_BY_DECEMBER),
    ([plan((3, 50), (6, 100))], Rule.PLAN_NOT_100_BY_DECEMBER),
    ([setattr_("fiscal_fen", 150 * WAN), setattr_("other_fen", 30 * WAN)], Rule.FUNDS_MISMATCH),
    ([setattr_("level2", "社会效益指标", seq=5)], Rule.LEVEL2_NOT_IN_LEVEL1),
    # a total cost (全年项目总支出 ≤10万元) is not a cost per head: nothing to multiply
    ([target(4, num("≤10万元", LE, "10", "万元", ("100000", "元"))), setattr_("description", "项目总支出数", seq=4)],
     Rule.QUANTITY_COST_VS_BUDGET),
    # a cost per 亩 does not multiply a count of 人 (2500 × 10000 = 2500 万元 would be 13.9 ×)
    ([target(4, num("≤10000元/亩", LE, "10000", "元/亩"))], Rule.QUANTITY_COST_VS_BUDGET),
    # a count is used once: a second cost per head is not multiplied by the same 2500 people again
    # (2500 × (1152 + 1080) = 558 万元 would be 3.1 ×; 2500 × 1152 = 288 万元 is 1.6 ×)
    ([add_cost("≤1080元", "1080", "元")], Rule.QUANTITY_COST_VS_BUDGET),
    # 3538.37 万元 against a budget of 3600 万元 is 0.98 ×
    ([two_counts_two_costs, setattr_("budget_fen", 3600 * WAN)], Rule.QUANTITY_COST_VS_BUDGET),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "rule"), QUIET)
def test_rule_stays_quiet(changes: list[Change], rule: Rule) -> None:
    assert [f for f in findings(*changes) if f.rule is rule] == []


def test_every_finding_carries_a_suggested_correction() -> None:
    # DOMAIN.md §6: "Each finding has a severity, the table, the indicator and a suggested correction."
    every = [f for changes, *_ in FIRES for f in findings(*changes)]
    assert every and all(f.suggestion for f in every)
    [doubtful] = findings(target(1, num("≤2500人", LE, "2500", "人")))
    assert "改为“≥2500人”" in doubtful.suggestion


def test_rule_codes_are_stable() -> None:
    assert {r.value for r in Rule} >= {
        "missing_level1", "qualitative_could_be_quantified", "cost_not_le", "percent_over_100_ge",
        "rate_over_100", "plan_falls", "plan_over_100", "plan_not_100_by_december", "funds_mismatch",
        "quantity_cost_vs_budget", "level2_not_in_level1", "incomplete_table",
    }  # fmt: skip
