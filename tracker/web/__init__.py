"""The Chinese web pages: sign-in cookie, static files, page routes, and HTML answers to page errors."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tracker.auth.rules import auth_rules
from tracker.config import get_settings
from tracker.errors import DomainError, Unauthorized
from tracker.rules import Rules

STATIC = Path(__file__).resolve().parent / "static"
_NOT_PAGES = ("/api/", "/static/", "/docs", "/redoc", "/openapi.json", "/health", "/ready")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def is_page(path: str) -> bool:
    return not path.startswith(_NOT_PAGES)


def install(app: FastAPI, *, rules: Rules) -> None:
    """Add the session cookie, static files, the page routes and page-friendly error answers to `app`."""
    from tracker.web.pages import router
    from tracker.web.templating import error_page

    settings = get_settings()
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.resolved_secret_key(),
        session_cookie="tracker_session",
        max_age=int(auth_rules(rules).session_ttl.total_seconds()),
        same_site="lax",
        https_only=settings.environment == "production",
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(router)

    json_domain = app.exception_handlers[DomainError]
    json_validation = app.exception_handlers[RequestValidationError]

    async def domain_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        if not is_page(request.url.path):
            response = await _call(json_domain, request, exc)
            if isinstance(exc, Unauthorized):
                response.headers["WWW-Authenticate"] = "Bearer"
            return response
        if isinstance(exc, Unauthorized):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            if request.method != "GET":
                target = "/"
            return RedirectResponse("/login?" + urlencode({"next": target}), 303)
        # the page looks up who is signed in (a database query): in the thread pool, never on the event loop
        return await run_in_threadpool(error_page, request, status=exc.status_code, message=exc.detail)

    async def validation_error(request: Request, exc: Exception) -> Response:
        if not is_page(request.url.path):
            return await _call(json_validation, request, exc)
        return await run_in_threadpool(error_page, request, status=422, message="请求参数有误，请检查后重试")

    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)

    app.add_middleware(SecurityHeaders)


class SecurityHeaders:
    """Every answer's security headers, pages' CSP and no-store, added to the head as it is sent.

    A plain ASGI middleware: the body (half a megabyte for a page of the list API) passes through
    untouched, with no task or stream per request as `@app.middleware("http")` has.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        page = is_page(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    headers.setdefault(key, value)
                if page:
                    headers.setdefault("Content-Security-Policy", PAGE_CSP)
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _call(handler: Any, request: Request, exc: Exception) -> Response:
    result: Any = handler(request, exc)
    if inspect.isawaitable(result):
        result = await result
    assert isinstance(result, Response)
    return result
