"""What page routes share: CSRF on every form post, safe redirects, flash messages, the year to show."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar

import sqlalchemy as sa
from fastapi import Depends, Request
from sqlmodel import Session, col, func, select

from tracker.auth.principal import Principal
from tracker.auth.sessions import CSRF_FIELD, check_csrf
from tracker.clock import today
from tracker.deps import PrincipalDep
from tracker.errors import DomainError
from tracker.models import Project
from tracker.scope import Scope

T = TypeVar("T")


async def csrf_protect(request: Request, principal: PrincipalDep) -> None:
    """Every signed-in form post carries this session's token (checked after sign-in, so anonymous is 401)."""
    form = await request.form()
    token = form.get(CSRF_FIELD)
    check_csrf(request, token if isinstance(token, str) else None)


CsrfDep = Annotated[None, Depends(csrf_protect)]


def safe_next(target: str | None) -> str:
    """Only a path on this site, never another host (`//evil`, `http://…`)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def flash(request: Request, kind: str, text: str) -> None:
    """A message for the next page (kind: ok / error / info)."""
    request.session.setdefault("flashes", [])
    request.session["flashes"] = [*request.session["flashes"], [kind, text]]


def take_flashes(request: Request) -> list[tuple[str, str]]:
    items = request.session.pop("flashes", []) if "session" in request.scope else []
    return [(str(k), str(t)) for k, t in items]


YEAR_PROBES = 30  # years between the oldest and the newest asked one by one; a wider span is read whole


def years(*, session: Session, scope: Scope) -> list[int]:
    """The years with projects this user may see, newest first.

    Every page view asks this, and a province has 60,000 projects a year: the oldest and newest year come
    from the year index, then whether each year between has a project is one index probe each.
    """

    def scoped(query: Any) -> Any:
        return scope.filter(query, Project.region_code, Project.dept_code)

    oldest, newest = session.exec(scoped(select(func.min(Project.year), func.max(Project.year)))).one()
    if oldest is None or newest is None:
        return []
    if newest - oldest > YEAR_PROBES:
        return sorted(set(session.exec(scoped(select(Project.year).distinct()))), reverse=True)
    between = range(newest - 1, oldest, -1)  # the oldest and the newest have projects
    probes = [scoped(sa.select(col(Project.id)).where(col(Project.year) == y)).exists() for y in between]
    held = session.execute(sa.select(*probes)).one() if probes else ()
    middle = [y for y, found in zip(between, held, strict=True) if found]
    return sorted({newest, *middle, oldest}, reverse=True)


def pick_year(requested: int | None, available: list[int]) -> int:
    if requested is not None:
        return requested
    return available[0] if available else today().year


def default_as_of(year: int, requested: date | None = None) -> date:
    """The date to measure at: the one asked for, else today, kept inside the year."""
    day = requested or today()
    return min(max(day, date(year, 1, 1)), date(year, 12, 31))


def attempt(request: Request, session: Session, change: Callable[[], T]) -> T | None:
    """Run the request's one change; an expected error rolls the request back and is shown on the next page.

    A rollback of the whole request rather than a savepoint: SQLite's driver commits a SAVEPOINT that
    opens the transaction when it is released, so a savepoint would not be undone with the request.
    """
    try:
        return change()
    except DomainError as exc:
        session.rollback()
        flash(request, "error", exc.detail)
        return None


def _admin(principal: PrincipalDep) -> Principal:
    principal.require_admin()
    return principal


def _province(principal: PrincipalDep) -> Principal:
    principal.require_admin()
    principal.require_province()
    return principal


def _writer(principal: PrincipalDep) -> Principal:
    principal.require_write()
    return principal


# Checked before the form is read, so a reader is told "no" rather than "the form is incomplete".
AdminDep = Annotated[Principal, Depends(_admin)]
ProvinceDep = Annotated[Principal, Depends(_province)]  # settings: people and recipients of every region
WriterDep = Annotated[Principal, Depends(_writer)]
