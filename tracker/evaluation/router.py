"""Export downloads and the target review. Every query is scoped: a unit sees only its own projects.

`GET /exports/self-evaluation?year=` answers summary.xlsx (the INTERFACE.md xlsx download);
`&bundle=zip` answers a zip with every workbook in the `tracker export self-evaluation` layout.
Per-project downloads live under `/exports/self-evaluation/projects/{id}`; the monitoring table's
downloads are in monitoring/router.py.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from tracker.deps import XLSX, RulesDep, ScopeDep, SessionDep, download, download_file
from tracker.evaluation import export
from tracker.evaluation.review import ReviewFinding, review_findings_page
from tracker.shared.export import ZipSink

router = APIRouter(tags=["evaluation"])
Year = Annotated[int, Query(ge=2000, le=2100, description="年度")]


@router.get("/exports/self-evaluation", response_class=Response)
def self_evaluation(
    session: SessionDep,
    scope: ScopeDep,
    rules: RulesDep,
    year: Year,
    dept_code: str | None = None,
    bundle: Literal["summary", "zip"] = "summary",
    region_code: str | None = None,
) -> Response:
    """summary.xlsx of the year (default), or a zip of every project and unit workbook plus the summary."""
    if bundle == "summary":
        data = export.summary_workbook(
            session=session, scope=scope, year=year, dept_code=dept_code, region_code=region_code, rules=rules
        )
        return download(data, f"{year}年度绩效自评汇总.xlsx", XLSX)
    sink = ZipSink()
    export.export_self_evaluation(
        session=session, scope=scope, year=year, dept_code=dept_code, region_code=region_code, sink=sink, rules=rules
    )
    return download_file(sink.close(), f"{year}年度绩效自评表.zip", "application/zip")


@router.get("/exports/self-evaluation/projects/{project_id}", response_class=Response)
def self_evaluation_project(project_id: int, session: SessionDep, scope: ScopeDep, rules: RulesDep) -> Response:
    """One project's 项目支出绩效自评表."""
    name, data = export.project_self_evaluation(session=session, scope=scope, project_id=project_id, rules=rules)
    return download(data, name, XLSX)


class ReviewPage(BaseModel):
    items: list[ReviewFinding]
    total: int


@router.get("/review", response_model=ReviewPage)
def review(
    session: SessionDep,
    scope: ScopeDep,
    rules: RulesDep,
    year: int | None = None,
    dept_code: str | None = None,
    severity: Literal["error", "warning", "info"] | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    region_code: str | None = None,
) -> ReviewPage:
    """Target review findings (DOMAIN.md §6) on the tables the caller may see, a page at a time."""
    items, total = review_findings_page(
        session=session,
        scope=scope,
        year=year,
        dept_code=dept_code,
        severity=severity,
        region_code=region_code,
        limit=limit,
        offset=offset,
        rules=rules,
    )
    return ReviewPage(items=items, total=total)
