"""项目: one project's targets, spend chart, indicators, reasons, uploads, audit trail and review findings."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tracker.clock import today
from tracker.deps import PrincipalDep, SessionDep
from tracker.web.pages.common import take_flashes
from tracker.web.project_view import project_page
from tracker.web.templating import render

router = APIRouter()


@router.get("/projects/{project_id}", name="project")
def project(
    request: Request, session: SessionDep, principal: PrincipalDep, project_id: int, as_of: date | None = None
) -> HTMLResponse:
    page = project_page(session=session, scope=principal.scope, project_id=project_id, as_of=as_of, today=today())
    return render(
        request, "project.html", principal=principal, title=page.project.name, page=page, flashes=take_flashes(request)
    )
