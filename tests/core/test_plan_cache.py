"""The laid-out plans are cached, and the cache must not hand one plan another's checkpoints.

`Decimal("25") == Decimal("25.00")` with one hash, so a cache keyed on the checkpoints alone answers a plan
written 25.00 with the objects of an earlier plan written 25 (and the other way round), which then show
with a different number of decimals. Each test lays out one plan and then the same plan written with
other decimals, in one process, in a year no other test uses (the caches live for the process).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tracker.core.plan import plan_line
from tracker.core.project import Checkpoint
from tracker.core.variance import compute_variance, day_plan


def _plans(*texts: str) -> list[tuple[Checkpoint, ...]]:
    return [(Checkpoint(3, Decimal(t)), Checkpoint(12, Decimal("100"))) for t in texts]


def _shown(checkpoint: Checkpoint | None) -> str:
    assert checkpoint is not None
    return str(checkpoint.cumulative_pct)


def test_plan_line_keeps_each_plans_own_percentages() -> None:
    for text, plan in zip(("25", "25.00", "25.0"), _plans("25", "25.00", "25.0"), strict=True):
        assert _shown(plan_line(plan, 2091).checkpoints[0]) == text


def test_day_plan_keeps_each_plans_own_checkpoints() -> None:
    day = date(2092, 4, 30)
    for text, plan in zip(("25.00", "25"), _plans("25.00", "25"), strict=True):
        laid = day_plan(plan, 2092, day)
        assert (_shown(laid.last), _shown(laid.next)) == (text, "100")


def test_compute_variance_shows_the_plans_own_last_checkpoint() -> None:
    for text, plan in zip(("25", "25.00"), _plans("25", "25.00"), strict=True):
        result = compute_variance(budget_fen=1_000_000, plan=plan, actual_fen=0, as_of=date(2093, 5, 1), year=2093)
        assert _shown(result.last_checkpoint) == text
