"""Target review (绩效目标审核, DOMAIN.md §6): checks a program can run on one published table.

Pure: standard library only. Every check returns Findings with a stable rule code and one Chinese
sentence naming the indicator and its values; nothing here rejects a table, it only reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from tracker.core.money import wan_str
from tracker.core.project import LEVEL1_LEVEL2, IndicatorData, ProjectData
from tracker.core.units import is_percent, tidy
from tracker.core.values import Comparator, Kind, TargetValue, written_comparator


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Rule(StrEnum):
    INCOMPLETE_TABLE = "incomplete_table"
    MISSING_LEVEL1 = "missing_level1"
    UNKNOWN_LEVEL1 = "unknown_level1"
    LEVEL2_NOT_IN_LEVEL1 = "level2_not_in_level1"
    MISSING_VALUE = "missing_value"
    QUALITATIVE_COULD_BE_QUANTIFIED = "qualitative_could_be_quantified"
    COST_NOT_LE = "cost_not_le"
    PERCENT_OVER_100_GE = "percent_over_100_ge"
    RATE_OVER_100 = "rate_over_100"
    PLAN_FALLS = "plan_falls"
    PLAN_OVER_100 = "plan_over_100"
    PLAN_NOT_100_BY_DECEMBER = "plan_not_100_by_december"
    FUNDS_MISMATCH = "funds_mismatch"
    QUANTITY_COST_VS_BUDGET = "quantity_cost_vs_budget"
    DOUBTFUL_DIRECTION = "doubtful_direction"
    BUDGET_RESTATED = "budget_restated"
    YEAR_MISMATCH = "year_mismatch"
    COST_NOT_A_COST = "cost_not_a_cost"


@dataclass(frozen=True, slots=True)
class Finding:
    rule: Rule
    severity: Severity
    seq: int | None  # the indicator's sequence number; None for the table as a whole
    message: str
    suggestion: str = ""  # the correction a reviewer would ask for


@dataclass(frozen=True, slots=True)
class ReviewRules:
    """Thresholds and word lists of the review; defaults follow DOMAIN.md §6."""

    # quantity × unit cost against the budget: a 配套 project may pay only a share, so only a warning
    budget_ratio_low: Decimal = Decimal("0.5")
    budget_ratio_high: Decimal = Decimal(2)
    quantifiable_level2: tuple[str, ...] = ("数量指标", "质量指标", "时效指标", "成本指标")
    count_units: tuple[str, ...] = ("人", "人次", "户", "个", "名", "家", "所", "生", "位", "座", "套", "台", "辆")
    person_units: tuple[str, ...] = ("人", "人次", "生", "名", "位")  # a cost per 生 multiplies a count of 人
    per_unit_words: tuple[str, ...] = ("每", "人均", "户均", "生均", "单价")  # a plain 元 cost is per head
    growth_words: tuple[str, ...] = ("增长", "增幅", "增速")  # a growth rate may exceed 100%
    plan_final_month: int = 12
    # a 效益 or 数量 indicator written with ≤ or < is lower-is-better only if its words say so
    lower_words: tuple[str, ...] = ("降低", "减少", "控制", "下降", "压减", "压缩")
    budget_words: tuple[str, ...] = ("预算控制数", "预算数", "预算资金", "项目预算", "财政支持经费")


def review_project(*, project: ProjectData, rules: ReviewRules | None = None) -> list[Finding]:
    """Every finding of the target review on one table: table-level first, then by indicator.

    Each finding carries a suggested correction. Indicators marked 不适用 are not reviewed.
    """
    rules = rules or ReviewRules()
    findings = _table_findings(project)
    findings += _plan_findings(project, rules)
    for indicator in project.indicators:
        if indicator.applicable:
            findings += _indicator_findings(indicator, rules)
            findings += _meaning_findings(project, indicator, rules)
    findings += _quantity_cost_findings(project, rules)
    return [f if f.suggestion else _with_suggestion(f, project) for f in findings]


def _table_findings(project: ProjectData) -> list[Finding]:
    findings: list[Finding] = []
    if project.incomplete:
        findings.append(
            _table(
                Rule.INCOMPLETE_TABLE,
                Severity.WARNING,
                f"绩效目标表不完整（原表截断），仅有{len(project.indicators)}条指标",
            )
        )
    present = {i.level1 for i in project.indicators if i.applicable}
    for level1 in LEVEL1_LEVEL2:
        if level1 in present:
            continue
        if project.incomplete:  # the table was cut off: what is missing may stand in the lost part
            message = f"绩效目标表未见{level1}，原表截断，可能在缺失部分"
            findings.append(_table(Rule.MISSING_LEVEL1, Severity.INFO, message))
        else:
            findings.append(_table(Rule.MISSING_LEVEL1, Severity.ERROR, f"绩效目标表缺少{level1}"))
    funds = project.fiscal_fen + project.other_fen
    if funds != project.budget_fen:
        findings.append(
            _table(
                Rule.FUNDS_MISMATCH,
                Severity.WARNING,
                f"财政资金{wan_str(project.fiscal_fen)}万元 + 其他资金{wan_str(project.other_fen)}万元 = "
                f"{wan_str(funds)}万元，与预算数{wan_str(project.budget_fen)}万元不一致",
            )
        )
    return findings


def _plan_findings(project: ProjectData, rules: ReviewRules) -> list[Finding]:
    plan = sorted(project.plan, key=lambda c: c.month)
    if not plan:
        return [_table(Rule.PLAN_NOT_100_BY_DECEMBER, Severity.WARNING, "未填写资金支出计划")]
    findings: list[Finding] = []
    for before, after in pairwise(plan):
        if after.cumulative_pct < before.cumulative_pct:
            findings.append(
                _table(
                    Rule.PLAN_FALLS,
                    Severity.ERROR,
                    f"资金支出计划从{before.month}月底{_pct(before.cumulative_pct)}降至"
                    f"{after.month}月底{_pct(after.cumulative_pct)}，累计进度不应下降",
                )
            )
    for point in plan:
        if point.cumulative_pct > 100:
            findings.append(
                _table(
                    Rule.PLAN_OVER_100,
                    Severity.ERROR,
                    f"资金支出计划{point.month}月底为{_pct(point.cumulative_pct)}，超过100%",
                )
            )
    # reaching 100% before December is fine: the last checkpoint by then is what counts
    by_final = [c for c in plan if c.month <= rules.plan_final_month]
    final = by_final[-1].cumulative_pct if by_final else Decimal(0)
    if final < 100:
        findings.append(
            _table(
                Rule.PLAN_NOT_100_BY_DECEMBER,
                Severity.ERROR,
                f"资金支出计划到{rules.plan_final_month}月底累计为{_pct(final)}，未达到100%",
            )
        )
    return findings


def _indicator_findings(ind: IndicatorData, rules: ReviewRules) -> list[Finding]:
    findings: list[Finding] = []
    name = f"{ind.level2 or '指标'}“{ind.level3}”"
    if ind.level1 not in LEVEL1_LEVEL2:
        known = "、".join(LEVEL1_LEVEL2)
        findings.append(
            _at(ind, Rule.UNKNOWN_LEVEL1, Severity.ERROR, f"指标“{ind.level3}”的一级指标“{ind.level1}”不是{known}之一")
        )
    elif ind.level2 not in LEVEL1_LEVEL2[ind.level1]:
        findings.append(
            _at(ind, Rule.LEVEL2_NOT_IN_LEVEL1, Severity.ERROR,
                f"指标“{ind.level3}”的二级指标“{ind.level2}”不属于一级指标“{ind.level1}”")
        )  # fmt: skip
    target = ind.target
    if not target.text.strip():
        return [*findings, _at(ind, Rule.MISSING_VALUE, Severity.ERROR, f"{name}未填写指标值")]
    if target.kind is Kind.QUALITATIVE or target.value is None:
        if ind.level2 in rules.quantifiable_level2:
            findings.append(
                _at(ind, Rule.QUALITATIVE_COULD_BE_QUANTIFIED, Severity.WARNING,
                    f"{name}的指标值“{target.text}”为定性表述，应写成可衡量的数值")
            )  # fmt: skip
        return findings
    if ind.level2 == "成本指标" and is_percent(target.unit):
        message = f"成本指标“{ind.level3}”写作“{target.text}”，是比率而不是成本"
        findings.append(_at(ind, Rule.COST_NOT_A_COST, Severity.WARNING, message,
                            "成本指标应为单位成本或总成本（元、万元）；比率类指标移至质量指标或效益指标"))  # fmt: skip
    # a bare value in 成本 is a fixed policy standard (840元/生/年): a standard to hit, not a finding
    elif (
        ind.level2 == "成本指标"
        and target.comparator not in (Comparator.LE, Comparator.LT)
        and written_comparator(target.text) is not None
    ):
        severity = Severity.WARNING if target.comparator is Comparator.EQ else Severity.ERROR
        message = f"成本指标“{ind.level3}”写作“{target.text}”，成本指标应使用≤"
        findings.append(_at(ind, Rule.COST_NOT_LE, severity, message, f"改为“≤{_shown(target)}”"))
    if is_percent(target.unit) and not any(word in ind.level3 for word in rules.growth_words):
        findings += _percent_findings(ind, name)
    return findings


def _meaning_findings(project: ProjectData, ind: IndicatorData, rules: ReviewRules) -> list[Finding]:
    """The budget restated as an indicator, a doubtful ≤ direction, a year not of the table."""
    findings: list[Finding] = []
    target = ind.target
    words = ind.level3 + ind.description
    named = any(w in ind.level3 for w in rules.budget_words)
    equal = _money_fen(target) == project.budget_fen and project.budget_fen > 0
    lower = target.comparator in (Comparator.LE, Comparator.LT)
    scope = ind.level1 == "效益指标" or ind.level2 == "数量指标"
    doubtful = lower and scope and not named and not any(w in words for w in rules.lower_words)
    if named or (equal and not doubtful):
        why = f"名为“{ind.level3}”" if named else f"等于预算数{wan_str(project.budget_fen)}万元"
        message = f"{ind.level2 or '指标'}“{ind.level3}”（{target.text}）{why}，是在重述预算，不是绩效目标"
        suggestion = "删除该指标，或改为反映产出或效益的指标（如受益人数、收入增加额）；预算控制由预算执行率衡量"
        findings.append(_at(ind, Rule.BUDGET_RESTATED, Severity.WARNING, message, suggestion))
    if doubtful:
        same = f"，且等于预算数{wan_str(project.budget_fen)}万元" if equal else ""
        message = (f"{ind.level2}“{ind.level3}”写作“{target.text}”{same}，按反向指标（越低越好）计分，"
                   "但名称和描述没有“降低/减少/控制”的意思，方向存疑")  # fmt: skip
        suggestion = f"若越多越好，改为“≥{_shown(target)}”；若确为上限，在指标名称或描述中写明控制、降低或减少"
        findings.append(_at(ind, Rule.DOUBTFUL_DIRECTION, Severity.WARNING, message, suggestion))
    for year in sorted({int(y) for y in _YEAR.findall(words + target.text)}):
        if year not in (project.year, project.year - 1):
            message = f"{ind.level2 or '指标'}“{ind.level3}”写有{year}年，与本表年度{project.year}年不符"
            suggestion = f"改为{project.year}年（与上年比较时为{project.year - 1}年），或删除年份"
            findings.append(_at(ind, Rule.YEAR_MISMATCH, Severity.WARNING, message, suggestion))
    return findings


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=年)")


def _money_fen(target: TargetValue) -> int | None:
    """A target in 元 or 万元 in fen, else None."""
    if target.norm_unit != "元" or target.norm_value is None:
        return None
    return int(target.norm_value * 100)


def _shown(target: TargetValue) -> str:
    return f"{tidy(target.value)}{target.unit or ''}" if target.value is not None else target.text


_SUGGESTIONS = {
    Rule.INCOMPLETE_TABLE: "按原发布文件补齐该表后重新导入",
    Rule.MISSING_LEVEL1: "补充{level1}（如服务对象满意度≥90%）",
    Rule.UNKNOWN_LEVEL1: "一级指标改为产出指标、效益指标或满意度指标",
    Rule.LEVEL2_NOT_IN_LEVEL1: "二级指标改为所属一级指标下的名称",
    Rule.MISSING_VALUE: "补填指标值",
    Rule.QUALITATIVE_COULD_BE_QUANTIFIED: "写成可衡量的数值，如“≥95%”“≥2500人”“12月底前完成”",
    Rule.PERCENT_OVER_100_GE: "改为“=100%”，或降为可实现的“≥95%”",
    Rule.RATE_OVER_100: "核实指标值，比率不应超过100%",
    Rule.PLAN_FALLS: "累计支出进度应逐期不减，按累计口径重填",
    Rule.PLAN_OVER_100: "累计支出进度不应超过100%",
    Rule.PLAN_NOT_100_BY_DECEMBER: "12月底累计支出进度应为100%",
    Rule.FUNDS_MISMATCH: "核对预算数与财政资金、其他资金",
    Rule.QUANTITY_COST_VS_BUDGET: "核对数量指标、成本指标与预算数，三者应能相互印证",
}


def _with_suggestion(f: Finding, project: ProjectData) -> Finding:
    missing = next((name for name in LEVEL1_LEVEL2 if name in f.message), "")
    return replace(f, suggestion=_SUGGESTIONS.get(f.rule, "").format(level1=missing))


def _percent_findings(ind: IndicatorData, name: str) -> list[Finding]:
    target = ind.target
    value = target.value if target.value is not None else Decimal(0)
    written = f"{name}写作“{target.text}”"
    if target.comparator is Comparator.GE and value == 100:
        message = f"{written}，百分比不会超过100%，“≥100%”只能恰好达到，目标存疑"
        return [_at(ind, Rule.PERCENT_OVER_100_GE, Severity.WARNING, message)]
    if target.comparator in (Comparator.GE, Comparator.GT) and value >= 100:
        message = f"{written}，要求超过100%，目标无法实现"
        return [_at(ind, Rule.PERCENT_OVER_100_GE, Severity.ERROR, message)]
    if value > 100:
        return [_at(ind, Rule.RATE_OVER_100, Severity.ERROR, f"{written}，比率超过100%")]
    return []


@dataclass(frozen=True, slots=True)
class _Cost:
    indicator: IndicatorData
    written: Decimal  # the value as written, in the target's unit
    yuan_per_year: Decimal  # per unit of quantity
    per: str | None  # the count it is per (元/户/年 → 户), when the unit names one


def _quantity_cost_findings(project: ProjectData, rules: ReviewRules) -> list[Finding]:
    """Quantity × unit cost against the budget, each count paired with at most one cost."""
    counts = [
        i
        for i in project.indicators
        if i.level2 == "数量指标" and i.target.norm_value is not None and i.target.norm_unit in rules.count_units
    ]
    costs = [c for i in project.indicators if i.level2 == "成本指标" and (c := _unit_cost(i, rules))]
    if project.budget_fen <= 0:
        return []
    parts: list[str] = []
    total_yuan = Decimal(0)
    paired: list[_Cost] = []
    for cost in costs:
        count = _best_count(cost, counts, rules)
        if count is None:
            continue
        counts.remove(count)  # 2495 students split over 小学/初中 costs are not counted twice
        quantity = count.target.norm_value or Decimal(0)
        total_yuan += quantity * cost.yuan_per_year
        paired.append(cost)
        parts.append(
            f"数量指标“{count.level3}”{tidy(quantity)}{count.target.norm_unit} × "
            f"成本指标“{cost.indicator.level3}”{tidy(cost.written)}{cost.indicator.target.unit}"
        )
    if not paired:
        return []
    estimate_fen = int(total_yuan * 100)
    ratio = Decimal(estimate_fen) / project.budget_fen
    if rules.budget_ratio_low <= ratio <= rules.budget_ratio_high:
        return []
    times = ratio.quantize(Decimal("0.01")) if ratio >= Decimal("0.01") else "不足0.01"
    message = (
        f"{' + '.join(parts)} = {wan_str(estimate_fen)}万元，与预算数{wan_str(project.budget_fen)}万元"
        f"相差较大（{times}倍）"
    )
    seq = paired[0].indicator.seq if len(paired) == 1 else None
    return [Finding(Rule.QUANTITY_COST_VS_BUDGET, Severity.WARNING, seq, message)]


def _unit_cost(ind: IndicatorData, rules: ReviewRules) -> _Cost | None:
    """The cost per unit of quantity per year in 元, or None when the cost is a total or not money."""
    target = ind.target
    if target.norm_value is None or target.norm_unit is None or target.value is None:
        return None
    head, _, rest = target.norm_unit.partition("/")
    denominators = rest.split("/") if rest else []
    per = next((d for d in denominators if d not in ("年", "月")), None)
    if head != "元":
        return None
    if per is None and not any(word in ind.level3 + ind.description for word in rules.per_unit_words):
        return None  # 项目总支出 ≤10万元 is a total, not a cost per head
    yearly = target.norm_value * (12 if "月" in denominators else 1)
    return _Cost(ind, target.value, yearly, per)


def _best_count(cost: _Cost, counts: list[IndicatorData], rules: ReviewRules) -> IndicatorData | None:
    """The count a unit cost multiplies: one in the unit it is per (人 ~ 人次 ~ 生), most words shared."""
    if cost.per is None:
        candidates = counts
    elif cost.per in rules.person_units:
        candidates = [c for c in counts if c.target.norm_unit in rules.person_units]
    else:
        candidates = [c for c in counts if c.target.norm_unit == cost.per]
    words = set(cost.indicator.level3)
    return max(candidates, key=lambda c: len(words & set(c.level3)), default=None)


def _table(rule: Rule, severity: Severity, message: str) -> Finding:
    return Finding(rule, severity, None, message)


def _at(ind: IndicatorData, rule: Rule, severity: Severity, message: str, suggestion: str = "") -> Finding:
    return Finding(rule, severity, ind.seq, message, suggestion)


def _pct(value: Decimal) -> str:
    return f"{tidy(value)}%"
