"""目标表: the finance bureau's page for target tables, built from sections (templates/_targets_*.html).

Each section is one task with its own form: the indicator corrections (target_fixes.py); the import of
target files joins as another section.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tracker.deps import SessionDep
from tracker.web.pages import target_fixes
from tracker.web.pages.common import AdminDep, take_flashes
from tracker.web.templating import render

router = APIRouter()
SECTIONS = [target_fixes.SECTION]  # each a part of the page with its own form


@router.get("/targets", name="targets")
def targets_page(
    request: Request,
    session: SessionDep,
    principal: AdminDep,
    year: int | None = None,
    unit: str | None = None,
    project: int | None = None,
) -> HTMLResponse:
    context = target_fixes.corrections_context(session, principal, year=year, unit=unit, project=project)
    return render(request, "targets.html", principal=principal, title="目标表", sections=SECTIONS,
                  flashes=take_flashes(request), **context)  # fmt: skip
