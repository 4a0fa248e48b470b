"""Request dependencies shared by every router: who is asking, which units they may see; file downloads.

`current_principal` is the single place that decides this: an API bearer token
(`POST /api/v1/auth/token`), or the page sign-in cookie. Nobody signed in is a 401; the pages turn
that into a redirect to /login (tracker/web). A cookie alone may not change data through the API
without the session's CSRF token in `X-CSRF-Token`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import IO, Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import Response, StreamingResponse
from fastapi.security import OAuth2PasswordBearer
from sqlmodel import Session

from tracker.auth.principal import Principal
from tracker.auth.rules import auth_rules
from tracker.auth.sessions import CSRF_HEADER, check_csrf, session_user
from tracker.auth.signed_in import load_principal
from tracker.auth.tokens import read_token
from tracker.config import get_settings
from tracker.db import get_session
from tracker.errors import Unauthorized
from tracker.rules import Rules
from tracker.scope import Scope

__all__ = [
    "XLSX",
    "PrincipalDep",
    "RulesDep",
    "ScopeDep",
    "SessionDep",
    "client_ip",
    "current_principal",
    "current_scope",
    "download",
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STREAM_BLOCK = 1 << 20  # bytes read and sent at a time from a file download
# scope="function": the commit (and any error it raises) happens before the response is sent, so a
# 2xx always means the work is stored, and a failed commit is answered as an error instead.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


async def current_rules(request: Request) -> Rules:
    """The rules the app loaded at its start (tracker/main.py create_app); on the event loop, as it reads
    no database (a plain `def` dependency is a thread hand-off per request)."""
    rules: Rules = request.app.state.rules
    return rules


RulesDep = Annotated[Rules, Depends(current_rules)]


def current_principal(
    request: Request, session: SessionDep, rules: RulesDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Principal:
    """The signed-in user from a bearer token or the session cookie; 401 when there is none."""
    if token:
        username, version = read_token(
            secret=get_settings().resolved_secret_key(), token=token, ttl=auth_rules(rules).token_ttl
        )
        principal = load_principal(session=session, username=username, token_version=version)
        if principal is None:
            raise Unauthorized("令牌已失效，请重新登录")
        return principal
    signed_in = session_user(request)
    if signed_in is not None:
        principal = load_principal(session=session, username=signed_in[0], token_version=signed_in[1])
        if principal is not None:
            if request.method not in SAFE_METHODS and request.url.path.startswith("/api/"):
                check_csrf(request, request.headers.get(CSRF_HEADER))
            return principal
    raise Unauthorized("请先登录")


def client_ip(request: Request) -> str:
    """The caller's address as the sign-in lockout counts it."""
    return request.client.host if request.client else "unknown"


async def current_scope(principal: Annotated[Principal, Depends(current_principal)]) -> Scope:
    return principal.scope  # on the event loop: no thread hand-off for an attribute


PrincipalDep = Annotated[Principal, Depends(current_principal)]
ScopeDep = Annotated[Scope, Depends(current_scope)]


def _disposition(filename: str) -> dict[str, str]:
    """The Chinese name goes in filename* (RFC 6266), an ASCII one in filename."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return {"Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"}


def download(data: bytes, filename: str, media_type: str) -> Response:
    """A file download held in memory (one workbook)."""
    return Response(content=data, media_type=media_type, headers=_disposition(filename))


def download_file(file: IO[bytes], filename: str, media_type: str) -> StreamingResponse:
    """A file download streamed from an open (temporary) file a block at a time, closed when sent."""
    size = file.seek(0, os.SEEK_END)
    file.seek(0)

    def blocks() -> Iterator[bytes]:
        try:
            while block := file.read(STREAM_BLOCK):
                yield block
        finally:
            file.close()

    headers = _disposition(filename) | {"Content-Length": str(size)}
    return StreamingResponse(blocks(), media_type=media_type, headers=headers)
