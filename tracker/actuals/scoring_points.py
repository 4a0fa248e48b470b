"""An indicator's points and the grade bands, as the year-end scoring reads them from config/rules.yaml.

A score uploaded with a grade must lie in that grade's band of the indicator's points (DOMAIN.md §5).
The points are those the self-evaluation will give: the 一级 weights split over the project's
applicable indicators. When they cannot be worked out (a 一级 outside the weights), the score is read
on a 0–100 scale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from tracker.core.grades import Grade
from tracker.core.scoring import score_project
from tracker.core.scoring_indicators import IndicatorActual, ScoringError
from tracker.models import Indicator
from tracker.rules import Rules, scoring_rules
from tracker.targets.stored import indicator_target


def qualitative_bands(rules: Rules) -> Mapping[Grade, tuple[Decimal, Decimal]]:
    return scoring_rules(rules).grade_bands


def indicator_points(indicators: Sequence[Indicator], rules: Rules) -> dict[int, Decimal]:
    """Points per indicator seq of one project; empty when they cannot be worked out."""
    actuals = [
        IndicatorActual(
            seq=i.seq,
            level1=i.level1,
            level2=i.level2,
            level3=i.level3,
            target=indicator_target(i),
            weight=i.weight,
            applicable=i.applicable,
        )
        for i in indicators
    ]
    try:
        scored = score_project(budget_fen=1, executed_fen=0, indicators=actuals, rules=scoring_rules(rules))
    except ScoringError:
        return {}
    return {row.seq: row.points for row in scored.rows}
