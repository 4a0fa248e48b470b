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

The configured rules are core.scoring_rules; one indicator's row and its score, core.scoring_indicators.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from tracker.core.scoring_indicators import (
    CENT,
    IndicatorActual,
    IndicatorScore,
    RowStatus,
    ScoringError,
    round_cents,
    score_row,
)
from tracker.core.scoring_rules import EXECUTION, HUNDRED, ScoringRules

ZERO = Decimal("0.00")


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
            rows.append(score_row(indicator, row_points, rules))
        except ScoringError as exc:
            problems += exc.problems
    if problems:
        raise ScoringError(problems)
    rate = Decimal(executed_fen) / Decimal(budget_fen)
    execution_score = round_cents(min(max(rate, Decimal(0)), Decimal(1)) * execution_points)
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
