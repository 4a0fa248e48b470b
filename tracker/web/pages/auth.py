"""Sign-in and sign-out pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from tracker.auth import credentials
from tracker.auth.rules import auth_rules
from tracker.auth.sessions import CSRF_FIELD, check_csrf, session_user, sign_in, sign_out
from tracker.auth.signed_in import load_principal
from tracker.deps import RulesDep, SessionDep, client_ip
from tracker.web.pages.common import safe_next
from tracker.web.templating import render

router = APIRouter()


@router.get("/login", name="login_form")
def login_form(request: Request, next: str = "/") -> Response:
    if session_user(request) is not None:
        return RedirectResponse(safe_next(next), 303)
    return render(request, "login.html", principal=None, next=safe_next(next))


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    rules: RulesDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    check_csrf(request, csrf_token)
    username = username.strip()
    result = credentials.authenticate(
        session=session, username=username, password=password, ip=client_ip(request), rules=auth_rules(rules)
    )
    if result.principal is None:
        message = "登录失败次数过多，请稍后再试" if result.locked else "用户名或密码错误"
        status = 429 if result.locked else 401
        return render(
            request, "login.html", principal=None, status=status, error=message, username=username, next=safe_next(next)
        )
    sign_in(request, username=username, token_version=result.token_version)
    return RedirectResponse(safe_next(next), 303)


@router.post("/logout")
def logout(request: Request, session: SessionDep, csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "") -> Response:
    signed_in = session_user(request)
    if signed_in is not None:
        check_csrf(request, csrf_token)
        # only the holder of a still-valid sign-in may end it (a stale copy cannot sign others out)
        if load_principal(session=session, username=signed_in[0], token_version=signed_in[1]):
            credentials.revoke_sign_ins(session=session, username=signed_in[0])
    sign_out(request)
    return RedirectResponse("/login", 303)
