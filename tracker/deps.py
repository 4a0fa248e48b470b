"""Request dependencies shared by every router: who is asking, and which units they may see.

`current_principal` is the single place that decides this. Until sign-in lands (issue 6) it
answers with an all-seeing admin; the pages-and-people work replaces its body with the signed-in
user (token or session cookie), and every route that depends on it is scoped from then on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

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

    def require_admin(self) -> None:
        if not self.is_admin:
            raise Forbidden("只有财政局管理员可以执行此操作")

    def require_write(self) -> None:
        if self.role == "viewer":
            raise Forbidden("只读用户不能修改数据")


def current_principal() -> Principal:
    return Principal(username="admin", role="admin", scope=Scope.everything())


def current_scope(principal: Annotated[Principal, Depends(current_principal)]) -> Scope:
    return principal.scope


PrincipalDep = Annotated[Principal, Depends(current_principal)]
ScopeDep = Annotated[Scope, Depends(current_scope)]
