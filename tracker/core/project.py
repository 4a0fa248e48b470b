"""A project's published targets as plain values: what the importer produces and the rules read."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from tracker.core.values import TargetValue


class Accumulation(StrEnum):
    """How reported values of an indicator add up over the year (DOMAIN.md §4)."""

    CUMULATIVE = "cumulative"  # counts: the latest value is the year-to-date total
    LEVEL = "level"  # rates, satisfaction, cost per head: the latest value stands


LEVEL1_LEVEL2: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Cumulative share of the budget planned to be spent by the end of `month`."""

    month: int
    cumulative_pct: Decimal


@dataclass(frozen=True, slots=True)
class IndicatorRef:
    """An indicator's identity in its project: its number and its 一级/二级/三级 names.

    Every shape that carries an indicator (published, scored, lit, reported) extends this one.
    """

    seq: int
    level1: str
    level2: str
    level3: str


@dataclass(frozen=True, slots=True)
class IndicatorData(IndicatorRef):
    """A published indicator: its identity, target, basis and how its reports add up."""

    description: str
    target: TargetValue
    basis: str
    accumulation: Accumulation
    weight: Decimal | None = None
    applicable: bool = True


@dataclass(frozen=True, slots=True)
class Funds:
    """A budget by funding source, in fen: the total and its 财政拨款, 上年结转 and 其他资金 parts."""

    total_fen: int
    fiscal_fen: int
    carryover_fen: int
    other_fen: int


@dataclass(slots=True)
class ProjectData:
    year: int
    dept_code: str
    dept_name: str
    code: str
    name: str
    budget_fen: int
    fiscal_fen: int
    other_fen: int
    purpose: str
    objectives: list[str] = field(default_factory=list)
    plan: list[Checkpoint] = field(default_factory=list)
    indicators: list[IndicatorData] = field(default_factory=list)
    incomplete: bool = False
    heading_no: int | None = None
    source_line: int = 0
