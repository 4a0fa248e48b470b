"""`GET /api/v1/users` and `PUT /api/v1/users/{id}/places`: who may look where (a province-wide admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from tracker.auth import service
from tracker.auth.rules import auth_rules
from tracker.deps import PrincipalDep, RulesDep, SessionDep
from tracker.errors import NotFound
from tracker.models import User

router = APIRouter(tags=["users"])


class PlaceOut(BaseModel):
    region_code: str
    dept_code: str


class UserOut(BaseModel):
    id: int
    username: str
    role: str
    active: bool
    regions: list[str]  # empty with no units: every region
    units: list[PlaceOut]


class PlacesIn(BaseModel):
    regions: list[str] = Field(default_factory=list, description="地区代码；单位用户可只给其单位所在的一个地区")
    units: list[str] = Field(default_factory=list, description="单位编码（在 regions 的地区内）")


class UserPage(BaseModel):
    items: list[UserOut]
    total: int


def _out(u: service.UserView) -> UserOut:
    return UserOut(
        id=u.id,
        username=u.username,
        role=u.role,
        active=u.active,
        regions=list(u.regions),
        units=[PlaceOut(region_code=r, dept_code=d) for r, d in u.unit_keys],
    )


@router.get("/users", response_model=UserPage)
def list_users(
    session: SessionDep,
    principal: PrincipalDep,
    q: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> UserPage:
    """Logins with their places, a page at a time (`q`: part of a username or name)."""
    principal.require_admin()
    principal.require_province()
    users, total = service.page_users(session=session, search=q, limit=limit, offset=offset)
    return UserPage(items=[_out(u) for u in users], total=total)


@router.put("/users/{user_id}/places", response_model=UserOut)
def set_places(user_id: int, body: PlacesIn, session: SessionDep, principal: PrincipalDep, rules: RulesDep) -> UserOut:
    """Set a login's regions and units (its sessions end; the change is audited)."""
    principal.require_admin()
    principal.require_province()
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在")
    view = service.update_user(
        session=session,
        username=user.username,
        units=body.units,
        regions=body.regions,
        rules=auth_rules(rules),
        actor=principal.username,
    )
    return _out(view)
