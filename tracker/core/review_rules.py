"""The target review's catalogue (DOMAIN.md §6): the severities, the rule codes, a finding, and the
thresholds and word lists a place may set (ReviewRules, read from config/rules.yaml). Pure: standard library only."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Severity(StrEnum):
    """How serious a finding is: an error, a warning or information."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Rule(StrEnum):
    """Which review rule a finding comes from (DOMAIN.md §6)."""

    INCOMPLETE_TABLE = "incomplete_table"
    MISSING_LEVEL1 = "missing_level1"
    UNKNOWN_LEVEL1 = "unknown_level1"
    LEVEL2_NOT_IN_LEVEL1 = "level2_not_in_level1"
    MISSING_VALUE = "missing_value"
    QUALITATIVE_COULD_BE_QUANTIFIED = "qualitative_could_be_quantified"
    COST_NOT_LE = "cost_not_le"
    PERCENT_OVER_100_GE = "percent_over_100_ge"
    RATE_OVER_100 = "rate_over_100"
    PLAN_FALLS = "plan_falls"
    PLAN_OVER_100 = "plan_over_100"
    PLAN_NOT_100_BY_DECEMBER = "plan_not_100_by_december"
    FUNDS_MISMATCH = "funds_mismatch"
    QUANTITY_COST_VS_BUDGET = "quantity_cost_vs_budget"
    DOUBTFUL_DIRECTION = "doubtful_direction"
    BUDGET_RESTATED = "budget_restated"
    YEAR_MISMATCH = "year_mismatch"
    COST_NOT_A_COST = "cost_not_a_cost"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the review found in a table, with the correction it suggests."""

    rule: Rule
    severity: Severity
    seq: int | None  # the indicator's sequence number; None for the table as a whole
    message: str
    suggestion: str = ""  # the correction a reviewer would ask for


@dataclass(frozen=True, slots=True)
class ReviewRules:
    """Thresholds and word lists of the review; defaults follow DOMAIN.md §6."""

    # quantity × unit cost against the budget: a 配套 project may pay only a share, so only a warning
    budget_ratio_low: Decimal = Decimal("0.5")
    budget_ratio_high: Decimal = Decimal(2)
    quantifiable_level2: tuple[str, ...] = ("数量指标", "质量指标", "时效指标", "成本指标")
    count_units: tuple[str, ...] = ("人", "人次", "户", "个", "名", "家", "所", "生", "位", "座", "套", "台", "辆")
    person_units: tuple[str, ...] = ("人", "人次", "生", "名", "位")  # a cost per 生 multiplies a count of 人
    per_unit_words: tuple[str, ...] = ("每", "人均", "户均", "生均", "单价")  # a plain 元 cost is per head
    growth_words: tuple[str, ...] = ("增长", "增幅", "增速")  # a growth rate may exceed 100%
    plan_final_month: int = 12
    # a 效益 or 数量 indicator written with ≤ or < is lower-is-better only if its words say so
    lower_words: tuple[str, ...] = ("降低", "减少", "控制", "下降", "压减", "压缩")
    budget_words: tuple[str, ...] = ("预算控制数", "预算数", "预算资金", "项目预算", "财政支持经费")
