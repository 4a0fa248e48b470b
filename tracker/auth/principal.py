"""Who is asking: the signed-in user as the routes and services see it."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.errors import Forbidden
from tracker.scope import Scope


@dataclass(frozen=True, slots=True)
class Principal:
    """A signed-in user: `admin` (finance bureau), `department` (its units) or `viewer` (read only)."""

    username: str
    role: str
    scope: Scope

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_province(self) -> bool:
        """An admin whose scope is not limited to some regions: may set up places and people everywhere."""
        return self.is_admin and not self.scope.limited

    @property
    def can_write(self) -> bool:
        return self.role != "viewer"

    def require_admin(self) -> None:
        if not self.is_admin:
            raise Forbidden("只有财政局管理员可以执行此操作")

    def require_province(self) -> None:
        """People and alert recipients are set up by a province-wide admin: a county's admin would see
        (and could raise) other counties' logins."""
        if not self.is_province:
            raise Forbidden("只有全省（不限地区）的管理员可以管理用户和预警联系人")

    def require_write(self) -> None:
        if not self.can_write:
            raise Forbidden("只读用户不能修改数据")


def principal_for(
    *, username: str, role: str, units: frozenset[tuple[str, str]], regions: frozenset[str] = frozenset()
) -> Principal:
    """Where each role looks (DOMAIN.md §1.1); `units` are (region, unit code) pairs.

    An admin without regions is province-wide, with regions a county (or city) finance bureau; a
    department user sees its units; a viewer its units, else its regions, else everything.
    """
    if role == "admin":
        scope = Scope.of_regions(regions) if regions else Scope.everything()
    elif role == "department":
        scope = Scope.of_units(units, can_write=True)
    elif units:
        scope = Scope.of_units(units, can_write=False)
    else:
        scope = Scope(None, can_write=False, regions=regions or None)
    return Principal(username=username, role=role, scope=scope)
