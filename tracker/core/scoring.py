"""Year-end self-evaluation scoring (单位自评, DOMAIN.md §5). Pure: standard library only.

Rules decided here, stated once:
- Points: 100 is split over 预算执行率 and the 一级 that have an applicable indicator (a 一级 with none
  drops out and the rest is rescaled), then inside each 一级 over its applicable 三级. Parts are cut to
  cents by largest remainder so they always add up exactly (50 over 3 → 16.67 + 16.67 + 16.66).
- Weights inside a 一级: none set → equal split; some set → an unset weight counts as the mean of the
  set ones, and points follow the weights proportionally.
- Scores are rounded per row to 0.01 (ROUND_HALF_UP); the total is the sum of the rounded rows.
- An unreported indicator (未填报) adds nothing to the total, is listed in `unreported`, makes
  `complete` False and leaves `grade` None: an incomplete table gets no grade.
- A quantitative target with an actual number is scored by formula (a grade or evaluator score given
  as well is an error); otherwise a grade (reported, or judged from `baseline`) scores by band.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Literal

from tracker.core.goals import Aim, Goal, TargetRules, goal_of
from tracker.core.project import LEVEL1_LEVEL2, IndicatorRef
from tracker.core.units import tidy
from tracker.core.values import Direction, Grade, Kind, TargetValue

EXECUTION = "预算执行率"
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")
LowerForm = Literal["ratio", "linear"]


class ScoringRulesError(ValueError):
    """A scoring configuration value that is wrong; the message starts with its key."""


class ScoringError(ValueError):
    """Inputs that cannot be scored; `problems` lists every one, naming the indicator."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = tuple(problems)


class RowStatus(StrEnum):
    SCORED = "scored"
    UNREPORTED = "未填报"
    NOT_APPLICABLE = "不适用"


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
            if not _in_band(share, bands[grade], Decimal(1)):
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


def _in_band(score: Decimal, band: tuple[Decimal, Decimal], points: Decimal) -> bool:
    low, high = band
    return low * points <= score and (score < high * points or (high == 1 and score == points))


@dataclass(frozen=True, slots=True)
class IndicatorActual(IndicatorRef):
    """One indicator at year end: the published target and what the unit reports."""

    target: TargetValue
    weight: Decimal | None = None
    applicable: bool = True
    actual_value: Decimal | None = None  # already in the target's unit
    grade: Grade | None = None
    evaluator_score: Decimal | None = None  # the score entered for a graded indicator
    baseline: Decimal | None = None  # last year's value, for 较上年提高-style targets
    reason: str | None = None  # 偏差原因分析及改进措施
    actual_text: str | None = None  # as reported, for display; derived when None
    description: str = ""  # 绩效指标描述: its words may give an = target a direction


@dataclass(frozen=True, slots=True)
class IndicatorScore(IndicatorRef):
    """One indicator's row of the self-evaluation: points available, score, and why points were lost."""

    target_text: str
    actual_text: str | None
    points: Decimal
    score: Decimal | None
    status: RowStatus
    lost: bool
    grade: Grade | None = None  # the grade the score came from, when scored by grade
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class ProjectScore:
    execution_rate: Decimal  # executed / budget, 4 decimals (0.9523 = 95.23%)
    execution_points: Decimal
    execution_score: Decimal
    rows: list[IndicatorScore]
    total: Decimal
    grade: str | None  # None while incomplete
    complete: bool
    unreported: list[int]
    missing_reasons: list[int]
    rescaled: bool
    dropped: list[str]  # 一级 that dropped out (no applicable indicator)


def score_project(
    *, budget_fen: int, executed_fen: int, indicators: list[IndicatorActual], rules: ScoringRules
) -> ProjectScore:
    """Score one self-evaluation table; raise ScoringError listing every input that cannot be scored."""
    if budget_fen <= 0:
        raise ScoringError(["全年预算数应大于0，无法计算执行率"])
    problems = [
        f"第{i.seq}项指标“{i.level3}”的一级指标“{i.level1}”不在评分权重中"
        for i in indicators
        if i.level1 not in rules.weights or i.level1 == EXECUTION
    ]
    problems += [f"第{i.seq}项指标“{i.level3}”权重{i.weight}为负" for i in indicators if (i.weight or 0) < 0]
    if problems:
        raise ScoringError(problems)
    execution_points, points, dropped = _allocate(indicators, rules)
    rows: list[IndicatorScore] = []
    for indicator, row_points in zip(indicators, points, strict=True):
        try:
            rows.append(_score_row(indicator, row_points, rules))
        except ScoringError as exc:
            problems += exc.problems
    if problems:
        raise ScoringError(problems)
    rate = Decimal(executed_fen) / Decimal(budget_fen)
    execution_score = _round(min(max(rate, Decimal(0)), Decimal(1)) * execution_points)
    total = execution_score + sum((r.score for r in rows if r.score is not None), ZERO)
    unreported = [r.seq for r in rows if r.status is RowStatus.UNREPORTED]
    return ProjectScore(
        execution_rate=rate.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
        execution_points=execution_points,
        execution_score=execution_score,
        rows=rows,
        total=total,
        grade=None if unreported else rules.total_grade(total),
        complete=not unreported,
        unreported=unreported,
        missing_reasons=[r.seq for r in rows if r.lost and not (r.reason or "").strip()],
        rescaled=any(rules.weights[name] > 0 for name in dropped),
        dropped=dropped,
    )


def _allocate(indicators: list[IndicatorActual], rules: ScoringRules) -> tuple[Decimal, list[Decimal], list[str]]:
    """Points of execution and of every indicator (0 for 不适用), and the 一级 that dropped out."""
    present = [
        name
        for name in rules.weights
        if name == EXECUTION or any(i.level1 == name and i.applicable for i in indicators)
    ]
    level1_points = dict(zip(present, _apportion(HUNDRED, [rules.weights[n] for n in present]), strict=True))
    points = [ZERO] * len(indicators)
    for name in present:
        members = [k for k, i in enumerate(indicators) if i.level1 == name and i.applicable]
        given = [w for k in members if (w := indicators[k].weight) is not None]
        mean = sum(given, Decimal(0)) / len(given) if given else Decimal(1)
        shares = [w if (w := indicators[k].weight) is not None else mean for k in members]
        for k, part in zip(members, _apportion(level1_points[name], shares), strict=True):
            points[k] = part
    dropped = [name for name in rules.weights if name not in present]
    return level1_points[EXECUTION], points, dropped


def _apportion(total: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """Split `total` in proportion to `shares` into cents that add up exactly (largest remainder)."""
    whole = sum(shares, Decimal(0))
    if whole == 0:
        return [ZERO for _ in shares]
    exact = [total * share / whole for share in shares]
    parts = [e.quantize(CENT, rounding=ROUND_DOWN) for e in exact]
    left = int((total - sum(parts, ZERO)) / CENT)
    by_remainder = sorted(range(len(exact)), key=lambda k: (parts[k] - exact[k], k))
    for k in by_remainder[:left]:
        parts[k] += CENT
    return parts


def _score_row(ind: IndicatorActual, points: Decimal, rules: ScoringRules) -> IndicatorScore:
    def row(status: RowStatus, score: Decimal | None = None, grade: Grade | None = None) -> IndicatorScore:
        shown = None if status is not RowStatus.SCORED else ind.actual_text or _actual_text(ind, grade)
        return IndicatorScore(
            seq=ind.seq,
            level1=ind.level1,
            level2=ind.level2,
            level3=ind.level3,
            target_text=ind.target.text,
            actual_text=shown,
            points=points,
            score=score,
            status=status,
            lost=score is not None and score < points,
            grade=grade,
            reason=ind.reason,
        )

    if not ind.applicable:
        return row(RowStatus.NOT_APPLICABLE)
    name = f"第{ind.seq}项指标“{ind.level3}”"
    target = ind.target
    if target.kind is Kind.QUANTITATIVE and target.value is not None and ind.actual_value is not None:
        if ind.grade is not None or ind.evaluator_score is not None:
            raise ScoringError([f"{name}已填实际完成值，按公式计分，不应再填评价等级或评价得分"])
        goal = goal_of(target, level2=ind.level2, words=ind.level3 + ind.description, rules=rules.targets)
        return row(RowStatus.SCORED, _round(_formula(goal, ind.actual_value, points, rules.lower_form)))
    grade = ind.grade
    if grade is None and ind.actual_value is not None:
        if ind.baseline is None or target.direction is Direction.NONE:
            raise ScoringError([f"{name}为定性指标，需填写评价等级（或上年值以判断方向）"])
        up = target.direction is Direction.UP
        moved = ind.actual_value > ind.baseline if up else ind.actual_value < ind.baseline
        grade = Grade.ACHIEVED if moved else Grade.FAILED
    if grade is None:
        if ind.evaluator_score is not None:
            raise ScoringError([f"{name}填写了评价得分但未填写评价等级"])
        return row(RowStatus.UNREPORTED)
    if ind.evaluator_score is None:
        return row(RowStatus.SCORED, _round(points * rules.grade_shares[grade]), grade)
    low, high = rules.grade_bands[grade]
    if not _in_band(ind.evaluator_score, (low, high), points):
        span = f"[{_round(low * points)}, {_round(high * points)}{']' if high == 1 else ')'}"
        raise ScoringError([f"{name}评价得分{ind.evaluator_score}不在“{grade.value}”的分值区间{span}内"])
    return row(RowStatus.SCORED, _round(ind.evaluator_score), grade)


def _formula(goal: Goal, actual: Decimal, points: Decimal, form: LowerForm) -> Decimal:
    """Score of a number against its goal (DOMAIN.md §5); never above points, never below 0.

    ≥ >: points × actual / target when short. ≤ <: points × target / actual over it (or linear, 0 at
    twice the target). =: full within the tolerance, else points × min / max. Zero: full only at 0.
    Range: full inside, else by the ratio to the nearer end.
    """
    got = max(actual, Decimal(0))
    if goal.aim is Aim.AT_MOST and form == "linear" and not goal.met(got):
        ceiling = goal.high if goal.high is not None else Decimal(0)
        return points * max(Decimal(0), 2 - got / ceiling) if ceiling > 0 else Decimal(0)
    share = goal.closeness(got)
    return points * Decimal(share.numerator) / Decimal(share.denominator)


def _actual_text(ind: IndicatorActual, grade: Grade | None) -> str:
    if ind.actual_value is None:
        return grade.value if grade is not None else ""
    return f"{tidy(ind.actual_value)}{ind.target.unit or ''}"


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
