"""What a caller may see: the one visibility check. Another unit's data answers 404, like missing data."""

from __future__ import annotations

from sqlmodel import Session

from tracker.errors import NotFound
from tracker.models import Project
from tracker.scope import Scope


def can_see(scope: Scope, project: Project) -> bool:
    """Whether the scope covers the project (the single place that decides it)."""
    return scope.allows(project.dept_code)


def visible_project(*, session: Session, scope: Scope, project_id: int) -> Project:
    """The project when the scope may see it, else NotFound (404) whether it exists or not."""
    project = session.get(Project, project_id)
    if project is None or not can_see(scope, project):
        raise NotFound(f"项目{project_id}不存在")
    return project
