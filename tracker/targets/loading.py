"""Projects' published data read back for the rules: which projects a scope sees and in what order (`where`,
`ORDER`), their rows of every child table in one query per table, and their plain-value form for the pure core
(`load_core`, `iter_core`, `core_of`). Services never commit."""

from __future__ import annotations

import logging
from collections import defaultdict, namedtuple
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import Table
from sqlmodel import Session, col, select

from tracker.budget.service import load_budgets
from tracker.bulk import chunks, matching
from tracker.core.budget import Budget
from tracker.core.project import Checkpoint, IndicatorData, ProjectData
from tracker.models import (
    Dept,
    Indicator,
    Objective,
    PlanCheckpoint,
    Project,
    Region,
)
from tracker.scope import Scope
from tracker.targets.stored import accumulation_of, indicator_target

log = logging.getLogger(__name__)
__all__ = [
    "CORE_CHUNK",
    "INDICATOR",
    "OBJECTIVE",
    "ORDER",
    "PLAN",
    "children",
    "core_of",
    "iter_core",
    "load_core",
    "project_keys",
    "usable_checkpoint",
    "where",
]
CORE_CHUNK = 2_000  # projects per piece of iter_core: a few MB of objects, few round trips


# Table order: a year, then region by region, each in the order of its published file.
ORDER = (col(Project.year), col(Project.region_code), col(Project.heading_no), col(Project.id))


def where(scope: Scope, query: Any, *, year: int | None, dept_code: str | None, region_code: str | None) -> Any:
    """The query narrowed to what the scope may see and to the year, unit and region given (None: any)."""
    query = scope.filter(query, Project.region_code, Project.dept_code)
    for column, value in ((Project.year, year), (Project.dept_code, dept_code), (Project.region_code, region_code)):
        if value is not None:
            query = query.where(column == value)
    return query


@dataclass(slots=True)
class _Children:
    """Each table's rows for a set of projects, as named tuples (attribute access like the ORM objects)."""

    depts: dict[tuple[str, str], str]
    regions: dict[str, str]
    budgets: dict[int, Budget]
    plans: dict[int, list[Any]]  # plan_checkpoint rows, month order
    objectives: dict[int, list[str]]
    indicators: dict[int, list[Any]]  # indicator rows, seq order


PLAN: Table = PlanCheckpoint.__table__  # type: ignore[attr-defined]
OBJECTIVE: Table = Objective.__table__  # type: ignore[attr-defined]
INDICATOR: Table = Indicator.__table__  # type: ignore[attr-defined]


_ZERO, _HUNDRED = Decimal(0), Decimal(100)


def _named(table: Table) -> Callable[[Any], Any]:
    """A table's rows as named tuples: a column by name is then a tuple index (~10 ns), where a SQLAlchemy
    Row looks the name up each time (~300 ns); an indicator's target and data read some twenty columns."""
    row: Any = namedtuple(f"{table.name}_row", [c.key for c in table.c])  # type: ignore[misc]
    return cast(Callable[[Any], Any], row._make)


_plan_row, _indicator_row = _named(PLAN), _named(INDICATOR)


def usable_checkpoint(c: Any) -> bool:
    """A stored checkpoint the rules can use: month 1–12 and a finite percentage within 0–100."""
    pct = c.cumulative_pct
    if not isinstance(pct, Decimal) or not pct.is_finite():
        return False
    return bool(1 <= c.month <= 12 and _ZERO <= pct <= _HUNDRED)


def children(session: Session, projects: Sequence[Project], among: Any = None, *, indicators: bool = True) -> _Children:
    """Load children for many projects with one query per table (no N+1), as rows rather than ORM objects.

    `among` is the projects' own query (their ids as a subquery), so that a whole province's children
    are selected by a join rather than by a list of ids; without it the ids go in bounded pieces.
    Without `indicators` the objectives and indicators are not read (the spending rules need neither).
    """
    ids = [p.id for p in projects if p.id is not None]
    out = _Children({}, {}, {}, defaultdict(list), defaultdict(list), defaultdict(list))
    if not ids:
        return out

    def of(column: Any) -> list[Any]:
        return [column.in_(among)] if among is not None else list(matching(session, column, ids))

    dept_query = sa.select(col(Dept.region_code), col(Dept.code), col(Dept.name))
    for code in matching(session, col(Dept.code), sorted({p.dept_code for p in projects})):
        out.depts.update(((r, c), n) for r, c, n in session.execute(dept_query.where(code)))
    out.regions = {c: n for c, n in session.execute(sa.select(col(Region.code), col(Region.name)))}
    out.budgets = load_budgets(session=session, projects=projects)
    for among_ids in of(PLAN.c.project_id):
        for c in map(_plan_row, session.execute(sa.select(PLAN).where(among_ids).order_by(PLAN.c.month))):
            if usable_checkpoint(c):
                out.plans[c.project_id].append(c)
            else:  # stored before the reader refused it: one bad cell must not stop every reader of the county
                log.warning("plan checkpoint %s of project %s ignored: %r%% in month %r", c.id, c.project_id,
                            c.cumulative_pct, c.month)  # fmt: skip
    if not indicators:
        return out
    for among_ids in of(OBJECTIVE.c.project_id):
        query = sa.select(OBJECTIVE.c.project_id, OBJECTIVE.c.text).where(among_ids).order_by(OBJECTIVE.c.seq)
        for pid, text in session.execute(query).all():
            out.objectives[pid].append(text)
    for among_ids in of(INDICATOR.c.project_id):
        query = sa.select(INDICATOR).where(among_ids).order_by(INDICATOR.c.seq)
        for i in map(_indicator_row, session.execute(query)):
            out.indicators[i.project_id].append(i)
    return out


def load_core(
    *,
    session: Session,
    scope: Scope,
    year: int | None = None,
    dept_code: str | None = None,
    region_code: str | None = None,
) -> list[tuple[Project, ProjectData]]:
    """Stored projects with their plain-value form for the pure rules, budget versions included."""
    query = where(scope, select(Project), year=year, dept_code=dept_code, region_code=region_code)
    projects = list(session.exec(query.order_by(*ORDER)))
    ch = children(session, projects, among=query.with_only_columns(col(Project.id)))
    return [(p, _core(p, ch)) for p in projects if p.id is not None]


def iter_core(
    *,
    session: Session,
    scope: Scope,
    year: int | None = None,
    dept_code: str | None = None,
    size: int = CORE_CHUNK,
    region_code: str | None = None,
    indicators: bool = True,
) -> Iterator[list[tuple[Project, ProjectData]]]:
    """`load_core` in pieces of `size` projects, in the same order, so that memory does not grow with the install.

    Only the ordered ids are held for the whole selection; each piece reads its projects and children.
    """
    query = where(scope, select(Project.id), year=year, dept_code=dept_code, region_code=region_code)
    ordered = session.exec(query.order_by(*ORDER)).all()
    for part in chunks((i for i in ordered if i is not None), size):
        yield core_of(session=session, project_ids=part, indicators=indicators)


def project_keys(
    *, session: Session, scope: Scope, year: int, dept_code: str | None = None, region_code: str | None = None
) -> list[tuple[int, str, str]]:
    """(id, region, unit code) of the year's projects the scope may see, in table order (that of `load_core`).

    Small rows, so that an export can plan its pieces by unit before reading any project whole.
    """
    query = where(
        scope,
        select(Project.id, Project.region_code, Project.dept_code),
        year=year,
        dept_code=dept_code,
        region_code=region_code,
    )
    return [(i, region, dept) for i, region, dept in session.exec(query.order_by(*ORDER)) if i is not None]


def core_of(
    *, session: Session, project_ids: Sequence[int], indicators: bool = True
) -> list[tuple[Project, ProjectData]]:
    """These projects (in the order given; scope is the caller's) with their plain-value form.

    Without `indicators` the ProjectData carry no objectives and no indicators (spending rules only).
    """
    found: dict[int, Project] = {}
    for among in matching(session, col(Project.id), project_ids):
        found.update((p.id, p) for p in session.exec(select(Project).where(among)) if p.id is not None)
    projects = [found[i] for i in project_ids if i in found]
    ch = children(session, projects, indicators=indicators)
    return [(p, _core(p, ch)) for p in projects]


def _core(p: Project, ch: _Children) -> ProjectData:
    assert p.id is not None
    return ProjectData(
        year=p.year,
        dept_code=p.dept_code,
        dept_name=ch.depts.get((p.region_code, p.dept_code), ""),
        region_code=p.region_code,
        region_name=ch.regions.get(p.region_code, ""),
        budget=ch.budgets[p.id],
        code=p.code,
        name=p.name,
        budget_fen=p.budget_fen,
        fiscal_fen=p.fiscal_fen,
        other_fen=p.other_fen,
        purpose=p.purpose,
        objectives=list(ch.objectives[p.id]),
        plan=[Checkpoint(c.month, c.cumulative_pct) for c in ch.plans[p.id]],
        indicators=[
            IndicatorData(
                seq=i.seq,
                level1=i.level1,
                level2=i.level2,
                level3=i.level3,
                description=i.description,
                target=indicator_target(i),
                basis=i.basis,
                accumulation=accumulation_of(i.accumulation),
                weight=i.weight,
                applicable=i.applicable,
            )
            for i in ch.indicators[p.id]
        ],
        incomplete=p.incomplete,
        heading_no=p.heading_no,
        source_line=p.source_line,
    )
