"""Reading projects back (the import itself lives in importer.py). Services never commit."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, func, select

from tracker.access import visible_project
from tracker.bulk import chunks, matching
from tracker.core.project import Accumulation, Checkpoint, IndicatorData, ProjectData
from tracker.core.values import Comparator, Direction, Kind, TargetValue
from tracker.models import (
    Dept,
    Indicator,
    Objective,
    PlanCheckpoint,
    Project,
)
from tracker.scope import Scope
from tracker.targets.importer import ImportSummary, import_targets, parse_file
from tracker.targets.schemas import ProjectOut, project_out

log = logging.getLogger(__name__)
__all__ = [
    "ImportSummary",
    "core_of",
    "get_project",
    "import_targets",
    "iter_core",
    "list_projects",
    "load_core",
    "parse_file",
]
CORE_CHUNK = 2_000  # projects per piece of iter_core: a few MB of objects, few round trips


def list_projects(
    *,
    session: Session,
    scope: Scope,
    year: int | None = None,
    dept_code: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[ProjectOut], int]:
    """Projects the scope may see, in table order, with their total count."""
    query = scope.filter(select(Project), Project.dept_code)
    if year is not None:
        query = query.where(Project.year == year)
    if dept_code is not None:
        query = query.where(Project.dept_code == dept_code)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    query = query.order_by(col(Project.year), col(Project.heading_no), col(Project.id)).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    projects = list(session.exec(query))
    return _assemble(session, projects), int(total)


def get_project(*, session: Session, scope: Scope, project_id: int) -> ProjectOut:
    """One project; another unit's project answers 404 like a missing one."""
    project = visible_project(session=session, scope=scope, project_id=project_id)
    return _assemble(session, [project])[0]


@dataclass(slots=True)
class _Children:
    depts: dict[str, str]
    plans: dict[int, list[PlanCheckpoint]]
    objectives: dict[int, list[str]]
    indicators: dict[int, list[Indicator]]


def usable_checkpoint(c: PlanCheckpoint) -> bool:
    """A stored checkpoint the rules can use: month 1–12 and a finite percentage within 0–100."""
    pct = c.cumulative_pct
    if not isinstance(pct, Decimal) or not pct.is_finite():
        return False
    return 1 <= c.month <= 12 and 0 <= pct <= 100


def _children(session: Session, projects: Sequence[Project], among: Any = None) -> _Children:
    """Load children for many projects with one query per table (no N+1).

    `among` is the projects' own query (their ids as a subquery), so that a whole province's children
    are selected by a join rather than by a list of ids; without it the ids go in bounded pieces.
    """
    ids = [p.id for p in projects if p.id is not None]
    out = _Children({}, defaultdict(list), defaultdict(list), defaultdict(list))
    if not ids:
        return out

    def of(column: Any) -> list[Any]:
        return [column.in_(among)] if among is not None else list(matching(session, column, ids))

    for code in matching(session, col(Dept.code), sorted({p.dept_code for p in projects})):
        out.depts.update((d.code, d.name) for d in session.exec(select(Dept).where(code)))
    for among_ids in of(col(PlanCheckpoint.project_id)):
        for c in session.exec(select(PlanCheckpoint).where(among_ids).order_by(col(PlanCheckpoint.month))):
            if usable_checkpoint(c):
                out.plans[c.project_id].append(c)
            else:  # stored before the reader refused it: one bad cell must not stop every reader of the county
                log.warning("plan checkpoint %s of project %s ignored: %r%% in month %r", c.id, c.project_id,
                            c.cumulative_pct, c.month)  # fmt: skip
    for among_ids in of(col(Objective.project_id)):
        for o in session.exec(select(Objective).where(among_ids).order_by(col(Objective.seq))):
            out.objectives[o.project_id].append(o.text)
    for among_ids in of(col(Indicator.project_id)):
        for i in session.exec(select(Indicator).where(among_ids).order_by(col(Indicator.seq))):
            out.indicators[i.project_id].append(i)
    return out


def _assemble(session: Session, projects: Sequence[Project]) -> list[ProjectOut]:
    ch = _children(session, projects)
    return [
        project_out(
            p,
            dept_name=ch.depts.get(p.dept_code, ""),
            objectives=ch.objectives[p.id],
            plan=ch.plans[p.id],
            indicators=ch.indicators[p.id],
        )
        for p in projects
        if p.id is not None
    ]


def load_core(
    *, session: Session, scope: Scope, year: int | None = None, dept_code: str | None = None
) -> list[tuple[Project, ProjectData]]:
    """Stored projects with their plain-value form for the pure rules (variance, scoring, review)."""
    query = scope.filter(select(Project), Project.dept_code)
    if year is not None:
        query = query.where(Project.year == year)
    if dept_code is not None:
        query = query.where(Project.dept_code == dept_code)
    projects = list(session.exec(query.order_by(col(Project.year), col(Project.heading_no), col(Project.id))))
    ch = _children(session, projects, among=query.with_only_columns(col(Project.id)))
    return [(p, _core(p, ch)) for p in projects if p.id is not None]


def iter_core(
    *, session: Session, scope: Scope, year: int | None = None, dept_code: str | None = None, size: int = CORE_CHUNK
) -> Iterator[list[tuple[Project, ProjectData]]]:
    """`load_core` in pieces of `size` projects, in the same order, so that memory does not grow with the install.

    Only the ordered ids are held for the whole selection; each piece reads its projects and children.
    """
    query = scope.filter(select(Project.id), Project.dept_code)
    if year is not None:
        query = query.where(Project.year == year)
    if dept_code is not None:
        query = query.where(Project.dept_code == dept_code)
    ordered = session.exec(query.order_by(col(Project.year), col(Project.heading_no), col(Project.id))).all()
    for part in chunks((i for i in ordered if i is not None), size):
        yield core_of(session=session, project_ids=part)


def core_of(*, session: Session, project_ids: Sequence[int]) -> list[tuple[Project, ProjectData]]:
    """These projects (in the order given; scope is the caller's) with their plain-value form."""
    found: dict[int, Project] = {}
    for among in matching(session, col(Project.id), project_ids):
        found.update((p.id, p) for p in session.exec(select(Project).where(among)) if p.id is not None)
    projects = [found[i] for i in project_ids if i in found]
    ch = _children(session, projects)
    return [(p, _core(p, ch)) for p in projects]


def indicator_target(i: Indicator) -> TargetValue:
    """A stored indicator's target as the pure TargetValue."""
    return TargetValue(
        text=i.target_text,
        kind=Kind(i.kind),
        comparator=Comparator(i.comparator) if i.comparator else None,
        value=i.value,
        unit=i.unit,
        norm_value=i.norm_value,
        norm_unit=i.norm_unit,
        direction=Direction(i.direction),
        high=i.value_high,
        approximate=i.approximate,
    )


def _core(p: Project, ch: _Children) -> ProjectData:
    assert p.id is not None
    return ProjectData(
        year=p.year,
        dept_code=p.dept_code,
        dept_name=ch.depts.get(p.dept_code, ""),
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
                accumulation=Accumulation(i.accumulation),
                weight=i.weight,
                applicable=i.applicable,
            )
            for i in ch.indicators[p.id]
        ],
        incomplete=p.incomplete,
        heading_no=p.heading_no,
        source_line=p.source_line,
    )
