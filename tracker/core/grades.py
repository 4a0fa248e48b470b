"""A reported actual (实际值) read against its target: one of the three grades of a qualitative indicator
(DOMAIN.md §5), or a number converted to the target's unit.

Pure: standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from tracker.core.units import convert
from tracker.core.value_parsing import compacted, parse_value
from tracker.core.values import Kind, TargetValue
from tracker.limits import OutOfRange

__all__ = [
    "Actual",
    "Grade",
    "parse_actual",
    "parse_grade",
]


class Grade(StrEnum):
    """The three grades an actual of a qualitative indicator is reported in (DOMAIN.md §5)."""

    ACHIEVED = "达成年度指标"
    PARTIAL = "部分达成年度指标并具有一定效果"
    FAILED = "未达成年度指标且效果较差"


@dataclass(frozen=True, slots=True)
class Actual:
    """One reported actual as written and as read, its value in the target's unit."""

    text: str
    value: Decimal | None
    grade: Grade | None
    error: str | None


_GRADES: dict[str, Grade] = {grade.value: grade for grade in Grade} | {
    "达成": Grade.ACHIEVED,
    "部分达成": Grade.PARTIAL,
    "未达成": Grade.FAILED,
}


def parse_grade(text: str) -> Grade | None:
    """The grade written in the text (full name, or 达成/部分达成/未达成), else None."""
    return _GRADES.get(compacted(text))


def parse_actual(text: str, target: TargetValue) -> Actual:
    """Read a reported actual against its target: a grade, or a number converted to the target's unit."""
    shown = text.strip()
    if not shown:
        return Actual(text, None, None, "实际值为空")
    grade = parse_grade(text)
    if grade is not None:
        return Actual(text, None, grade, None)
    try:
        read = parse_value(text)  # a comparator written in an actual (≥97%) is ignored
    except OutOfRange as exc:
        return Actual(text, None, None, str(exc))
    if read.value is None:
        return Actual(text, None, None, f"无法识别的实际值：{shown}")
    if target.kind is Kind.QUALITATIVE:
        grades = "、".join(Grade)
        return Actual(text, None, None, f"定性指标应填写评价等级（{grades}）：{shown}")
    value = convert(read.value, read.unit, target.unit)
    if value is None:
        return Actual(text, None, None, f"单位“{read.unit}”无法换算为指标单位“{target.unit}”")
    return Actual(text, value, None, None)
