"""Units of target values: canonical spelling, normalisation to a base unit, conversion (DOMAIN.md §2).

Pure: standard library only.
"""

from __future__ import annotations

from decimal import Decimal

PERCENT = "%"
_PERCENT_FORMS = frozenset({"%", "％", "百分比"})
_PER_MILLE = "‰"

# Leading magnitudes, longest first: 万元 → 元 ×10000, 百万元 → 元 ×1000000.
_MAGNITUDES: tuple[tuple[str, Decimal], ...] = (
    ("千万", Decimal(10_000_000)),
    ("百万", Decimal(1_000_000)),
    ("十万", Decimal(100_000)),
    ("亿", Decimal(100_000_000)),
    ("万", Decimal(10_000)),
    ("千", Decimal(1_000)),
)

# Units that are exact multiples of another. 1 公顷 = 15 亩 exactly (the 市亩 is defined as 1/15 ha).
# 月 is not aliased to 个月: a bare "12月" may be December rather than a duration.
_ALIASES: dict[str, tuple[Decimal, str]] = {
    "公顷": (Decimal(15), "亩"),
    "平方公里": (Decimal(1_500), "亩"),
    "公斤": (Decimal(1_000), "克"),
    "吨": (Decimal(1_000_000), "克"),
    "公里": (Decimal(1_000), "米"),
}

# Characters that separate a unit's numerator from its denominators ("元/人*年" is 元 per 人 per 年).
_SEPARATORS = str.maketrans({"／": "/", "*": "/", "＊": "/", "×": "/", "·": "/", "•": "/"})


def canonical_unit(unit: str | None) -> str | None:
    """The unit without whitespace and with every percent spelling written '%'; None when blank."""
    if unit is None:
        return None
    unit = "".join(unit.split())
    if not unit:
        return None
    return PERCENT if unit in _PERCENT_FORMS else unit


def is_percent(unit: str | None) -> bool:
    """True for '%', '％' and '百分比' (not for '‰': compare norm_unit with '%' to include it)."""
    return canonical_unit(unit) == PERCENT


def _scale(head: str) -> tuple[Decimal, str]:
    """Factor and base unit for the numerator of a unit ('万元' → 10000, '元')."""
    for prefix, factor in _MAGNITUDES:
        rest = head.removeprefix(prefix)
        # '千分比' and '万分之' are ratios, not magnitudes of a unit called '分比'.
        if rest != head and rest and not rest.startswith("分"):
            inner_factor, base = _scale(rest)
            return factor * inner_factor, base
    if head in _ALIASES:
        return _ALIASES[head]
    return Decimal(1), head


def unit_factor(unit: str | None) -> tuple[Decimal, str | None]:
    """Multiplier and base unit such that value × multiplier is the value in the base unit."""
    unit = canonical_unit(unit)
    if unit is None:
        return Decimal(1), None
    if unit == PERCENT:
        return Decimal(1), PERCENT
    if unit == _PER_MILLE:
        return Decimal("0.1"), PERCENT
    head, slash, rest = unit.partition("/")
    if not slash:
        return _scale(unit)
    factor, base = _scale(head)
    # 元/人*年 is 元 per (人·年), the same unit as 元/人/年.
    return factor, f"{base}/{rest.translate(_SEPARATORS)}"


def tidy(value: Decimal) -> Decimal:
    """The same number without trailing zeros and never in exponent form (26000.0 → 26000)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def normalise(value: Decimal, unit: str | None) -> tuple[Decimal, str | None]:
    """The value and unit in the base unit (2.5 万人 → 25000 人, 3 ‰ → 0.3 %)."""
    factor, base = unit_factor(unit)
    if factor == 1:
        return value, base
    return tidy(value * factor), base


def convert(value: Decimal, from_unit: str | None, to_unit: str | None) -> Decimal | None:
    """The value converted from one unit to another (26000 人 → 2.6 万人); None if incompatible."""
    if canonical_unit(from_unit) is None or canonical_unit(to_unit) is None:
        return value  # a bare number is read in the other side's unit
    if canonical_unit(from_unit) == canonical_unit(to_unit):
        return value
    from_factor, from_base = unit_factor(from_unit)
    to_factor, to_base = unit_factor(to_unit)
    if from_base != to_base:
        return None
    return tidy(value * from_factor / to_factor)
