"""One indicator's row of the self-evaluation (DOMAIN.md §5): what the unit reports at year end, and its score by
formula or by grade band, or why it is not scored (未填报, 不适用). Pure: standard library only."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from tracker.core.goals import Aim, Goal, goal_of
from tracker.core.grades import Grade
from tracker.core.project import IndicatorRef
from tracker.core.scoring_rules import LowerForm, ScoringRules, in_band
from tracker.core.units import tidy
from tracker.core.values import Direction, Kind, TargetValue

CENT = Decimal("0.01")


class ScoringError(ValueError):
    """Inputs that cannot be scored; `problems` lists every one, naming the indicator."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = tuple(problems)


class RowStatus(StrEnum):
    """How an indicator's row came out: scored, 未填报 or 不适用."""

    SCORED = "scored"
    UNREPORTED = "未填报"
    NOT_APPLICABLE = "不适用"


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


def score_row(ind: IndicatorActual, points: Decimal, rules: ScoringRules) -> IndicatorScore:
    """One indicator's row worth `points`; raise ScoringError when its inputs cannot be scored."""

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
        return row(RowStatus.SCORED, round_cents(_formula(goal, ind.actual_value, points, rules.lower_form)))
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
        return row(RowStatus.SCORED, round_cents(points * rules.grade_shares[grade]), grade)
    low, high = rules.grade_bands[grade]
    if not in_band(ind.evaluator_score, (low, high), points):
        span = f"[{round_cents(low * points)}, {round_cents(high * points)}{']' if high == 1 else ')'}"
        raise ScoringError([f"{name}评价得分{ind.evaluator_score}不在“{grade.value}”的分值区间{span}内"])
    return row(RowStatus.SCORED, round_cents(ind.evaluator_score), grade)


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


def round_cents(value: Decimal) -> Decimal:
    """A score or points rounded to 0.01, ROUND_HALF_UP."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
