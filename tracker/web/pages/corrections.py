"""整改: the notices the user may see; the finance bureau issues, returns and accepts, the unit answers."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tracker.clock import today
from tracker.corrections import service
from tracker.corrections.schemas import notice_out
from tracker.deps import PrincipalDep, RulesDep, SessionDep
from tracker.errors import InvalidInput, NotFound
from tracker.models import Project
from tracker.web.pages.common import AdminDep, CsrfDep, WriterDep, attempt, flash, take_flashes
from tracker.web.paging import Pager
from tracker.web.templating import render

router = APIRouter()
FILTERS = {"open": "未完成", "overdue": "已逾期", "closed": "已通过", "all": "全部"}


def _due(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"整改期限应为日期（YYYY-MM-DD）：{text}") from None


@router.get("/corrections", name="corrections")
def corrections_page(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    state: Annotated[str, Query(pattern="^(open|overdue|closed|all)$")] = "open",
    page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    day = today()
    pager = Pager("/corrections", page, params={"state": state})
    rows, total = service.list_notices(
        session=session, scope=principal.scope, today=day, state=state, limit=pager.size, offset=pager.offset
    )
    counts = {
        key: service.list_notices(session=session, scope=principal.scope, today=day, state=key, limit=1)[1]
        for key in FILTERS
    }
    return render(
        request,
        "corrections.html",
        principal=principal,
        title="整改",
        items=[notice_out(n, p, today=day) for n, p in rows],
        total=total,
        counts=counts,
        filters=FILTERS,
        state=state,
        pager=pager.with_total(total),
        flashes=take_flashes(request),
    )


@router.get("/corrections/new", name="correction_new")
def new_correction(request: Request, session: SessionDep, principal: AdminDep, project_id: int) -> HTMLResponse:
    """The issue form, opened from a project or an alert."""
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(f"项目{project_id}不存在")
    return render(
        request,
        "correction_new.html",
        principal=principal,
        title="下达整改通知",
        project=project,
        flashes=take_flashes(request),
    )


@router.post("/corrections")
def issue(
    request: Request,
    session: SessionDep,
    principal: AdminDep,
    rules: RulesDep,
    _csrf: CsrfDep,
    project_id: Annotated[int, Form()],
    problem: Annotated[str, Form()] = "",
    requirement: Annotated[str, Form()] = "",
    due_on: Annotated[str, Form()] = "",
    withhold: Annotated[bool, Form()] = False,
) -> Response:
    n = attempt(
        request,
        session,
        lambda: service.issue_notice(
            session=session,
            principal=principal,
            rules=rules,
            project_id=project_id,
            problem=problem,
            requirement=requirement,
            due_on=_due(due_on),
            withhold=withhold,
        ),
    )
    if n is None:
        return RedirectResponse(f"/corrections/new?project_id={project_id}", 303)
    flash(request, "ok", f"已下达整改通知第{n.id}号，单位将收到邮件")
    return RedirectResponse(f"/corrections/{n.id}", 303)


@router.get("/corrections/{notice_id}", name="correction")
def correction_page(request: Request, session: SessionDep, principal: PrincipalDep, notice_id: int) -> HTMLResponse:
    n = service.get_notice(session=session, scope=principal.scope, notice_id=notice_id)
    project = session.get(Project, n.project_id)
    assert project is not None
    return render(
        request,
        "correction.html",
        principal=principal,
        title=f"整改通知第{notice_id}号",
        n=notice_out(n, project, today=today()),
        flashes=take_flashes(request),
    )


@router.post("/corrections/{notice_id}/answer")
def answer(
    request: Request,
    session: SessionDep,
    principal: WriterDep,
    rules: RulesDep,
    _csrf: CsrfDep,
    notice_id: int,
    measures: Annotated[str, Form()] = "",
    result: Annotated[str, Form()] = "",
) -> Response:
    service.get_notice(session=session, scope=principal.scope, notice_id=notice_id)  # another unit's: 404
    done = attempt(
        request,
        session,
        lambda: service.answer_notice(
            session=session, principal=principal, rules=rules, notice_id=notice_id, measures=measures, result=result
        ),
    )
    if done is not None:
        flash(request, "ok", "已报送整改情况，等待财政局审核")
    return RedirectResponse(f"/corrections/{notice_id}", 303)


@router.post("/corrections/{notice_id}/review")
def review(
    request: Request,
    session: SessionDep,
    principal: AdminDep,
    rules: RulesDep,
    _csrf: CsrfDep,
    notice_id: int,
    action: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
    due_on: Annotated[str, Form()] = "",
    cut_budget_wan: Annotated[str, Form()] = "",
) -> Response:
    """通过 (accept, optionally with 调减预算) or 退回 (return, optionally with a new deadline)."""
    if action == "accept":
        done = attempt(
            request,
            session,
            lambda: service.accept_notice(
                session=session,
                principal=principal,
                rules=rules,
                notice_id=notice_id,
                comment=comment,
                cut_budget_wan=cut_budget_wan or None,
            ),
        )
        message = "已通过整改"
    elif action == "return":
        done = attempt(
            request,
            session,
            lambda: service.return_notice(
                session=session,
                principal=principal,
                rules=rules,
                notice_id=notice_id,
                comment=comment,
                due_on=_due(due_on) if due_on else None,
            ),
        )
        message = "已退回，单位将收到邮件"
    else:
        flash(request, "error", "请选择通过或退回")
        return RedirectResponse(f"/corrections/{notice_id}", 303)
    if done is not None:
        flash(request, "ok", message)
    return RedirectResponse(f"/corrections/{notice_id}", 303)
