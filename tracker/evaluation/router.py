"""Export downloads and the target review. Every query is scoped: a unit sees only its own projects.

`GET /exports/self-evaluation?year=` answers summary.xlsx (the INTERFACE.md xlsx download);
`&bundle=zip` answers a zip with every workbook in the `tracker export self-evaluation` layout.
`GET /exports/monitoring?year=&through_month=` answers a zip in the `tracker export monitoring` layout.
Per-project downloads live under `/exports/…/projects/{id}`.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from tracker.db import SessionDep
from tracker.deps import ScopeDep
from tracker.evaluation import export
from tracker.evaluation.review import ReviewFinding, review_targets

router = APIRouter(tags=["evaluation"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Year = Annotated[int, Query(ge=2000, le=2100, description="年度")]
Month = Annotated[int | None, Query(ge=1, le=12, description="截至月份，缺省见 config/rules.yaml")]


def _download(data: bytes, filename: str, media_type: str) -> Response:
    """A file download; the Chinese name goes in filename* (RFC 6266), an ASCII one in filename."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return Response(content=data, media_type=media_type, headers={"Content-Disposition": disposition})


@router.get("/exports/self-evaluation", response_class=Response)
def self_evaluation(
    session: SessionDep,
    scope: ScopeDep,
    year: Year,
    dept_code: str | None = None,
    bundle: Literal["summary", "zip"] = "summary",
    region_code: str | None = None,
) -> Response:
    """summary.xlsx of the year (default), or a zip of every project and unit workbook plus the summary."""
    where = {"year": year, "dept_code": dept_code, "region_code": region_code}
    if bundle == "summary":
        data = export.summary_workbook(session=session, scope=scope, **where)  # type: ignore[arg-type]
        return _download(data, f"{year}年度绩效自评汇总.xlsx", XLSX)
    sink = export.ZipSink()
    export.export_self_evaluation(session=session, scope=scope, sink=sink, **where)  # type: ignore[arg-type]
    return _download(sink.close(), f"{year}年度绩效自评表.zip", "application/zip")


@router.get("/exports/self-evaluation/projects/{project_id}", response_class=Response)
def self_evaluation_project(project_id: int, session: SessionDep, scope: ScopeDep) -> Response:
    """One project's 项目支出绩效自评表."""
    name, data = export.project_self_evaluation(session=session, scope=scope, project_id=project_id)
    return _download(data, name, XLSX)


@router.get("/exports/monitoring", response_class=Response)
def monitoring(
    session: SessionDep,
    scope: ScopeDep,
    year: Year,
    through_month: Month = None,
    dept_code: str | None = None,
    region_code: str | None = None,
) -> Response:
    """A zip of the 绩效运行监控表: a workbook per project, per unit, and overview.xlsx."""
    sink = export.ZipSink()
    done = export.export_monitoring(
        session=session,
        scope=scope,
        year=year,
        through_month=through_month,
        dept_code=dept_code,
        sink=sink,
        region_code=region_code,
    )
    return _download(sink.close(), f"{year}年1-{done.through_month}月绩效运行监控表.zip", "application/zip")


@router.get("/exports/monitoring/projects/{project_id}", response_class=Response)
def monitoring_project(project_id: int, session: SessionDep, scope: ScopeDep, through_month: Month = None) -> Response:
    """One project's 绩效运行监控表."""
    name, data = export.project_monitoring(
        session=session, scope=scope, project_id=project_id, through_month=through_month
    )
    return _download(data, name, XLSX)


class ReviewPage(BaseModel):
    items: list[ReviewFinding]
    total: int


@router.get("/review", response_model=ReviewPage)
def review(
    session: SessionDep,
    scope: ScopeDep,
    year: int | None = None,
    dept_code: str | None = None,
    severity: Literal["error", "warning", "info"] | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ReviewPage:
    """Target review findings (DOMAIN.md §6) on the tables the caller may see."""
    findings = review_targets(session=session, scope=scope, year=year, dept_code=dept_code, severity=severity)
    return ReviewPage(items=findings[offset : offset + limit], total=len(findings))
