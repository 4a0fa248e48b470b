"""目标表: the finance bureau's page for target tables, built from sections (templates/_targets_*.html).

Each section is one task with its own form: the import of target files (target_imports.py) and the
indicator corrections (target_fixes.py).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from tracker.auth.principal import Principal
from tracker.deps import SessionDep
from tracker.web.pages import target_fixes
from tracker.web.pages.common import AdminDep, take_flashes
from tracker.web.templating import render

router = APIRouter()
SECTIONS = ["_targets_import.html", target_fixes.SECTION]  # each a part of the page with its own form


def targets_response(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    status: int = 200,
    year: int | None = None,
    unit: str | None = None,
    project: int | None = None,
    **shown: Any,
) -> HTMLResponse:
    """The whole page; `shown` fills the import section (preview, token, import_error)."""
    context = target_fixes.corrections_context(session, principal, year=year, unit=unit, project=project)
    sections = {"preview": None, "token": "", "import_error": ""} | shown
    return render(request, "targets.html", principal=principal, status=status, title="目标表", sections=SECTIONS,
                  flashes=take_flashes(request), **sections, **context)  # fmt: skip


@router.get("/targets", name="targets")
def targets_page(
    request: Request,
    session: SessionDep,
    principal: AdminDep,
    year: int | None = None,
    unit: str | None = None,
    project: int | None = None,
) -> HTMLResponse:
    return targets_response(request, session, principal, year=year, unit=unit, project=project)
