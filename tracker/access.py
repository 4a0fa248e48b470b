"""What a caller may see: the one visibility check (DOMAIN.md §1.1, README 账号与权限).

Whether an id arrives in the path, a query parameter or a body, a service asks here. Another place's
project, batch, quarter or unit answers 404 exactly like a missing one, so its existence does not
leak. `Scope` (tracker/scope.py) says which regions and (region, unit) pairs a caller covers; this
module is the only place that turns that into yes or no for a stored object.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, select

from tracker.errors import Forbidden, NotFound
from tracker.models import BatchPeriod, Project, Submission, UploadBatch
from tracker.scope import Scope


def can_see_unit(scope: Scope, region_code: str | None, dept_code: str | None) -> bool:
    """Whether the scope covers the unit (a unit is a region and a code)."""
    return scope.allows(region_code, dept_code)


def can_see(scope: Scope, project: Project) -> bool:
    """Whether the scope covers the project (the single place that decides it)."""
    return scope.sees(project)


def check_unit(scope: Scope, region_code: str | None, dept_code: str, what: str = "单位") -> None:
    """NotFound (404) unless the scope covers the unit."""
    if not can_see_unit(scope, region_code, dept_code):
        raise NotFound(f"{what}不存在")


def check_regions(scope: Scope, regions: Iterable[str], what: str = "文件") -> None:
    """Forbidden (403) unless the scope covers every one of these whole regions (a file the caller sent).

    The caller already holds the file, so naming its region leaks nothing; a unit's scope never covers
    a whole region, and a county finance bureau covers only its own county.
    """
    outside = sorted(r for r in set(regions) if scope.units is not None or not scope.allows_region(r))
    if outside:
        raise Forbidden(f"{what}中含有地区 {'、'.join(outside)} 的项目，不在您的管理范围内，不能导入")


def visible_project(*, session: Session, scope: Scope, project_id: int) -> Project:
    """The project when the scope may see it, else NotFound (404) whether it exists or not."""
    project = session.get(Project, project_id)
    if project is None or not can_see(scope, project):
        raise NotFound(f"项目{project_id}不存在")
    return project


def visible_batch(*, session: Session, scope: Scope, batch_id: int) -> UploadBatch:
    """An upload batch when the scope covers every unit it touched (a limited scope: at least one), else 404."""
    batch = session.get(UploadBatch, batch_id)
    periods = session.exec(select(BatchPeriod).where(BatchPeriod.batch_id == batch_id)).all()
    if batch is None or (scope.limited and not periods) or not all(scope.sees(p) for p in periods):
        raise NotFound(f"批次{batch_id}不存在")
    return batch


def visible_submission(*, session: Session, scope: Scope, submission_id: int) -> Submission:
    """A quarterly submission of a unit the scope covers, else NotFound (404)."""
    sub = session.get(Submission, submission_id)
    if sub is None or not scope.sees(sub):
        raise NotFound(f"季度报送{submission_id}不存在")
    return sub
