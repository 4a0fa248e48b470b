"""The self-evaluation of a project as plain values: what the service gathers and the writers write."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from tracker.core.project import Funds, IndicatorRef
from tracker.core.scoring_indicators import RowStatus


@dataclass(frozen=True, slots=True)
class Row(IndicatorRef):
    """One indicator row of the self-evaluation table, ready to write."""

    target_text: str
    unit: str | None
    actual: Decimal | None  # a number in the target's unit, shown numerically
    actual_text: str  # as reported, a grade, 未填报 or 不适用
    points: Decimal | None
    score: Decimal | None
    status: RowStatus
    lost: bool
    missing_reason: bool
    reason: str


@dataclass(slots=True)
class Evaluation:
    """A project's self-evaluation: identity, money, rows and score."""

    project_id: int
    year: int
    heading_no: int | None
    dept_code: str
    dept_name: str
    code: str
    name: str
    objectives: list[str]
    initial: Funds  # 年初预算数
    budget: Funds  # 全年预算数: the effective budget on 31 December
    executed_fen: int
    execution_rate: Decimal | None  # 0.9523 = 95.23%
    execution_points: Decimal | None
    execution_score: Decimal | None
    rows: list[Row]
    total: Decimal | None
    grade: str | None  # None while incomplete or unscored
    complete: bool
    rescaled: bool = False
    dropped: list[str] = field(default_factory=list)
    unreported: list[int] = field(default_factory=list)
    missing_reasons: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    executed: Funds | None = None  # 全年执行数 per funding source (payments' 资金性质)
    region_code: str = ""
    region_name: str = ""
    narrative: str = ""  # 实际完成情况 in the unit's own words (upload sheet 项目), "" when it gave none

    @property
    def achieved_text(self) -> str:
        """实际完成情况: the unit's own words where it gave them, else a factual sentence from the figures."""
        if self.narrative.strip():
            return self.narrative.strip()
        rate = f"{self.execution_rate * 100:.2f}%" if self.execution_rate is not None else "—"
        scored = sum(1 for r in self.rows if r.status is RowStatus.SCORED)
        full = sum(1 for r in self.rows if r.status is RowStatus.SCORED and not r.lost)
        text = f"全年预算执行率{rate}；{len(self.rows)}项指标中{scored}项已填报，其中{full}项达到年度指标值"
        if self.unreported:
            text += f"，{len(self.unreported)}项未填报"
        return text + "。"
