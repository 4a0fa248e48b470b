"""What a caller may see: the one visibility check (DOMAIN.md §1.1, README 账号与权限).

Whether an id arrives in the path, a query parameter or a body, a service asks here. Another unit's
project, batch, quarter or unit answers 404 exactly like a missing one, so its existence does not
leak. `Scope` (tracker/scope.py) says which units a caller covers; this module is the only place that
turns that into yes or no for a stored object, so widening scopes (regions) changes only these lines.
"""

from __future__ import annotations

from sqlmodel import Session, select

from tracker.errors import NotFound
from tracker.models import BatchPeriod, Project, Submission, UploadBatch
from tracker.scope import Scope


def can_see_unit(scope: Scope, dept_code: str) -> bool:
    """Whether the scope covers the unit."""
    return scope.allows(dept_code)


def can_see(scope: Scope, project: Project) -> bool:
    """Whether the scope covers the project."""
    return can_see_unit(scope, project.dept_code)


def check_unit(scope: Scope, dept_code: str, what: str = "单位") -> None:
    """NotFound (404) unless the scope covers the unit."""
    if not can_see_unit(scope, dept_code):
        raise NotFound(f"{what}不存在")


def visible_project(*, session: Session, scope: Scope, project_id: int) -> Project:
    """The project when the scope may see it, else NotFound (404) whether it exists or not."""
    project = session.get(Project, project_id)
    if project is None or not can_see(scope, project):
        raise NotFound(f"项目{project_id}不存在")
    return project


def visible_batch(*, session: Session, scope: Scope, batch_id: int) -> UploadBatch:
    """An upload batch when the scope covers every unit it touched (a limited scope: at least one), else 404."""
    batch = session.get(UploadBatch, batch_id)
    depts = set(session.exec(select(BatchPeriod.dept_code).where(BatchPeriod.batch_id == batch_id)).all())
    if batch is None or (scope.dept_codes is not None and not depts) or not all(can_see_unit(scope, d) for d in depts):
        raise NotFound(f"批次{batch_id}不存在")
    return batch


def visible_submission(*, session: Session, scope: Scope, submission_id: int) -> Submission:
    """A quarterly submission of a unit the scope covers, else NotFound (404)."""
    sub = session.get(Submission, submission_id)
    if sub is None or not can_see_unit(scope, sub.dept_code):
        raise NotFound(f"季度报送{submission_id}不存在")
    return sub
