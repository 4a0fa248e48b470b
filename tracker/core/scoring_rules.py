"""The year-end scoring's rules (DOMAIN.md §5): the weights of 预算执行率 and each 一级, the lower-is-better
form, the grade bands and shares, the total grades (ScoringRules, read from config/rules.yaml). Pure: standard
library only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from tracker.core.goals import TargetRules
from tracker.core.grades import Grade
from tracker.core.project import LEVEL1_LEVEL2

EXECUTION = "预算执行率"
HUNDRED = Decimal(100)
LowerForm = Literal["ratio", "linear"]


class ScoringRulesError(ValueError):
    """A scoring configuration value that is wrong; the message starts with its key."""


_WEIGHTS = {EXECUTION: Decimal(10), "产出指标": Decimal(50), "效益指标": Decimal(30), "满意度指标": Decimal(10)}
_BANDS = {
    Grade.ACHIEVED: (Decimal("0.8"), Decimal(1)),
    Grade.PARTIAL: (Decimal("0.6"), Decimal("0.8")),
    Grade.FAILED: (Decimal(0), Decimal("0.6")),
}
_SHARES = {Grade.ACHIEVED: Decimal(1), Grade.PARTIAL: Decimal("0.7"), Grade.FAILED: Decimal("0.3")}
_TOTAL_GRADES = tuple((name, Decimal(low)) for name, low in (("优", 90), ("良", 80), ("中", 60), ("差", 0)))
_KEYS = ("weights", "lower_is_better", "grade_bands", "grade_shares", "total_grades")


@dataclass(frozen=True)
class ScoringRules:
    """Weights, the lower-is-better form, grade bands [low, high) (high included when 1), total grades."""

    weights: Mapping[str, Decimal] = field(default_factory=_WEIGHTS.copy)  # 一级 name or 预算执行率
    lower_form: LowerForm = "ratio"
    grade_bands: Mapping[Grade, tuple[Decimal, Decimal]] = field(default_factory=_BANDS.copy)
    grade_shares: Mapping[Grade, Decimal] = field(default_factory=_SHARES.copy)
    total_grades: tuple[tuple[str, Decimal], ...] = _TOTAL_GRADES  # highest first, lowest at 0
    targets: TargetRules = field(default_factory=TargetRules)  # tolerance of ≈, 二级 directions of =

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ScoringRules:
        """Build from a plain dict (as loaded from YAML); missing keys keep the defaults."""
        if not isinstance(data, Mapping):
            raise ScoringRulesError(f"scoring: 应为映射，实为{type(data).__name__}")
        for key in data:
            if key not in _KEYS:
                raise ScoringRulesError(f"{key}: 未知配置项（可用：{', '.join(_KEYS)}）")
        weights = dict(_WEIGHTS)
        for key, raw in _section(data, "weights").items():
            name = EXECUTION if key == "execution" else str(key)
            if name not in weights:
                raise ScoringRulesError(f"weights.{key}: 未知一级指标（可用：execution, {', '.join(LEVEL1_LEVEL2)}）")
            weights[name] = _number(raw, f"weights.{key}", None)
        if sum(weights.values()) != HUNDRED:
            raise ScoringRulesError(f"weights: 合计应为100，实为{sum(weights.values())}")
        form = data.get("lower_is_better", "ratio")
        if form not in ("ratio", "linear"):
            raise ScoringRulesError(f"lower_is_better: 应为 ratio 或 linear，实为{form!r}")
        bands = dict(_BANDS)
        for key, raw in _section(data, "grade_bands").items():
            path = f"grade_bands.{key}"
            if not isinstance(raw, list | tuple) or len(raw) != 2:
                raise ScoringRulesError(f"{path}: 应为[下限, 上限]，实为{raw!r}")
            low, high = _number(raw[0], path, Decimal(1)), _number(raw[1], path, Decimal(1))
            if low >= high:
                raise ScoringRulesError(f"{path}: 下限{low}应小于上限{high}")
            bands[_grade_key(key, path)] = (low, high)
        shares = dict(_SHARES)
        for key, raw in _section(data, "grade_shares").items():
            shares[_grade_key(key, f"grade_shares.{key}")] = _number(raw, f"grade_shares.{key}", Decimal(1))
        for grade, share in shares.items():
            if not in_band(share, bands[grade], Decimal(1)):
                raise ScoringRulesError(f"grade_shares.{grade.name.lower()}: {share}不在该等级的区间内")
        levels = _TOTAL_GRADES
        if "total_grades" in data:
            items = _section(data, "total_grades").items()
            pairs = [(str(k), _number(v, f"total_grades.{k}", HUNDRED)) for k, v in items]
            levels = tuple(sorted(pairs, key=lambda pair: -pair[1]))
            if not levels or levels[-1][1] != 0:
                raise ScoringRulesError("total_grades: 最低等级的下限应为0")
        return cls(weights=weights, lower_form=form, grade_bands=bands, grade_shares=shares, total_grades=levels)

    def total_grade(self, total: Decimal) -> str:
        """优/良/中/差 of a total: the first grade whose lower bound the total reaches."""
        return next((name for name, low in self.total_grades if total >= low), self.total_grades[-1][0])


def _section(data: Mapping[str, Any], key: str) -> Mapping[Any, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise ScoringRulesError(f"{key}: 应为映射，实为{value!r}")
    return value


def _number(raw: object, path: str, high: Decimal | None) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        raise ScoringRulesError(f"{path}: 不是数字：{raw!r}")
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise ScoringRulesError(f"{path}: 不是数字：{raw!r}") from None
    if not value.is_finite() or value < 0 or (high is not None and value > high):
        raise ScoringRulesError(f"{path}: 应在0到{high if high is not None else '∞'}之间，实为{raw}")
    return value


def _grade_key(key: object, path: str) -> Grade:
    for grade in Grade:
        if key in (grade.value, grade.name.lower()):
            return grade
    raise ScoringRulesError(f"{path}: 未知评价等级（可用：achieved, partial, failed 或等级全称）")


def in_band(score: Decimal, band: tuple[Decimal, Decimal], points: Decimal) -> bool:
    """Whether a score lies in a grade's band of `points`: [low, high), high included when it is 1."""
    low, high = band
    return low * points <= score and (score < high * points or (high == 1 and score == points))
