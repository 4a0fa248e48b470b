"""Showing projects (the list and one project) and the import's entry points; the sets the rules read are
loading.py, the import itself importer.py. Services never commit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TypeVar

from sqlmodel import Session, func, select

from tracker.access import visible_project
from tracker.config import get_settings
from tracker.models import Project
from tracker.scope import Scope
from tracker.targets.importer import ImportSummary, import_targets, parse_file
from tracker.targets.loading import ORDER, children, where
from tracker.targets.schemas import ProjectOut, project_out

__all__ = [
    "ImportSummary",
    "get_project",
    "import_targets",
    "list_projects",
    "parse_file",
]
T = TypeVar("T")


def list_projects(
    *,
    session: Session,
    scope: Scope,
    year: int | None = None,
    dept_code: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    region_code: str | None = None,
) -> tuple[list[ProjectOut], int]:
    """Projects the scope may see, in table order, with their total count."""
    projects, total = _page(session, scope, year=year, dept_code=dept_code, limit=limit, offset=offset,
                            region_code=region_code)  # fmt: skip
    return _assemble(session, projects, project_out), total


def _page(
    session: Session,
    scope: Scope,
    *,
    year: int | None,
    dept_code: str | None,
    limit: int | None,
    offset: int,
    region_code: str | None,
) -> tuple[list[Project], int]:
    query = where(scope, select(Project), year=year, dept_code=dept_code, region_code=region_code)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    query = query.order_by(*ORDER).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query)), int(total)


def get_project(*, session: Session, scope: Scope, project_id: int) -> ProjectOut:
    """One project; another unit's project answers 404 like a missing one."""
    project = visible_project(session=session, scope=scope, project_id=project_id)
    return _assemble(session, [project], project_out)[0]


def today() -> date:
    return datetime.now(get_settings().tz).date()


def clamped(day: date, year: int) -> date:
    """A day moved into the project's year: before it the year's start, after it the year's end."""
    return min(max(day, date(year, 1, 1)), date(year, 12, 31))


def _assemble(session: Session, projects: Sequence[Project], shape: Callable[..., T]) -> list[T]:
    """Each project in `shape`, its children read in one query per table."""
    ch = children(session, projects)
    on = today()
    return [
        shape(
            p,
            dept_name=ch.depts.get((p.region_code, p.dept_code), ""),
            region_name=ch.regions.get(p.region_code, ""),
            effective_fen=ch.budgets[p.id].on(clamped(on, p.year)),
            objectives=ch.objectives[p.id],
            plan=ch.plans[p.id],
            indicators=ch.indicators[p.id],
        )
        for p in projects
        if p.id is not None
    ]
