"""项目: one project's targets, spend chart, indicators, reasons, uploads, audit trail and review findings."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tracker.clock import today
from tracker.corrections.schemas import notice_out
from tracker.corrections.service import list_notices
from tracker.deps import PrincipalDep, SessionDep
from tracker.web.pages.common import take_flashes
from tracker.web.project_view import project_page
from tracker.web.templating import render

router = APIRouter()


@router.get("/projects/{project_id}", name="project")
def project(
    request: Request, session: SessionDep, principal: PrincipalDep, project_id: int, as_of: date | None = None
) -> HTMLResponse:
    day = today()
    page = project_page(session=session, scope=principal.scope, project_id=project_id, as_of=as_of, today=day)
    notices, _ = list_notices(session=session, scope=principal.scope, today=day, project_id=project_id)
    return render(
        request,
        "project.html",
        principal=principal,
        title=page.project.name,
        page=page,
        notices=[notice_out(n, p, today=day) for n, p in notices],
        flashes=take_flashes(request),
    )
