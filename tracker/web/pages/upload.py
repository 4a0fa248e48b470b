"""上报: download the template, check a file (dry run) and see every bad row, import it, submit the quarter."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select

from tracker.actuals import approvals, batches, service
from tracker.actuals.report import UploadRejected
from tracker.actuals.schemas import UploadSummary
from tracker.auth.principal import Principal
from tracker.config import get_settings
from tracker.deps import RulesDep, SessionDep
from tracker.errors import InvalidInput
from tracker.models import Dept
from tracker.rules import Rules
from tracker.shared import pending
from tracker.web.pages.common import CsrfDep, WriterDep, attempt, flash, pick_year, take_flashes, years
from tracker.web.paging import Pager
from tracker.web.templating import render

router = APIRouter()
QUARTERS_PAGE = 100
KIND = "actuals"  # what a kept file is for (tracker/shared/pending.py)
UNITS_MAX = 500  # a province's 17,000 units are not options of a select: type the code instead


def _units(session: Session, principal: Principal) -> list[Dept]:
    """The units this user may report for, at most UNITS_MAX + 1 (past UNITS_MAX the page asks for a code)."""
    query = principal.scope.filter(select(Dept), Dept.region_code, Dept.code)
    return list(session.exec(query.order_by(col(Dept.code), col(Dept.region_code)).limit(UNITS_MAX + 1)))


def _page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    status: int = 200,
    summary: UploadSummary | None = None,
    rejected: UploadRejected | None = None,
    token: str = "",
    page: int = 1,
    qpage: int = 1,
    allow_duplicates: bool = False,
) -> HTMLResponse:
    year = pick_year(None, years(session=session, scope=principal.scope))
    # two lists on one page, each paged in the database: the batches (`page`) and the quarters (`qpage`)
    qpager = Pager("/upload", qpage, per_page=QUARTERS_PAGE, params={"page": page if page > 1 else ""}, name="qpage")
    quarters, qtotal = approvals.list_submissions(
        session=session, scope=principal.scope, year=year, limit=qpager.size, offset=qpager.offset
    )
    pager = Pager("/upload", page, params={"qpage": qpage if qpage > 1 else ""})
    recent, total = batches.list_batches(session=session, scope=principal.scope, limit=pager.size, offset=pager.offset)
    return render(
        request,
        "upload.html",
        principal=principal,
        status=status,
        title="上报",
        year=year,
        units=(units := _units(session, principal))[:UNITS_MAX],
        many_units=len(units) > UNITS_MAX,
        quarters=quarters,
        recent=recent,
        pager=pager.with_total(total),
        qpager=qpager.with_total(qtotal),
        summary=summary,
        allow_duplicates=allow_duplicates,
        rejected=rejected,
        token=token,
        status_names=approvals.STATUS_NAMES,
        flashes=take_flashes(request),
    )


@router.get("/upload", name="upload")
def upload_page(
    request: Request,
    session: SessionDep,
    principal: WriterDep,
    page: Annotated[int, Query(ge=1)] = 1,
    qpage: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    return _page(request, session, principal, page=page, qpage=qpage)


def _run(
    request: Request,
    session: Session,
    principal: Principal,
    data: bytes,
    filename: str,
    dry_run: bool,
    rules: Rules,
    allow_duplicates: bool = False,
) -> UploadSummary | HTMLResponse:
    """One upload; a refused file rolls the request back and answers the page with every bad row listed."""
    try:
        return service.upload(
            session=session,
            source=data,
            filename=filename,
            principal=principal,
            rules=rules,
            dry_run=dry_run,
            allow_duplicates=allow_duplicates,
        )
    except UploadRejected as exc:
        session.rollback()
        return _page(request, session, principal, status=422, rejected=exc)


@router.post("/upload")
def upload_file(
    request: Request,
    session: SessionDep,
    principal: WriterDep,
    rules: RulesDep,
    _csrf: CsrfDep,
    file: Annotated[UploadFile, File()],
    mode: Annotated[str, Form()] = "check",
    allow_duplicates: Annotated[bool, Form()] = False,
) -> Response:
    """Check (or apply) a file. A plain `def`: pandas and the database run in the thread pool, not on the loop."""
    limit = get_settings().upload_max_bytes
    if file.size is not None and file.size > limit:  # refused before it is read into memory
        raise InvalidInput(f"文件大小超过上限 {limit / 1024 / 1024:.1f} MB")
    data = file.file.read()  # the spooled upload, read in this worker thread
    filename = file.filename or "upload"
    if not data:
        raise InvalidInput("请选择要上传的文件")
    outcome = _run(
        request, session, principal, data, filename, mode != "apply", rules=rules, allow_duplicates=allow_duplicates
    )
    if isinstance(outcome, HTMLResponse):
        return outcome
    if outcome.status == "dry_run":
        token = pending.keep(session=session, kind=KIND, username=principal.username, filename=filename, data=data)
        return _page(request, session, principal, summary=outcome, token=token, allow_duplicates=allow_duplicates)
    flash(request, "ok", outcome.message)
    return RedirectResponse("/upload", 303)


@router.post("/upload/confirm")
def confirm_upload(
    request: Request,
    session: SessionDep,
    principal: WriterDep,
    rules: RulesDep,
    _csrf: CsrfDep,
    token: Annotated[str, Form()] = "",
    allow_duplicates: Annotated[bool, Form()] = False,
) -> Response:
    kept = pending.take(session=session, kind=KIND, username=principal.username, token=token)
    if kept is None:
        flash(request, "error", "待导入的文件已失效，请重新上传")
        return RedirectResponse("/upload", 303)
    outcome = _run(
        request, session, principal, kept.data, kept.filename, False, rules=rules, allow_duplicates=allow_duplicates
    )
    if isinstance(outcome, HTMLResponse):
        return outcome
    pending.drop(session=session, row=kept)
    flash(request, "ok", outcome.message)
    return RedirectResponse("/upload", 303)


@router.post("/upload/submit")
def submit_quarter(
    request: Request,
    session: SessionDep,
    principal: WriterDep,
    _csrf: CsrfDep,
    dept_code: Annotated[str, Form()],
    year: Annotated[int, Form()],
    quarter: Annotated[int, Form()],
) -> Response:
    done = attempt(
        request,
        session,
        lambda: approvals.submit_quarter(
            session=session, principal=principal, dept_code=dept_code, year=year, quarter=quarter
        ),
    )
    if done is not None:
        flash(request, "ok", f"已报送 {done.dept_name} {done.year}年第{done.quarter}季度，等待财政局审核")
    return RedirectResponse("/upload#quarters", 303)
