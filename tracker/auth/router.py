"""API sign-in: the OAuth2 password flow gives a signed bearer token; `me` says who it belongs to."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from tracker.auth import credentials
from tracker.auth.rules import auth_rules
from tracker.auth.tokens import issue_token
from tracker.config import get_settings
from tracker.deps import PrincipalDep, RulesDep, SessionDep, client_ip

router = APIRouter(prefix="/auth", tags=["auth"])


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class MeOut(BaseModel):
    username: str
    role: str
    units: list[str] | None  # unit codes; None: every unit of `regions`
    regions: list[str] | None = None  # None: every region
    places: list[dict[str, str]] | None = None  # [{"region_code", "dept_code"}] of a unit-limited login


def refused(locked: bool) -> JSONResponse:
    """401 for a wrong password, 429 while this username and address are locked out (committed, not raised)."""
    if locked:
        body = {"error": "TooManyAttempts", "detail": "登录失败次数过多，请稍后再试"}
        return JSONResponse(body, status_code=429)
    body = {"error": "Unauthorized", "detail": "用户名或密码错误"}
    return JSONResponse(body, status_code=401, headers={"WWW-Authenticate": "Bearer"})


@router.post("/token", response_model=TokenOut, responses={401: {}, 429: {}})
def token(
    request: Request,
    session: SessionDep,
    loaded: RulesDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> TokenOut | JSONResponse:
    rules = auth_rules(loaded)
    result = credentials.authenticate(
        session=session, username=form.username, password=form.password, ip=client_ip(request), rules=rules
    )
    if result.principal is None:
        return refused(result.locked)
    access = issue_token(
        secret=get_settings().resolved_secret_key(), username=form.username, token_version=result.token_version
    )
    return TokenOut(access_token=access, expires_in=int(rules.token_ttl.total_seconds()))


@router.get("/me", response_model=MeOut)
def me(principal: PrincipalDep) -> MeOut:
    scope = principal.scope
    codes, units = scope.unit_codes, scope.units
    regions = sorted(scope.regions) if scope.regions is not None else None
    if units is not None:
        regions = sorted({r for r, _ in units})
    return MeOut(
        username=principal.username,
        role=principal.role,
        units=sorted(codes) if codes is not None else None,
        regions=regions,
        places=[{"region_code": r, "dept_code": d} for r, d in sorted(units)] if units is not None else None,
    )
