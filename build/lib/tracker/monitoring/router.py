"""Variance, its daily history, and the recorded job runs. Every query is scoped by the caller's units."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from tracker.db import SessionDep
from tracker.deps import PrincipalDep, ScopeDep
from tracker.monitoring import runs, snapshots
from tracker.monitoring.schemas import (
    JobRunPage,
    SnapshotPage,
    VarianceOut,
    VariancePage,
    job_run_out,
    snapshot_out,
    variance_out,
)
from tracker.monitoring.service import project_variance, project_variances

router = APIRouter(tags=["monitoring"])
Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0)]


@router.get("/variance", response_model=VariancePage)
def list_variance(
    session: SessionDep,
    scope: ScopeDep,
    year: int | None = None,
    dept_code: str | None = None,
    as_of: date | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> VariancePage:
    rows = project_variances(session=session, scope=scope, year=year, dept_code=dept_code, as_of=as_of)
    return VariancePage(items=[variance_out(v) for v in rows[offset : offset + limit]], total=len(rows))


@router.get("/projects/{project_id}/variance", response_model=VarianceOut)
def get_variance(project_id: int, session: SessionDep, scope: ScopeDep, as_of: date | None = None) -> VarianceOut:
    v = project_variance(session=session, scope=scope, project_id=project_id, as_of=as_of)
    return variance_out(v, with_indicators=True)


@router.get("/projects/{project_id}/variance/history", response_model=SnapshotPage)
def variance_history(
    project_id: int, session: SessionDep, scope: ScopeDep, limit: Limit = 100, offset: Offset = 0
) -> SnapshotPage:
    rows, total = snapshots.snapshot_history(
        session=session, scope=scope, project_id=project_id, limit=limit, offset=offset
    )
    return SnapshotPage(items=[snapshot_out(s) for s in rows], total=total)


@router.get("/jobs/runs", response_model=JobRunPage)
def list_job_runs(
    session: SessionDep, principal: PrincipalDep, name: str | None = None, limit: Limit = 100, offset: Offset = 0
) -> JobRunPage:
    principal.require_admin()  # runs span every unit
    rows, total = runs.list_runs(session=session, name=name, limit=limit, offset=offset)
    return JobRunPage(items=[job_run_out(r) for r in rows], total=total)
