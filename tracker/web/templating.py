"""Jinja2 templates with the page filters, the navigation by role, and the common page context."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from tracker.auth.principal import Principal
from tracker.auth.service import ROLE_NAMES
from tracker.auth.sessions import CSRF_FIELD, csrf_token, session_user
from tracker.auth.signed_in import load_principal
from tracker.db import session_scope
from tracker.web import format as fmt

TEMPLATES = Path(__file__).resolve().parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES)
templates.env.filters.update(
    wan=fmt.wan,
    cn_date=fmt.cn_date,
    cn_datetime=fmt.cn_datetime,
    pct=fmt.pct,
    ratio_pct=fmt.ratio_pct,
    light_name=fmt.light_name,
    lamp=fmt.lamp,
    action_name=fmt.action_name,
)
templates.env.globals.update(CSRF_FIELD=CSRF_FIELD, ROLE_NAMES=ROLE_NAMES)


@dataclass(frozen=True, slots=True)
class NavItem:
    path: str
    label: str
    roles: tuple[str, ...] = ("admin", "department", "viewer")


NAV = (
    NavItem("/", "总览"),
    NavItem("/upload", "上报", ("admin", "department")),
    NavItem("/approvals", "审核", ("admin",)),
    NavItem("/alerts", "预警"),
    NavItem("/corrections", "整改"),
    NavItem("/reports", "通报"),
    NavItem("/exports", "导出"),
    NavItem("/review", "目标审核"),
    NavItem("/targets", "目标表", ("admin",)),
    NavItem("/settings", "设置", ("admin",)),
)


def nav_for(principal: Principal | None) -> list[NavItem]:
    if principal is None:
        return []
    return [item for item in NAV if principal.role in item.roles]


def render(
    request: Request, name: str, *, principal: Principal | None, status: int = 200, **context: Any
) -> HTMLResponse:
    """A page with the navigation for this user and the session's CSRF token."""
    path = request.url.path
    active = next((i.path for i in NAV if i.path != "/" and path.startswith(i.path)), "/")
    context.update(
        request=request,
        principal=principal,
        nav=nav_for(principal),
        active=active,
        csrf=csrf_token(request),
    )
    return templates.TemplateResponse(request, name, context, status_code=status)


def error_page(request: Request, *, status: int, message: str) -> HTMLResponse:
    """An error as a page, with the navigation of whoever is signed in."""
    titles = {403: "没有权限", 404: "未找到", 409: "操作冲突", 422: "输入有误", 429: "请稍后再试"}
    return render(
        request,
        "error.html",
        principal=_signed_in(request),
        status=status,
        title=titles.get(status, "出错了"),
        message=message,
    )


def _signed_in(request: Request) -> Principal | None:
    """The page user, looked up afresh (the request's own transaction has been rolled back)."""
    who = session_user(request)
    if who is None:
        return None
    with session_scope() as session:
        return load_principal(session=session, username=who[0], token_version=who[1])
