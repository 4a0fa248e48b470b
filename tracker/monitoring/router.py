"""Variance, its daily history, the 绩效运行监控表 downloads and the recorded job runs.

Every query is scoped by the caller's units.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from tracker.core.money import wan_str
from tracker.deps import XLSX, PrincipalDep, RulesDep, ScopeDep, SessionDep, download, download_file
from tracker.monitoring import export, runs, snapshots
from tracker.monitoring.key_list import key_listings
from tracker.monitoring.per_project import project_variance
from tracker.monitoring.schemas import (
    JobRunPage,
    SnapshotPage,
    VarianceOut,
    VariancePage,
    job_run_out,
    snapshot_out,
    variance_out,
)
from tracker.monitoring.service import variance_page
from tracker.openapi import IsoDate
from tracker.shared.export import ZipSink

router = APIRouter(tags=["monitoring"])
Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0)]
Year = Annotated[int, Query(ge=2000, le=2100, description="年度")]
Month = Annotated[int | None, Query(ge=1, le=12, description="截至月份，缺省见 config/rules.yaml")]


@router.get("/variance", response_model=VariancePage)
def list_variance(
    session: SessionDep,
    scope: ScopeDep,
    rules: RulesDep,
    year: int | None = None,
    dept_code: str | None = None,
    as_of: IsoDate | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
    region_code: str | None = None,
) -> VariancePage:
    rows, total = variance_page(
        session=session, scope=scope, year=year, dept_code=dept_code, as_of=as_of, region_code=region_code,
        rules=rules, limit=limit, offset=offset,
    )  # fmt: skip
    return VariancePage(items=[variance_out(v) for v in rows], total=total)


@router.get("/projects/{project_id}/variance", response_model=VarianceOut)
def get_variance(
    project_id: int, session: SessionDep, scope: ScopeDep, rules: RulesDep, as_of: IsoDate | None = None
) -> VarianceOut:
    v = project_variance(session=session, scope=scope, project_id=project_id, as_of=as_of, rules=rules)
    return variance_out(v, with_indicators=True)


@router.get("/projects/{project_id}/variance/history", response_model=SnapshotPage)
def variance_history(
    project_id: int, session: SessionDep, scope: ScopeDep, limit: Limit = 100, offset: Offset = 0
) -> SnapshotPage:
    rows, total = snapshots.snapshot_history(
        session=session, scope=scope, project_id=project_id, limit=limit, offset=offset
    )
    return SnapshotPage(items=[snapshot_out(s) for s in rows], total=total)


class KeyListingOut(BaseModel):
    project_id: int
    year: int
    dept_code: str
    region_code: str | None
    code: str
    name: str
    tier: str
    on_date: date
    budget_wan: str
    actual_wan: str
    rate_pct: float | None


class KeyListingPage(BaseModel):
    items: list[KeyListingOut]
    total: int


@router.get("/key-monitoring", response_model=KeyListingPage)
def get_key_list(
    session: SessionDep, scope: ScopeDep, year: int | None = None, as_of: IsoDate | None = None
) -> KeyListingPage:
    """The key list (重点监控) the caller may see, listed on or before `as_of`."""
    rows = key_listings(session=session, scope=scope, year=year, as_of=as_of)
    items = [
        KeyListingOut(
            project_id=p.id or 0,
            year=k.year,
            dept_code=k.dept_code,
            region_code=k.region_code,
            code=p.code,
            name=p.name,
            tier=k.tier,
            on_date=k.on_date,
            budget_wan=wan_str(k.budget_fen),
            actual_wan=wan_str(k.actual_fen),
            rate_pct=float(k.rate) if k.rate is not None else None,
        )
        for k, p in rows
    ]
    return KeyListingPage(items=items, total=len(items))


@router.get("/jobs/runs", response_model=JobRunPage)
def list_job_runs(
    session: SessionDep, principal: PrincipalDep, name: str | None = None, limit: Limit = 100, offset: Offset = 0
) -> JobRunPage:
    principal.require_admin()  # runs span every region
    principal.require_province()
    rows, total = runs.list_runs(session=session, name=name, limit=limit, offset=offset)
    return JobRunPage(items=[job_run_out(r) for r in rows], total=total)


@router.get("/exports/monitoring", response_class=Response)
def monitoring(
    session: SessionDep,
    scope: ScopeDep,
    rules: RulesDep,
    year: Year,
    through_month: Month = None,
    dept_code: str | None = None,
    region_code: str | None = None,
) -> Response:
    """A zip of the 绩效运行监控表: a workbook per project, per unit, and overview.xlsx."""
    sink = ZipSink()
    done = export.export_monitoring(
        session=session,
        scope=scope,
        year=year,
        through_month=through_month,
        dept_code=dept_code,
        sink=sink,
        region_code=region_code,
        rules=rules,
    )
    return download_file(sink.close(), f"{year}年1-{done.through_month}月绩效运行监控表.zip", "application/zip")


@router.get("/exports/monitoring/projects/{project_id}", response_class=Response)
def monitoring_project(
    project_id: int, session: SessionDep, scope: ScopeDep, rules: RulesDep, through_month: Month = None
) -> Response:
    """One project's 绩效运行监控表."""
    name, data = export.project_monitoring(
        session=session, scope=scope, project_id=project_id, through_month=through_month, rules=rules
    )
    return download(data, name, XLSX)
