"""Read-only project routes. Scoping comes from `current_scope`, which the sign-in layer provides."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from tracker.deps import ScopeDep, SessionDep
from tracker.targets import service
from tracker.targets.schemas import ProjectOut

router = APIRouter(tags=["projects"])


class ProjectPage(BaseModel):
    items: list[ProjectOut]
    total: int


@router.get("/projects", response_model=ProjectPage)
def list_projects(
    session: SessionDep,
    scope: ScopeDep,
    year: int | None = None,
    dept_code: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ProjectPage:
    items, total = service.list_projects(
        session=session, scope=scope, year=year, dept_code=dept_code, limit=limit, offset=offset
    )
    return ProjectPage(items=items, total=total)


@router.get("/projects/{project_id}", response_model=ProjectOut)
def get_project(project_id: int, session: SessionDep, scope: ScopeDep) -> ProjectOut:
    return service.get_project(session=session, scope=scope, project_id=project_id)
