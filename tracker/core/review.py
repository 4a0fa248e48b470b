"""Target review (绩效目标审核, DOMAIN.md §6): checks a program can run on one published table.

Pure: standard library only. Every check returns Findings with a stable rule code and one Chinese
sentence naming the indicator and its values; nothing here rejects a table, it only reports.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import pairwise

from tracker.core.money import wan_str
from tracker.core.project import LEVEL1_LEVEL2, IndicatorData, ProjectData
from tracker.core.review_indicators import indicator_findings, meaning_findings
from tracker.core.review_rules import Finding, ReviewRules, Rule, Severity
from tracker.core.units import tidy


def review_project(*, project: ProjectData, rules: ReviewRules | None = None) -> list[Finding]:
    """Every finding of the target review on one table: table-level first, then by indicator.

    Each finding carries a suggested correction. Indicators marked 不适用 are not reviewed.
    """
    rules = rules or ReviewRules()
    findings = _table_findings(project)
    findings += _plan_findings(project, rules)
    for indicator in project.indicators:
        if indicator.applicable:
            findings += indicator_findings(indicator, rules)
            findings += meaning_findings(project, indicator, rules)
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


def _pct(value: Decimal) -> str:
    return f"{tidy(value)}%"
