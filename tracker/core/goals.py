"""How one quantitative indicator is judged: what counts as met and which way a miss lies (DOMAIN.md §2, §5).

Pure: standard library only. One decision read by the lights (core.progress), the year-end score
(core.scoring_indicators) and the mid-year likelihood (monitoring.midyear):
- ≥ and > aim at least the value; ≤ and < at most the value (反向指标);
- a target of zero (0起, 无重大安全事故, 零投诉) is met only at 0;
- a range (10-20人) is met inside it;
- = is a standard to hit: a miss either way counts, unless the words of the indicator (提高 / 降低,
  控制) or its 二级 (数量指标, 质量指标 by default) give a direction; an approximate value (1000人左右)
  is = with a tolerance (default 10%), a plain = with none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from tracker.core.value_parsing import phrase_direction
from tracker.core.values import Comparator, Direction, TargetValue


class Aim(StrEnum):
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    STANDARD = "standard"
    NONE = "none"
    RANGE = "range"


_LEVEL2_DIRECTIONS = {"数量指标": Direction.UP, "质量指标": Direction.UP}
_DOWN_WORDS = ("控制",)  # 控制在…以内: phrase_direction does not list it because 控制 alone is no verb of change


@dataclass(frozen=True)
class TargetRules:
    """Configurable parts of reading a target: the tolerance of approximate values, 二级 directions of =."""

    tolerance: Decimal = Decimal("0.1")
    level2_directions: Mapping[str, Direction] = field(default_factory=_LEVEL2_DIRECTIONS.copy)

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.tolerance < 1:
            raise ValueError(f"approximate_tolerance: 应在0到1之间，实为{self.tolerance}")

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> TargetRules:
        """From the `targets:` section of the rules file; missing keys keep the defaults."""
        known = ("approximate_tolerance", "eq_direction_by_level2")
        for key in data:
            if key not in known:
                raise ValueError(f"{key}: 未知配置项（可用：{', '.join(known)}）")
        raw = data.get("approximate_tolerance", "0.1")
        try:
            tolerance = Decimal(str(raw))
        except ArithmeticError:
            raise ValueError(f"approximate_tolerance: 不是数字：{raw!r}") from None
        if not tolerance.is_finite():
            raise ValueError(f"approximate_tolerance: 不是数字：{raw!r}")
        directions = dict(_LEVEL2_DIRECTIONS)
        given = data.get("eq_direction_by_level2")
        if given is not None:
            if not isinstance(given, Mapping):
                raise ValueError(f"eq_direction_by_level2: 应为映射，实为{given!r}")
            directions = {}
            for level2, word in given.items():
                if word not in ("up", "down"):
                    raise ValueError(f"eq_direction_by_level2.{level2}: 应为 up 或 down，实为{word!r}")
                directions[str(level2)] = Direction(word)
        return cls(tolerance=tolerance, level2_directions=directions)


@dataclass(frozen=True, slots=True)
class Goal:
    """What an indicator aims at: low/high ends (None where open) and the tolerance of a standard."""

    aim: Aim
    low: Decimal | None
    high: Decimal | None
    tolerance: Decimal = Decimal(0)

    def met(self, actual: Decimal) -> bool:
        """Whether a value meets the goal (a standard within its tolerance, a range inside its ends)."""
        if self.aim is Aim.NONE:
            return actual == 0
        if self.aim is Aim.STANDARD:
            assert self.low is not None
            return abs(actual - self.low) <= self.tolerance * abs(self.low)
        return (self.low is None or actual >= self.low) and (self.high is None or actual <= self.high)

    def closeness(self, actual: Decimal) -> Fraction:
        """How close a value is, 1 when met, falling to 0: the ratio to the target or to the nearer end."""
        got = Fraction(max(actual, Decimal(0)))
        if self.met(actual):
            return Fraction(1)
        if self.aim is Aim.NONE:
            return Fraction(0)
        if self.low is not None and got < self.low:
            return got / Fraction(self.low) if self.low > 0 else Fraction(0)
        ceiling = self.high if self.high is not None else self.low
        assert ceiling is not None
        return Fraction(ceiling) / got if got > 0 and ceiling > 0 else Fraction(0)


def _word_direction(words: str) -> Direction:
    direction = phrase_direction(words)
    if direction is Direction.NONE and any(w in words for w in _DOWN_WORDS):
        return Direction.DOWN
    return direction


def goal_of(target: TargetValue, *, level2: str = "", words: str = "", rules: TargetRules | None = None) -> Goal:
    """The goal of a quantitative target; `words` are the indicator's name and description."""
    rules = rules or TargetRules()
    value = target.value
    if value is None:
        raise ValueError(f"定性指标没有数值目标：{target.text}")
    if target.high is not None:
        return Goal(Aim.RANGE, value, target.high)
    if target.comparator in (Comparator.LE, Comparator.LT):
        return Goal(Aim.AT_MOST, None, value)
    if target.comparator in (Comparator.GE, Comparator.GT):
        return Goal(Aim.AT_LEAST, value, None)
    if value == 0:
        return Goal(Aim.NONE, value, value)
    direction = target.direction if target.comparator is None else Direction.NONE  # built by hand, not parsed
    if direction is Direction.NONE:
        direction = _word_direction(words)
    if direction is Direction.NONE and not target.approximate:
        direction = rules.level2_directions.get(level2, Direction.NONE)
    if direction is Direction.UP:
        return Goal(Aim.AT_LEAST, value, None)
    if direction is Direction.DOWN:
        return Goal(Aim.AT_MOST, None, value)
    return Goal(Aim.STANDARD, value, value, rules.tolerance if target.approximate else Decimal(0))
