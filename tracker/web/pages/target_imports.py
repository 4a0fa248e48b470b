"""目标表 import: the finance bureau chooses a file, reads the dry run's summary and warnings, then confirms.

One section of the /targets page (templates/_targets_import.html). The checked file waits in the
database under a random token bound to the user, with an expiry (tracker/shared/pending.py): the
confirm may reach any of several stateless web workers, so nothing is kept on one worker's disk or in
its memory, and the browser does not send the file twice.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from tracker.deps import SessionDep
from tracker.errors import DomainError
from tracker.shared import pending
from tracker.targets import imports
from tracker.targets.schemas import target_import_out
from tracker.web.pages.common import AdminDep, CsrfDep, flash
from tracker.web.pages.targets import targets_response

router = APIRouter()
KIND = "targets"


@router.post("/targets/import")
def check_file(
    request: Request, session: SessionDep, principal: AdminDep, _csrf: CsrfDep, file: Annotated[UploadFile, File()]
) -> Response:
    """The dry run: read and check the file, show its summary and warnings, keep it for the confirm."""
    try:
        data = imports.read_upload(file.size, file.file)
        filename = file.filename or "upload"
        result = imports.import_file(session=session, principal=principal, data=data, filename=filename, dry_run=True)
    except DomainError as exc:
        session.rollback()
        return targets_response(request, session, principal, status=exc.status_code, import_error=exc.detail)
    token = pending.keep(session=session, kind=KIND, username=principal.username, filename=filename, data=data)
    return targets_response(request, session, principal, preview=target_import_out(result), token=token)


@router.post("/targets/import/confirm")
def confirm_import(
    request: Request, session: SessionDep, principal: AdminDep, _csrf: CsrfDep, token: Annotated[str, Form()] = ""
) -> Response:
    """Import the file the dry run kept; the kept copy is deleted in the same transaction as the import."""
    kept = pending.take(session=session, kind=KIND, username=principal.username, token=token)
    if kept is None:
        flash(request, "error", "待导入的文件已失效（超过有效期或已导入），请重新选择文件")
        return RedirectResponse("/targets#import", 303)
    try:
        result = imports.import_file(session=session, principal=principal, data=kept.data, filename=kept.filename)
    except DomainError as exc:
        session.rollback()
        flash(request, "error", exc.detail)
        return RedirectResponse("/targets#import", 303)
    pending.drop(session=session, row=kept)
    flash(request, "ok", result.message)
    for warning in result.warnings:
        flash(request, "info", f"警告：{warning}")
    return RedirectResponse(f"/targets?year={result.year}#import", 303)
