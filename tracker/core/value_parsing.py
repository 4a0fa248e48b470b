"""Reading a target value's text into a TargetValue (DOMAIN.md §2): a comparator as a symbol or a word, a number
with its unit, a range, an approximate value, a target of none, or a qualitative phrase and its direction.

Pure: standard library only.
"""

from __future__ import annotations

import re
from decimal import Decimal

from tracker.core.units import canonical_unit, normalise
from tracker.core.values import Comparator, Direction, Kind, TargetValue
from tracker.limits import NUMBER_DECIMALS, NUMBER_DIGITS, OutOfRange, digits_problem, shorten

__all__ = [
    "compacted",
    "parse_value",
    "phrase_direction",
    "written_comparator",
]


# Full-width digits and signs are read as their ASCII forms; ≧/≦ and the slanted ⩾/⩽ as ≥/≤.
_HALF_WIDTH = str.maketrans(
    {chr(0xFF10 + digit): str(digit) for digit in range(10)}
    | {"．": ".", "，": ",", "＞": ">", "＜": "<", "＝": "=", "％": "%", "－": "-", "＋": "+", "／": "/"}
    | {"≧": "≥", "≦": "≤", "⩾": "≥", "⩽": "≤"}
)

_PREFIXES: dict[str, Comparator] = {
    **dict.fromkeys(["≥", "≥=", ">=", "=>", "大于等于", "大于或等于", "不低于", "不少于", "不小于"], Comparator.GE),
    **dict.fromkeys(["达到", "至少"], Comparator.GE),
    **dict.fromkeys(["≤", "≤=", "<=", "=<", "小于等于", "小于或等于", "不高于", "不超过", "不多于"], Comparator.LE),
    **dict.fromkeys(["不大于", "至多"], Comparator.LE),
    **dict.fromkeys([">", "大于", "高于", "超过", "多于"], Comparator.GT),
    **dict.fromkeys(["<", "小于", "低于", "少于", "不足"], Comparator.LT),
    **dict.fromkeys(["=", "==", "等于"], Comparator.EQ),
}
# In law and in these tables 以上/以下/以内 include the number itself (民法典 第1259条).
_SUFFIXES: dict[str, Comparator] = {
    **dict.fromkeys(["及以上", "以上"], Comparator.GE),
    **dict.fromkeys(["及以下", "以下", "以内", "之内", "内"], Comparator.LE),
}


def _longest_first(words: dict[str, Comparator]) -> list[tuple[str, Comparator]]:
    return sorted(words.items(), key=lambda item: -len(item[0]))


_PREFIX_ORDER = _longest_first(_PREFIXES)
_SUFFIX_ORDER = _longest_first(_SUFFIXES)

_UNSIGNED = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUMBER = rf"[+-]?{_UNSIGNED}"
# A unit is %, ‰, or up to four short word parts joined by / or *; 12月底前完成 fails on the
# stop characters below, so a deadline or a phrase is never read as a number with a long unit.
_UNIT_PART = r"[\u4e00-\u9fffA-Za-z²³℃°]{1,5}"
_QUANTITY = re.compile(rf"(?P<number>{_NUMBER})(?P<unit>[%‰]|{_UNIT_PART}(?:[/*·]{_UNIT_PART}){{0,3}})?")
_PHRASE_CHARS = frozenset("底前后完成内外的了及以之提高低降增减上下左右约余多少等和或至")

_UP_WORDS = ("提高", "增强", "扩大", "提升", "增加", "改善", "增长", "上升")
_DOWN_WORDS = ("降低", "减少", "节约", "减轻", "下降", "缩短", "压缩", "压减")

_DIRECTION_OF: dict[Comparator, Direction] = {
    Comparator.GE: Direction.UP,
    Comparator.GT: Direction.UP,
    Comparator.EQ: Direction.NONE,  # = is a standard to hit; a miss either way counts (DOMAIN.md §2)
    Comparator.LE: Direction.DOWN,
    Comparator.LT: Direction.DOWN,
}


def compacted(text: str) -> str:
    """The text with full-width forms made half-width and all whitespace removed."""
    return "".join(text.translate(_HALF_WIDTH).split())


def _split_comparator(compact: str) -> tuple[Comparator | None, str]:
    """The leading comparator (symbol or word) and the rest of the text."""
    for word, comparator in _PREFIX_ORDER:
        if compact.startswith(word):
            return comparator, compact[len(word) :]
    return None, compact


def _quantity(rest: str) -> tuple[Decimal, str | None, Comparator | None] | None:
    """Number, unit as written and suffix comparator (以上/以下/以内) of a quantity, or None."""
    suffix: Comparator | None = None
    for word, comparator in _SUFFIX_ORDER:
        if rest.endswith(word) and len(rest) > len(word):
            rest, suffix = rest[: -len(word)], comparator
            break
    match = _QUANTITY.fullmatch(rest)
    if match is None:
        return None
    unit = match.group("unit")
    if unit is not None and _PHRASE_CHARS.intersection(unit):
        return None
    number = match.group("number").replace(",", "")
    # checked by its digits before it becomes a Decimal, so that no stored or converted value can overflow
    if problem := digits_problem(
        number, int_digits=NUMBER_DIGITS, decimals=NUMBER_DECIMALS, what=f"数值“{shorten(number)}”"
    ):
        raise OutOfRange(problem)
    return Decimal(number), canonical_unit(unit), suffix


def phrase_direction(text: str) -> Direction:
    """Direction named by the first 提高-like or 降低-like word of a phrase; 不 before it turns it."""
    found: list[tuple[int, Direction]] = []
    for words, direction in ((_UP_WORDS, Direction.UP), (_DOWN_WORDS, Direction.DOWN)):
        for word in words:
            at = text.find(word)
            if at >= 0:
                found.append((at, direction))
    if not found:
        return Direction.NONE
    at, direction = min(found)
    if at > 0 and text[at - 1] == "不":
        return Direction.DOWN if direction is Direction.UP else Direction.UP
    return direction


def _qualitative(text: str, direction: Direction) -> TargetValue:
    return TargetValue(text, Kind.QUALITATIVE, None, None, None, None, None, direction)


_APPROX_PREFIXES = ("大约", "约为", "大概", "约")
_APPROX_SUFFIXES = ("左右", "上下")
_RANGE = re.compile(
    rf"(?P<low>{_UNSIGNED})(?P<low_unit>[%‰]|{_UNIT_PART})?(?:-|~|～|—|–|至|到)"
    rf"(?P<high>{_UNSIGNED})(?P<unit>[%‰]|{_UNIT_PART}(?:[/*·]{_UNIT_PART}){{0,3}})?"
)
# 无重大安全事故, 零投诉, 杜绝安全事故: a target of none, when the words name something to avoid.
_NONE_PREFIXES = ("未发生", "不发生", "杜绝", "无", "零")
_INCIDENT_WORDS = ("事故", "投诉", "违规", "违纪", "违法", "案件", "差错", "纠纷", "上访", "信访", "舆情", "事件",
                   "伤亡", "火灾", "疫情")  # fmt: skip


def _range(text: str, compact: str) -> TargetValue | None:
    """10-20人 or 20%-30%: the low end as value, the high end as high; None if not a range."""
    match = _RANGE.fullmatch(compact)
    if match is None:
        return None
    unit = canonical_unit(match.group("unit") or match.group("low_unit"))
    low_unit = canonical_unit(match.group("low_unit"))
    if (low_unit is not None and low_unit != unit) or (unit is not None and _PHRASE_CHARS.intersection(unit)):
        return None
    ends = [match.group("low").replace(",", ""), match.group("high").replace(",", "")]
    for number in ends:  # the same bound as any other number of a target (tracker/limits.py)
        if problem := digits_problem(
            number, int_digits=NUMBER_DIGITS, decimals=NUMBER_DECIMALS, what=f"数值“{shorten(number)}”"
        ):
            raise OutOfRange(problem)
    low, high = Decimal(ends[0]), Decimal(ends[1])
    if low > high:
        return None
    norm_value, norm_unit = normalise(low, unit)
    return TargetValue(text, Kind.QUANTITATIVE, Comparator.EQ, low, unit, norm_value, norm_unit, Direction.NONE, high)


def _none_target(text: str, compact: str) -> TargetValue | None:
    """无重大安全事故, 零投诉: = 0 with no unit (an actual of 0起 or 0 both read)."""
    head = next((p for p in _NONE_PREFIXES if compact.startswith(p)), None)
    if head is None or not any(word in compact for word in _INCIDENT_WORDS):
        return None
    return TargetValue(text, Kind.QUANTITATIVE, Comparator.EQ, Decimal(0), None, Decimal(0), None, Direction.NONE)


def _approximate(compact: str) -> tuple[str, bool]:
    """The text without 约/左右 and whether it had one."""
    for prefix in _APPROX_PREFIXES:
        if compact.startswith(prefix) and len(compact) > len(prefix):
            return compact[len(prefix) :], True
    for suffix in _APPROX_SUFFIXES:
        if compact.endswith(suffix) and len(compact) > len(suffix):
            return compact[: -len(suffix)], True
    return compact, False


def parse_value(text: str) -> TargetValue:
    """Read a target value: comparator + number + unit, a range, an approximate value, or a phrase (DOMAIN.md §2).

    A number beyond tracker/limits.py (more than 12 digits before the point or 6 after) is OutOfRange.
    """
    compact = compacted(text)
    comparator, rest = _split_comparator(compact)
    approximate = False
    if comparator is None:
        special = _range(text, compact) or _none_target(text, compact)
        if special is not None:
            return special
        rest, approximate = _approximate(compact)
    quantity = _quantity(rest)
    if quantity is None:
        direction = phrase_direction(compact)
        if direction is Direction.NONE and comparator is not None:
            direction = _DIRECTION_OF[comparator]  # 不低于上年, 不超过预算
        return _qualitative(text, direction)
    value, unit, suffix = quantity
    comparator = comparator or suffix or Comparator.EQ
    norm_value, norm_unit = normalise(value, unit)
    return TargetValue(
        text=text,
        kind=Kind.QUANTITATIVE,
        comparator=comparator,
        value=value,
        unit=unit,
        norm_value=norm_value,
        norm_unit=norm_unit,
        direction=_DIRECTION_OF[comparator],
        approximate=approximate and comparator is Comparator.EQ,
    )


def written_comparator(text: str) -> Comparator | None:
    """The comparator the text writes out (≥, 不低于, 以上…), None for a bare value that only means "="."""
    compact = compacted(text)
    comparator, rest = _split_comparator(compact)
    if comparator is not None:
        return comparator
    return next((c for word, c in _SUFFIX_ORDER if rest.endswith(word) and len(rest) > len(word)), None)
