"""The target review's checks of one indicator (DOMAIN.md §6): its levels, a value missing or qualitative, a cost
not written with ≤, a percent past 100%, and what its words mean (the budget restated, a doubtful ≤, a year
not of the table). review.py runs them on every applicable indicator."""

from __future__ import annotations

import re
from decimal import Decimal

from tracker.core.money import wan_str
from tracker.core.project import LEVEL1_LEVEL2, IndicatorData, ProjectData
from tracker.core.review_rules import Finding, ReviewRules, Rule, Severity
from tracker.core.units import is_percent, tidy
from tracker.core.value_parsing import written_comparator
from tracker.core.values import Comparator, Kind, TargetValue


def indicator_findings(ind: IndicatorData, rules: ReviewRules) -> list[Finding]:
    """One indicator's own findings: its levels, its value, a cost not written with ≤, a percent over 100%."""
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


def meaning_findings(project: ProjectData, ind: IndicatorData, rules: ReviewRules) -> list[Finding]:
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


def _at(ind: IndicatorData, rule: Rule, severity: Severity, message: str, suggestion: str = "") -> Finding:
    return Finding(rule, severity, ind.seq, message, suggestion)
