"""项目: one project's targets, spend chart, budget versions, indicators, reasons, uploads, audit trail, review."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tracker.budget import service as budgets
from tracker.clock import today
from tracker.core.budget import CHANGE_KIND_NAMES, FUNDING_SOURCES
from tracker.core.money import wan_str
from tracker.corrections.schemas import notice_out
from tracker.corrections.service import list_notices
from tracker.deps import PrincipalDep, RulesDep, SessionDep
from tracker.errors import InvalidInput, NotFound
from tracker.models import Project
from tracker.web.pages.common import AdminDep, CsrfDep, attempt, flash, take_flashes
from tracker.web.paging import Pager
from tracker.web.project_view import AUDIT_LIMIT, project_page
from tracker.web.templating import render

router = APIRouter()


@router.get("/projects/{project_id}", name="project")
def project(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    rules: RulesDep,
    project_id: int,
    as_of: date | None = None,
    audit_page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    day = today()
    params = {"as_of": as_of.isoformat() if as_of else ""}
    audit = Pager(f"/projects/{project_id}", audit_page, per_page=AUDIT_LIMIT, params=params, name="audit_page")
    page = project_page(
        session=session, scope=principal.scope, project_id=project_id, as_of=as_of, today=day, rules=rules,
        audit_offset=audit.offset,
    )  # fmt: skip
    notices, _ = list_notices(session=session, scope=principal.scope, today=day, project_id=project_id)
    return render(
        request,
        "project.html",
        principal=principal,
        title=page.project.name,
        page=page,
        audit_pager=audit.with_total(page.audit_total),
        kinds=CHANGE_KIND_NAMES,
        sources=FUNDING_SOURCES,
        notices=[notice_out(n, p, today=day) for n, p in notices],
        flashes=take_flashes(request),
    )


@router.post("/projects/{project_id}/budget")
def record_change(
    request: Request,
    session: SessionDep,
    principal: AdminDep,
    _csrf: CsrfDep,
    project_id: int,
    amount_wan: Annotated[str, Form()],
    on: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "adjustment",
    doc: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "",
) -> Response:
    """The finance bureau records a 预算调整, 调剂 or 上年结转 from the project page."""
    found = session.get(Project, project_id)
    if found is None or not principal.scope.sees(found):
        raise NotFound(f"项目{project_id}不存在")

    def change() -> str:
        try:
            day = date.fromisoformat(on.strip())
        except ValueError:
            raise InvalidInput(f"生效日期“{on}”无法识别，应为 YYYY-MM-DD") from None
        parsed_kind, amount, parsed_source = budgets.parse_change(kind=kind, amount_wan=amount_wan, source=source)
        _, after = budgets.record_budget_change(
            session=session, project_id=project_id, kind=parsed_kind, amount_fen=amount, on=day, doc=doc,
            reason=reason, source=parsed_source, by=principal.username,
        )  # fmt: skip
        total = wan_str(after.year_end(found.year))
        return f"已记录{CHANGE_KIND_NAMES[parsed_kind]} {wan_str(amount)} 万元；全年预算 {total} 万元"

    saved = attempt(request, session, change)
    if saved is not None:
        flash(request, "ok", saved)
    return RedirectResponse(f"/projects/{project_id}#budget", 303)
