"""Which places' data a caller may see. Every query that returns or changes a project's data goes through it.

A place is a region (行政区划) and a unit inside it: unit codes repeat across regions (two counties
both have 314001), so a unit is always the pair (region, unit code). A scope is limited to whole
regions (a county finance bureau, a city), to units (a unit user), or to nothing (the province).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import Select as SqlSelect
from sqlalchemy import and_, false, or_

from tracker.errors import NotFound

Q = TypeVar("Q", bound=SqlSelect[Any])  # select(...) of sqlmodel or SQLAlchemy: .where keeps the type
Unit = tuple[str, str]  # (region code, unit code)


class Placed(Protocol):
    """Anything that belongs to a unit: a project, a submission, a batch period, a message."""

    @property
    def region_code(self) -> str | None: ...

    @property
    def dept_code(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Scope:
    """`units` None: every unit of the allowed regions; `regions` None: every region (province, CLI)."""

    units: frozenset[Unit] | None = None
    can_write: bool = True
    regions: frozenset[str] | None = None

    @classmethod
    def everything(cls) -> Scope:
        return cls(None, True, None)

    @classmethod
    def of_units(cls, units: Iterable[Unit], *, can_write: bool = True) -> Scope:
        """Limited to these units (each (region, unit code))."""
        return cls(frozenset(units), can_write, None)

    @classmethod
    def of_regions(cls, regions: Iterable[str], *, can_write: bool = True) -> Scope:
        """Limited to whole regions."""
        return cls(None, can_write, frozenset(regions))

    @property
    def limited(self) -> bool:
        """True unless the scope sees every region and unit."""
        return self.units is not None or self.regions is not None

    @property
    def unit_codes(self) -> frozenset[str] | None:
        """The unit codes of a unit-limited scope (without their regions), else None."""
        return None if self.units is None else frozenset(d for _, d in self.units)

    def allows_region(self, region_code: str | None) -> bool:
        """True when some of the region's data may be seen."""
        if not self.limited:
            return True
        if region_code is None:
            return False
        if self.units is not None:
            return any(r == region_code for r, _ in self.units)
        return self.regions is None or region_code in self.regions

    def allows(self, region_code: str | None, dept_code: str | None) -> bool:
        """True when this unit's data may be seen."""
        if not self.limited:
            return True
        if region_code is None or dept_code is None:
            return False
        if self.units is not None:
            return (region_code, dept_code) in self.units
        return self.regions is None or region_code in self.regions

    def sees(self, thing: Placed) -> bool:
        """True when the scope may see a row that belongs to a unit."""
        return self.allows(thing.region_code, thing.dept_code)

    def filter(self, query: Q, region_column: Any, dept_column: Any) -> Q:
        """Limit a select to the scope's places (regions, or (region, unit) pairs)."""
        if self.units is not None:
            by_region: dict[str, set[str]] = defaultdict(set)
            for region, dept in self.units:
                by_region[region].add(dept)
            if not by_region:
                return query.where(false())
            parts = [and_(region_column == r, dept_column.in_(sorted(d))) for r, d in sorted(by_region.items())]
            query = query.where(or_(*parts))
        if self.regions is not None:
            query = query.where(region_column.in_(sorted(self.regions)))
        return query

    def check(self, region_code: str | None, dept_code: str | None, what: str = "项目") -> None:
        """Another place's data answers 404, so that its existence does not leak."""
        if not self.allows(region_code, dept_code):
            raise NotFound(f"{what}不存在")
