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
    def can_write(self) -> bool:
        return self.role != "viewer"

    def require_admin(self) -> None:
        if not self.is_admin:
            raise Forbidden("只有财政局管理员可以执行此操作")

    def require_write(self) -> None:
        if not self.can_write:
            raise Forbidden("只读用户不能修改数据")


def principal_for(*, username: str, role: str, units: frozenset[str]) -> Principal:
    """Admins see every unit; department users their units; viewers their units, or all when given none."""
    if role == "admin":
        scope = Scope.everything()
    elif role == "department":
        scope = Scope(units, can_write=True)
    else:
        scope = Scope(units or None, can_write=False)
    return Principal(username=username, role=role, scope=scope)
