"""Places (DOMAIN.md §1.1): regions, and units that are unique only inside their region.

A unit code alone (`314001`) names a unit only when the install holds one region with that code; a
command or a form that is given a code without its region is resolved here, once, the same way.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from tracker.errors import InvalidInput, NotFound
from tracker.models import Dept, Region
from tracker.scope import Scope


def region_of(project_code: str) -> str | None:
    """The region of a project: the first six digits of its 项目编码, or None when it has none."""
    head = project_code[:6]
    return head if len(head) == 6 and head.isascii() and head.isdigit() else None


def regions(*, session: Session) -> list[Region]:
    """Every region, by code."""
    return list(session.exec(select(Region).order_by(col(Region.code))))


def only_region(*, session: Session) -> str | None:
    """The install's one region, or None when it holds none or several."""
    codes = list(session.exec(select(Region.code).limit(2)))
    return codes[0] if len(codes) == 1 else None


def resolve_unit(
    *, session: Session, dept_code: str, region_code: str | None = None, scope: Scope | None = None
) -> Dept:
    """The unit with this code; without a region the code must name exactly one unit (the scope may see)."""
    query = select(Dept).where(Dept.code == dept_code)
    if region_code:
        query = query.where(Dept.region_code == region_code)
    if scope is not None:
        query = scope.filter(query, Dept.region_code, Dept.code)  # another place's unit does not exist here
    found = list(session.exec(query.limit(2)))
    if not found:
        where = f"地区{region_code}" if region_code else ""
        raise NotFound(f"{where}单位{dept_code}不存在")
    if len(found) > 1:
        raise InvalidInput(f"多个地区都有单位{dept_code}，请指定地区（--region 或 region_code）")
    return found[0]


def default_region(*, session: Session, region_code: str | None) -> str:
    """The region given, checked; where the install holds one region it may be left out."""
    if region_code:
        if session.get(Region, region_code) is None:
            raise NotFound(f"地区{region_code}不存在")
        return region_code
    only = only_region(session=session)
    if only is None:
        raise InvalidInput("系统中有多个地区（或还没有导入任何目标表），请指定地区（--region）")
    return only
