"""Which projects a monitoring view or statement covers: one year, measured on one day, in a scope.

The dashboard (board.py) and the variance statement (spend_sql.py) both choose projects this way; the rule
(the scope, the year, a unit, a region, the dashboard's search words) is written here once, as a condition
on the project table, so no list of ids travels whatever the size of the selection.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from tracker.models import Dept, Project
from tracker.scope import Scope

_P = Project.__table__.c  # type: ignore[attr-defined]
_D = Dept.__table__.c  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Selection:
    """The projects of `year` the scope sees (a unit's, a region's), measured on `day`; a page of them."""

    scope: Scope
    year: int
    day: date
    dept_code: str | None = None
    region_code: str | None = None
    query: str | None = None  # the dashboard's search: project name or code, unit code or name
    limit: int | None = None  # one page of the selection in table order: this many from `offset`
    offset: int = 0


def chosen(sel: Selection, query: sa.Select[Any]) -> sa.Select[Any]:
    """A query over the project table limited to the selection (no page: callers order and page)."""
    query = sel.scope.filter(query.where(_P.year == sel.year), _P.region_code, _P.dept_code)
    if sel.dept_code:
        query = query.where(_P.dept_code == sel.dept_code)
    if sel.region_code:
        query = query.where(_P.region_code == sel.region_code)
    if sel.query and sel.query.strip():
        q = sel.query.strip().lower()
        names = sa.select(_D.code).where(sa.func.lower(_D.name).contains(q, autoescape=True))
        query = query.where(
            sa.or_(
                sa.func.lower(_P.name).contains(q, autoescape=True),
                sa.func.lower(_P.code).contains(q, autoescape=True),
                _P.dept_code.contains(q, autoescape=True),
                _P.dept_code.in_(names),
            )
        )
    return query


def count(session: Session, sel: Selection) -> int:
    """How many projects the selection holds (whatever its page)."""
    table = Project.__table__  # type: ignore[attr-defined]
    return int(session.execute(chosen(sel, sa.select(sa.func.count()).select_from(table))).scalar_one())
