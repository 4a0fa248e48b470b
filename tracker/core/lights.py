"""The lights (DOMAIN.md §3, §4): green, yellow and red, their thresholds, and the light of a ratio or of spend.

Pure: standard library only. Thresholds are compared exactly: a ratio of 0.79999 is yellow even though it
shows as 0.8000.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache

from tracker.core.grades import Grade
from tracker.core.money import FEN_PER_WAN


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"  # lagging
    RED = "red"  # lagging, escalates to the finance bureau


_SEVERITY = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}

# Qualitative actuals are one of three grades (DOMAIN.md §4, §5).
GRADE_LIGHTS: dict[Grade, Light] = {Grade.ACHIEVED: Light.GREEN, Grade.PARTIAL: Light.YELLOW, Grade.FAILED: Light.RED}


@dataclass(frozen=True, slots=True)
class LightRules:
    """Configurable light thresholds; defaults from DOMAIN.md §3/§4."""

    green: Decimal = Decimal("0.8")  # ratio ≥ green → green
    yellow: Decimal = Decimal("0.6")  # yellow ≤ ratio < green → yellow, below → red
    min_gap_fen: int = FEN_PER_WAN  # a spending gap smaller than this (1 万元) is green
    warn_days: int = 10  # early warning this many days before a checkpoint

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.yellow <= self.green:
            raise ValueError("须满足 0 ≤ 黄灯阈值 ≤ 绿灯阈值")
        if self.min_gap_fen < 0 or self.warn_days < 0:
            raise ValueError("最小差额和预警天数不能为负")


def ratio_light(ratio: Fraction, rules: LightRules) -> Light:
    """Green at or above the green threshold, yellow at or above the yellow one, else red."""
    if ratio >= Fraction(rules.green):
        return Light.GREEN
    if ratio >= Fraction(rules.yellow):
        return Light.YELLOW
    return Light.RED


@lru_cache(maxsize=64)
def _exact(threshold: Decimal) -> tuple[int, int]:
    return threshold.as_integer_ratio()


def spend_light(*, planned_fen: int, actual_fen: int, rules: LightRules) -> Light:
    """Light of actual against planned spend; a gap under `min_gap_fen` or nothing planned is green.

    The same exact comparison as `ratio_light(Fraction(actual_fen, planned_fen))`, in integers.
    """
    if planned_fen - actual_fen < rules.min_gap_fen or planned_fen <= 0:
        return Light.GREEN
    num, den = _exact(rules.green)
    if actual_fen * den >= num * planned_fen:
        return Light.GREEN
    num, den = _exact(rules.yellow)
    if actual_fen * den >= num * planned_fen:
        return Light.YELLOW
    return Light.RED


def worst_light(lights: Iterable[Light | None]) -> Light | None:
    """The most severe light, ignoring None; None when there is none."""
    present = [light for light in lights if light is not None]
    return max(present, key=_SEVERITY.__getitem__) if present else None


def project_light(*, spend: Light | None, indicators: Iterable[Light | None]) -> Light | None:
    """Overall light of a project: the worst of its spending light and its indicator lights."""
    return worst_light([spend, *indicators])
