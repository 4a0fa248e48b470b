"""One 指标 row's cells read against its indicator: which indicator it names, the actual, 上年值, the
forecast, 完成目标可能性, the reason category and a graded score. Each problem goes to `bad` (column,
message); results.py puts the readings together into a ResultRow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from tracker import limits
from tracker.actuals.scoring_points import qualitative_bands
from tracker.core.grades import Grade, parse_actual, parse_grade
from tracker.core.likelihood import LIKELIHOODS, NEEDS_REASON
from tracker.core.units import convert
from tracker.core.value_parsing import parse_value
from tracker.core.values import Direction, Kind, TargetValue
from tracker.models import Indicator
from tracker.rules import Rules

Bad = Callable[[str, str], None]  # (column, message): one row message
CENT = Decimal("0.01")


def require(cells: dict[str, str], bad: Bad) -> None:
    for name in ("dept_code", "project_code", "as_of", "actual"):
        if not cells[name]:
            bad(name, "必填，不能为空")


def read_likelihood(cells: dict[str, str], bad: Bad) -> str | None:
    """完成目标可能性, one of the three; 有可能 and 完全不可能 need 偏差原因 and 改进措施 (DOMAIN.md §4)."""
    likelihood = cells["likelihood"] or None
    if likelihood and likelihood not in LIKELIHOODS:
        bad("likelihood", f"完成目标可能性应为 {'、'.join(LIKELIHOODS)} 之一")
    if likelihood in NEEDS_REASON:
        for name, label in (("reason", "偏差原因"), ("measures", "改进措施")):
            if not cells[name]:
                bad(name, f"完成目标可能性为“{likelihood}”时必须填写{label}")
    return likelihood


def read_category(cells: dict[str, str], categories: Sequence[str], bad: Bad) -> str | None:
    category = cells["reason_category"] or None
    if category and category not in categories:
        bad("reason_category", f"偏差原因类别应为 {'、'.join(categories)} 之一")
    return category


def read_forecast(text: str, target: TargetValue, bad: Bad) -> Decimal | None:
    """全年预计完成值 read like an actual, in the target's unit; a grade or words for a qualitative target stay text."""
    if not text or target.kind is Kind.QUALITATIVE:
        return None
    read = parse_actual(text, target)
    if read.error is not None or read.value is None:
        bad("forecast", f"全年预计完成值无法识别：{read.error or text}")
        return None
    return read.value


def read_actual(
    text: str, baseline_text: str, target: TargetValue, bad: Bad
) -> tuple[Decimal | None, Grade | None, Decimal | None]:
    """The actual (a number in the target's unit, or a grade) and last year's value, read against the target.

    A qualitative target with a direction takes a number only together with 上年值; both are then kept
    in the unit the actual is written in (the target has none), 上年值 converted to it.
    """
    relative = target.kind is Kind.QUALITATIVE and target.direction is not Direction.NONE
    baseline, baseline_unit = _read_baseline(baseline_text, target, relative, bad)
    actual = parse_actual(text, target)
    if actual.error is None:
        return actual.value, actual.grade, baseline
    grades = "、".join(Grade)
    number = _number(text) if relative else None
    if number is None:
        if target.kind is Kind.QUALITATIVE:
            numbers = "，或填写数值并同时填写上年值" if relative else ""
            bad("actual", f"定性指标应填写评价等级（{grades}）{numbers}，填写的是“{text}”")
        else:
            bad("actual", actual.error)
        return None, None, baseline
    if not baseline_text:
        bad(
            "actual", f"指标值“{target.text}”为定性指标：填写数值“{text}”时须同时填写上年值，或改填评价等级（{grades}）"
        )
        return None, None, None
    if baseline is None:  # 上年值 given but unreadable: already reported on its column
        return None, None, None
    value, unit = number
    converted = convert(baseline, baseline_unit, unit)
    if converted is None:
        bad("baseline", f"上年值无法识别：单位“{baseline_unit}”无法换算为实际完成值的单位“{unit}”")
        return None, None, None
    return value, None, converted


def _read_baseline(text: str, target: TargetValue, relative: bool, bad: Bad) -> tuple[Decimal | None, str | None]:
    """Last year's value and its unit (the target's, when it has one); (None, None) when blank or bad."""
    if not text:
        return None, None
    if parse_grade(text) is not None:
        bad("baseline", f"上年值无法识别：应填写上年的数值（如 1200人），评价等级“{text}”不是上年值")
        return None, None
    if target.kind is Kind.QUALITATIVE and not relative:
        bad("baseline", f"上年值无法识别：指标值“{target.text}”没有提高或降低的方向，不按上年值评分，请删去上年值")
        return None, None
    number = _number(text)
    if number is None:
        bad("baseline", f"上年值无法识别：“{text}”不是数值，应填写如 1200人、95%")
        return None, None
    if target.kind is Kind.QUALITATIVE:
        return number
    read = parse_actual(text, target)
    if read.value is None:
        bad("baseline", f"上年值无法识别：单位“{number[1]}”无法换算为指标单位“{target.unit}”")
        return None, None
    return read.value, target.unit


def beyond_limits(text: str) -> str | None:
    """Why a number written in the cell is beyond what is stored (tracker/limits.py), or None."""
    try:
        parse_value(text)
    except limits.OutOfRange as exc:
        return str(exc)
    return None


def _number(text: str) -> tuple[Decimal, str | None] | None:
    """A number with its unit as written (a comparator before it is ignored), or None."""
    read = parse_value(text)
    return (read.value, read.unit) if read.kind is Kind.QUANTITATIVE and read.value is not None else None


def find_indicator(cells: dict[str, str], candidates: list[Indicator], bad: Bad) -> Indicator | None:
    """By sequence number (checked against the name when both are given), else by a name unique in the project."""
    seq_text, name = cells.get("seq", ""), cells.get("indicator", "")
    if seq_text:
        try:  # digits only: int(Decimal("1e1200000")) would hold the worker for minutes
            seq = limits.bounded_int(seq_text, low=1, high=limits.MAX_SEQ, what="指标序号")
        except limits.OutOfRange as exc:
            bad("seq", str(exc))
            return None
        except ValueError:
            bad("seq", f"指标序号“{limits.shorten(seq_text)}”不是整数")
            return None
        found = next((i for i in candidates if i.seq == seq), None)
        if found is None:
            bad("seq", f"项目中没有第{seq}项指标")
            return None
        if name and "".join(name.split()) != "".join(found.level3.split()):
            bad("indicator", f"第{seq}项指标是“{found.level3}”，与填写的“{name}”不符")
            return None
        return found
    if not name:
        bad("seq", "请填写指标序号或三级指标")
        return None
    matches = [i for i in candidates if "".join(i.level3.split()) == "".join(name.split())]
    if not matches:
        bad("indicator", f"项目中没有名为“{name}”的指标")
        return None
    if len(matches) > 1:
        seqs = "、".join(str(i.seq) for i in matches)
        bad("indicator", f"指标“{name}”在项目中出现多次（第{seqs}项），请填写指标序号")
        return None
    return matches[0]


def read_score(
    cells: dict[str, str],
    points: Decimal,
    grade: Any,
    kind: Kind,
    value: Decimal | None,
    rules: Rules,
    bad: Bad,
) -> Decimal | None:
    """The score of a graded actual, inside its grade's band of the indicator's points."""
    text = cells.get("score", "")
    if not text:
        return None
    try:
        score = limits.bounded_decimal(text, int_digits=3, decimals=limits.PCT_DECIMALS, what="得分")
    except limits.OutOfRange:
        bad("score", f"得分“{limits.shorten(text)}”应为0–100、最多两位小数的数")
        return None
    except ValueError:
        bad("score", f"得分“{limits.shorten(text)}”不是数字")
        return None
    if score < 0 or score > limits.MAX_SCORE:
        bad("score", f"得分“{text}”应为0–100、最多两位小数的数")
        return None
    if grade is None:
        if kind is Kind.QUANTITATIVE and value is not None:
            bad("score", "定量指标按公式计分，不填写得分")
            return None
        if value is not None:
            bad("score", "实际完成值为数值时按与上年值的比较计分，不填写得分")
            return None
        bad("score", "填写得分时实际完成值应为评价等级")
        return None
    low, high = qualitative_bands(rules)[grade]
    inside = low * points <= score and (score < high * points or (high == 1 and score == points))
    if not inside:
        closing = "]" if high == 1 else ")"
        span = f"[{(low * points).quantize(CENT)}, {(high * points).quantize(CENT)}{closing}"
        bad("score", f"得分 {text} 不在“{grade.value}”的分值区间 {span} 内（该指标分值 {points}）")
        return None
    return score
