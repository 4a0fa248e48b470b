"""Which units' data a caller may see. Every query that returns or changes a project's data goes through it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from tracker.errors import NotFound

Q = TypeVar("Q")


@dataclass(frozen=True, slots=True)
class Scope:
    """`dept_codes` None means every unit (finance bureau, CLI); otherwise only those units."""

    dept_codes: frozenset[str] | None = None
    can_write: bool = True

    @classmethod
    def everything(cls) -> Scope:
        return cls(None, True)

    def allows(self, dept_code: str) -> bool:
        return self.dept_codes is None or dept_code in self.dept_codes

    def filter(self, query: Q, column: Any) -> Q:
        """Add `column IN (units)` to a select when the scope is limited."""
        if self.dept_codes is None:
            return query
        return query.where(column.in_(sorted(self.dept_codes)))  # type: ignore[attr-defined]

    def check(self, dept_code: str, what: str = "项目") -> None:
        """Another unit's data answers 404, so that its existence does not leak."""
        if not self.allows(dept_code):
            raise NotFound(f"{what}不存在")
