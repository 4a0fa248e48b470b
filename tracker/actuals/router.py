"""Actuals API under /api/v1/actuals: template, uploads, batches, quarterly submissions, audit trail."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Response, UploadFile

from tracker.actuals import approvals, audit, batches, service, template
from tracker.actuals.schemas import (
    AuditPage,
    BatchOut,
    BatchPage,
    PaymentPage,
    ReasonIn,
    ReviewIn,
    SubmissionOut,
    SubmissionPage,
    SubmitIn,
    UploadSummary,
)
from tracker.deps import PrincipalDep, RulesDep, ScopeDep, SessionDep
from tracker.openapi import IsoDate

router = APIRouter(prefix="/actuals", tags=["actuals"])
Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REJECTED: dict[int | str, dict[str, Any]] = {
    422: {"description": '拒绝：{"error", "detail", "rows": [{"row", "column", "message"}]}，未写入任何数据'}
}


@router.get("/template", response_class=Response, responses={200: {"content": {XLSX: {}}}})
def download_template(
    session: SessionDep, scope: ScopeDep, rules: RulesDep, dept_code: str, year: int, region_code: str | None = None
) -> Response:
    """The pre-filled workbook; `region_code` is needed where several regions the caller sees share the code."""
    data = template.template_bytes(
        session=session, scope=scope, dept_code=dept_code, year=year, region_code=region_code, rules=rules
    )
    name = quote(template.template_filename(dept_code, year))
    headers = {"Content-Disposition": f"attachment; filename=\"{dept_code}-{year}.xlsx\"; filename*=UTF-8''{name}"}
    return Response(content=data, media_type=XLSX, headers=headers)


@router.post("/uploads", status_code=201, response_model=UploadSummary, responses=REJECTED)
def upload(
    session: SessionDep,
    principal: PrincipalDep,
    rules: RulesDep,
    file: Annotated[UploadFile, File(description="CSV 或 XLSX")],
    dry_run: Annotated[bool, Form()] = False,
    dry_run_query: Annotated[bool, Query(alias="dry_run")] = False,
) -> UploadSummary:
    """Check a file and, unless dry_run, apply it; `status` says applied, unchanged or dry_run."""
    return service.upload(
        session=session,
        source=file.file,
        filename=file.filename or "upload",
        principal=principal,
        rules=rules,
        dry_run=dry_run or dry_run_query,
    )


@router.get("/uploads", response_model=BatchPage)
def list_batches(
    session: SessionDep,
    scope: ScopeDep,
    year: int | None = None,
    dept_code: str | None = None,
    status: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> BatchPage:
    items, total = batches.list_batches(
        session=session, scope=scope, year=year, dept_code=dept_code, status=status, limit=limit, offset=offset
    )
    return BatchPage(items=items, total=total)


@router.get("/uploads/{batch_id}", response_model=BatchOut)
def get_batch(batch_id: int, session: SessionDep, scope: ScopeDep) -> BatchOut:
    return batches.get_batch(session=session, scope=scope, batch_id=batch_id)


@router.post("/uploads/{batch_id}/withdraw", response_model=BatchOut)
def withdraw_batch(batch_id: int, body: ReasonIn, session: SessionDep, principal: PrincipalDep) -> BatchOut:
    return batches.withdraw_batch(session=session, principal=principal, batch_id=batch_id, reason=body.reason)


@router.get("/payments", response_model=PaymentPage)
def list_payments(
    session: SessionDep,
    scope: ScopeDep,
    project_id: int,
    as_of: IsoDate | None = None,
    include_withdrawn: bool = False,
    limit: Limit = 100,
    offset: Offset = 0,
) -> PaymentPage:
    items, total = batches.list_payments(
        session=session,
        scope=scope,
        project_id=project_id,
        as_of=as_of,
        include_withdrawn=include_withdrawn,
        limit=limit,
        offset=offset,
    )
    return PaymentPage(items=items, total=total)


@router.get("/submissions", response_model=SubmissionPage)
def list_submissions(
    session: SessionDep,
    scope: ScopeDep,
    year: int | None = None,
    quarter: Annotated[int | None, Query(ge=1, le=4)] = None,
    status: str | None = None,
    dept_code: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> SubmissionPage:
    items, total = approvals.list_submissions(
        session=session,
        scope=scope,
        year=year,
        quarter=quarter,
        status=status,
        dept_code=dept_code,
        limit=limit,
        offset=offset,
    )
    return SubmissionPage(items=items, total=total)


@router.post("/submissions", status_code=201, response_model=SubmissionOut)
def submit_quarter(body: SubmitIn, session: SessionDep, principal: PrincipalDep) -> SubmissionOut:
    return approvals.submit_quarter(
        session=session,
        principal=principal,
        dept_code=body.dept_code,
        year=body.year,
        quarter=body.quarter,
        region_code=body.region_code,
    )


@router.post("/submissions/approve", response_model=list[SubmissionOut])
def approve(body: ReviewIn, session: SessionDep, principal: PrincipalDep) -> list[SubmissionOut]:
    return approvals.approve_submissions(session=session, principal=principal, ids=body.ids, comment=body.comment)


@router.post("/submissions/return", response_model=list[SubmissionOut])
def return_(body: ReviewIn, session: SessionDep, principal: PrincipalDep) -> list[SubmissionOut]:
    return approvals.return_submissions(session=session, principal=principal, ids=body.ids, comment=body.comment)


@router.post("/submissions/{submission_id}/unlock", response_model=SubmissionOut)
def unlock(submission_id: int, body: ReasonIn, session: SessionDep, principal: PrincipalDep) -> SubmissionOut:
    return approvals.unlock_submission(
        session=session, principal=principal, submission_id=submission_id, reason=body.reason
    )


@router.get("/audit", response_model=AuditPage)
def list_audit(
    session: SessionDep,
    scope: ScopeDep,
    project_id: int | None = None,
    batch_id: int | None = None,
    submission_id: int | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> AuditPage:
    items, total = audit.list_audit(
        session=session,
        scope=scope,
        project_id=project_id,
        batch_id=batch_id,
        submission_id=submission_id,
        limit=limit,
        offset=offset,
    )
    return AuditPage(items=items, total=total)
