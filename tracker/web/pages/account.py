"""账号: a signed-in user changes their own password (the current one first)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tracker.auth.credentials import change_own_password
from tracker.auth.rules import auth_rules
from tracker.auth.sessions import sign_in
from tracker.deps import PrincipalDep, RulesDep, SessionDep
from tracker.errors import InvalidInput
from tracker.web.pages.common import CsrfDep, attempt, flash, take_flashes
from tracker.web.templating import render

router = APIRouter()


@router.get("/account", name="account")
def account_page(request: Request, principal: PrincipalDep, loaded: RulesDep) -> HTMLResponse:
    rules = auth_rules(loaded)
    return render(
        request,
        "account.html",
        principal=principal,
        title="账号",
        min_length=rules.min_password_length,
        flashes=take_flashes(request),
    )


@router.post("/account/password")
def change_password(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    rules: RulesDep,
    _csrf: CsrfDep,
    current: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "",
    repeat: Annotated[str, Form()] = "",
) -> Response:
    """Other sessions and tokens of this user end; this one stays signed in."""

    def change() -> int:
        if new != repeat:
            raise InvalidInput("两次输入的新密码不一致")
        return change_own_password(
            session=session, username=principal.username, current=current, new=new, rules=auth_rules(rules)
        )

    version = attempt(request, session, change)
    if version is not None:
        sign_in(request, username=principal.username, token_version=version)
        flash(request, "ok", "密码已修改，其他已登录的浏览器和令牌随即失效")
    return RedirectResponse("/account", 303)
