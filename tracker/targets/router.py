"""Read-only project routes. Scoping comes from `current_scope`, which the sign-in layer provides."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from pydantic import BaseModel, Field

from tracker.deps import PrincipalDep, ScopeDep, SessionDep
from tracker.targets import imports, list_memo, listing, service
from tracker.targets.corrections import Correction, correct_indicator, indicator_history
from tracker.targets.schemas import IndicatorOut, ProjectOut, TargetImportOut, target_import_out

router = APIRouter(tags=["projects"])


class ProjectPage(BaseModel):
    items: list[ProjectOut]
    total: int


@router.get("/projects", response_model=ProjectPage)
def list_projects(
    session: SessionDep,
    scope: ScopeDep,
    year: int | None = None,
    dept_code: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    region_code: str | None = None,
) -> Response:
    # ProjectPage documents the answer; it is built from table rows and encoded once (targets/listing.py):
    # building, validating and dumping a thousand models was most of the request. The encoded page is
    # kept while the data behind it is unchanged (targets/list_memo.py).
    query = {"year": year, "dept_code": dept_code, "limit": limit, "offset": offset, "region_code": region_code}
    key = (scope, tuple(query.items()))
    body = list_memo.kept_page(session, key, service.today(),
                               lambda: listing.project_page_json(session=session, scope=scope, **query))  # fmt: skip
    return Response(body, media_type="application/json")


@router.get("/projects/{project_id}", response_model=ProjectOut)
def get_project(project_id: int, session: SessionDep, scope: ScopeDep) -> ProjectOut:
    return service.get_project(session=session, scope=scope, project_id=project_id)


class IndicatorPatch(BaseModel):
    """A finance-bureau correction (`tracker indicators set`): what to change and why."""

    reason: str = Field(min_length=1, description="修改原因，记入指标历史和审计记录")
    target: str | None = Field(default=None, description="新的指标值，如 ≥2500人、10-20人、1000人左右")
    accumulation: Literal["cumulative", "level"] | None = None
    weight: Annotated[float, Field(ge=0, le=100)] | None = Field(default=None, description="三级指标分值")
    applicable: bool | None = Field(default=None, description="false：不适用")


class IndicatorChangeOut(BaseModel):
    seq: int
    field: str
    old: str | None
    new: str | None
    reason: str
    changed_by: str | None
    changed_at: datetime


@router.patch("/projects/{project_id}/indicators/{seq}", response_model=IndicatorOut)
def patch_indicator(
    project_id: int, seq: int, body: IndicatorPatch, session: SessionDep, principal: PrincipalDep
) -> IndicatorOut:
    """Correct one indicator (finance bureau only); the old value stays in its history and the audit trail."""
    principal.require_admin()
    weight = str(body.weight) if body.weight is not None else None
    fix = Correction(reason=body.reason, target=body.target, accumulation=body.accumulation, weight=weight,
                     applicable=body.applicable)  # fmt: skip
    return correct_indicator(session=session, scope=principal.scope, actor=principal.username,
                             project_id=project_id, seq=seq, fix=fix)  # fmt: skip


@router.get("/projects/{project_id}/indicator-changes", response_model=list[IndicatorChangeOut])
def indicator_changes(project_id: int, session: SessionDep, scope: ScopeDep) -> list[IndicatorChangeOut]:
    """The project's indicator corrections, newest first."""
    return [
        IndicatorChangeOut(**asdict(c)) for c in indicator_history(session=session, scope=scope, project_id=project_id)
    ]


IMPORT_ERRORS: dict[int | str, dict[str, Any]] = {
    200: {"description": "dry_run：检查通过，未写入任何数据"},
    403: {"description": "不是财政局管理员，或文件含有不在管理范围内的地区"},
    413: {"description": "文件过大"},
    422: {"description": "无法读取：消息列出可读取的格式和读取停止的位置，未写入任何数据"},
}


@router.post("/targets/imports", status_code=201, response_model=TargetImportOut, responses=IMPORT_ERRORS)
def post_target_import(
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
    file: Annotated[UploadFile, File(description="绩效目标表：文本、.docx、.pdf、.xlsx/.xls")],
    dry_run: Annotated[bool, Form()] = False,
    dry_run_query: Annotated[bool, Query(alias="dry_run")] = False,
    year: Annotated[int | None, Form()] = None,
) -> TargetImportOut:
    """Import a published 绩效目标表 (finance bureau); with dry_run, check it and answer 200 without writing."""
    principal.require_admin()  # before the file is read: a unit is told "no", not "too large"
    data = imports.read_upload(file.size, file.file)
    dry = dry_run or dry_run_query
    result = imports.import_file(session=session, principal=principal, data=data, filename=file.filename or "upload",
                                 year=year, dry_run=dry)  # fmt: skip
    if dry:
        response.status_code = 200
    return target_import_out(result)
