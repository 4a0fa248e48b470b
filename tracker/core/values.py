"""Target values (指标值): comparator + number + unit, or a qualitative phrase (DOMAIN.md §2).

Pure: standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


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
