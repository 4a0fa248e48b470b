"""The page sign-in cookie (Starlette's signed session) and the per-session CSRF token of every form."""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request

from tracker.errors import Forbidden

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def _session(request: Request) -> dict[str, Any]:
    return request.session if "session" in request.scope else {}


def session_user(request: Request) -> tuple[str, int] | None:
    """(username, token version) stored at sign-in, or None."""
    data = _session(request)
    user, version = data.get("user"), data.get("ver")
    if isinstance(user, str) and isinstance(version, int):
        return user, version
    return None


def csrf_token(request: Request) -> str:
    """This session's CSRF token, made on first use."""
    data = _session(request)
    token = data.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        if "session" in request.scope:
            request.session["csrf"] = token
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    """Forbidden unless the submitted token is this session's."""
    expected = _session(request).get("csrf")
    if not isinstance(expected, str) or not submitted or not secrets.compare_digest(expected, submitted):
        raise Forbidden("页面已过期或来源不明，请刷新页面后重试")


def sign_in(request: Request, *, username: str, token_version: int) -> None:
    """A fresh session for the user (a new CSRF token too, so a planted session is worth nothing)."""
    request.session.clear()
    request.session.update({"user": username, "ver": token_version, "csrf": secrets.token_urlsafe(32)})


def sign_out(request: Request) -> None:
    if "session" in request.scope:
        request.session.clear()
