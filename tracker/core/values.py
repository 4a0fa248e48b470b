"""Target values (指标值): comparator + number + unit, or a qualitative phrase (DOMAIN.md §2).

Pure: standard library only. Text is read into these by core.value_parsing; a reported actual and its
grade are core.grades.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

__all__ = [
    "Comparator",
    "Direction",
    "Kind",
    "TargetValue",
]


class Comparator(StrEnum):
    GE = "ge"
    GT = "gt"
    EQ = "eq"
    LE = "le"
    LT = "lt"


class Direction(StrEnum):
    """Which way is better: up (higher is better), down (lower is better), or unknown."""

    UP = "up"
    DOWN = "down"
    NONE = "none"


class Kind(StrEnum):
    QUANTITATIVE = "quantitative"
    QUALITATIVE = "qualitative"


@dataclass(frozen=True, slots=True)
class TargetValue:
    """One target value as written and as read."""

    text: str
    kind: Kind
    comparator: Comparator | None
    value: Decimal | None
    unit: str | None
    norm_value: Decimal | None
    norm_unit: str | None
    direction: Direction
    high: Decimal | None = None  # a range (10-20人): value is its low end, high its high end
    approximate: bool = False  # 1000人左右, 约2000人: = with the configured tolerance

    @property
    def is_zero(self) -> bool:
        """A target of none (0起, 无重大安全事故, 零投诉): met only at 0 (DOMAIN.md §2)."""
        return self.comparator is Comparator.EQ and self.value == 0 and self.high is None

    @property
    def is_range(self) -> bool:
        """A range (10-20人, 20%-30%): met inside it."""
        return self.high is not None
