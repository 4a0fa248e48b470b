"""审核: the finance bureau's queue of submitted quarters, approved or returned in bulk; unlocking with a reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tracker.actuals import approvals
from tracker.deps import SessionDep
from tracker.web.pages.common import AdminDep, CsrfDep, attempt, flash, take_flashes
from tracker.web.paging import Pager
from tracker.web.templating import render

router = APIRouter()
QUEUE_PAGE = 200  # ticked in bulk: a long page, still bounded
REVIEWED = ("approved", "returned", "unlocked")


@router.get("/approvals", name="approvals")
def approvals_page(
    request: Request,
    session: SessionDep,
    principal: AdminDep,
    page: Annotated[int, Query(ge=1)] = 1,
    dpage: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    """Two lists, each a page chosen and counted in the database: the queue (`page`) and 已处理 (`dpage`)."""
    scope = principal.scope
    pager = Pager("/approvals", page, per_page=QUEUE_PAGE, params={"dpage": dpage if dpage > 1 else ""})
    queue, total = approvals.list_submissions(
        session=session, scope=scope, status="submitted", limit=pager.size, offset=pager.offset
    )
    dpager = Pager("/approvals", dpage, params={"page": page if page > 1 else ""}, name="dpage")
    done, done_total = approvals.list_submissions(
        session=session, scope=scope, statuses=REVIEWED, limit=dpager.size, offset=dpager.offset
    )
    return render(
        request,
        "approvals.html",
        principal=principal,
        title="审核",
        queue=queue,
        done=done,
        pager=pager.with_total(total),
        dpager=dpager.with_total(done_total),
        status_names=approvals.STATUS_NAMES,
        flashes=take_flashes(request),
    )


@router.post("/approvals")
def review(
    request: Request,
    session: SessionDep,
    principal: AdminDep,
    _csrf: CsrfDep,
    action: Annotated[str, Form()],
    ids: Annotated[list[int] | None, Form()] = None,
    comment: Annotated[str, Form()] = "",
) -> Response:
    """Approve (and lock) or return the ticked quarters, all or none."""
    chosen = sorted(set(ids or []))
    if not chosen:
        flash(request, "error", "请先勾选要审核的季度")
        return RedirectResponse("/approvals", 303)
    if action == "approve":
        done = attempt(
            request,
            session,
            lambda: approvals.approve_submissions(session=session, principal=principal, ids=chosen, comment=comment),
        )
        verb = "审核通过并锁定"
    else:
        done = attempt(
            request,
            session,
            lambda: approvals.return_submissions(session=session, principal=principal, ids=chosen, comment=comment),
        )
        verb = "退回"
    if done is not None:
        flash(request, "ok", f"已{verb} {len(done)} 个季度报送")
    return RedirectResponse("/approvals", 303)


@router.post("/approvals/{submission_id}/unlock")
def unlock(
    request: Request,
    session: SessionDep,
    principal: AdminDep,
    _csrf: CsrfDep,
    submission_id: int,
    reason: Annotated[str, Form()] = "",
) -> Response:
    done = attempt(
        request,
        session,
        lambda: approvals.unlock_submission(
            session=session, principal=principal, submission_id=submission_id, reason=reason
        ),
    )
    if done is not None:
        flash(request, "ok", f"已解锁 {done.dept_name} {done.year}年第{done.quarter}季度")
    return RedirectResponse("/approvals", 303)
