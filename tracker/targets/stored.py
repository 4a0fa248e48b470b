"""A stored indicator as the pure core's TargetValue: light enough for the upload's checks to import without
the targets service (its importer and layouts)."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

from tracker.core.project import Accumulation
from tracker.core.values import Comparator, Direction, Kind, TargetValue

E = TypeVar("E", bound=Enum)


def _member(kind: type[E]) -> Callable[[Any], E]:
    """`kind(value)` through a dict of its members by value: an Enum call costs ~1 µs and every indicator
    read makes four; a value that is no member still raises as the call does."""
    members: dict[Any, E] = {m.value: m for m in kind}

    def of(value: Any) -> E:
        found = members.get(value)
        return found if found is not None else kind(value)

    return of


_kind, _comparator, _direction, accumulation_of = (
    _member(Kind),
    _member(Comparator),
    _member(Direction),
    _member(Accumulation),
)


def indicator_target(i: Any) -> TargetValue:
    """A stored indicator's target (an `Indicator` or its table row) as the pure TargetValue."""
    return TargetValue(
        text=i.target_text,
        kind=_kind(i.kind),
        comparator=_comparator(i.comparator) if i.comparator else None,
        value=i.value,
        unit=i.unit,
        norm_value=i.norm_value,
        norm_unit=i.norm_unit,
        direction=_direction(i.direction),
        high=i.value_high,
        approximate=i.approximate,
    )
