"""Recorded job runs: started, finished, outcome and counts, so that every run is visible afterwards."""

from __future__ import annotations

import os
import socket
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, func, select

from tracker.models import JobRun
from tracker.models.base import utcnow

FINISHED_WELL = ("ok", "warning")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_run(*, session: Session, name: str, as_of: date, trigger: str) -> JobRun:
    """Record a run as started; runs of this host left `running` by a process that is gone become `interrupted`."""
    host = socket.gethostname()
    stale = session.exec(
        select(JobRun).where(JobRun.name == name, JobRun.outcome == "running", JobRun.host == host)
    ).all()
    for run in stale:
        if not _alive(run.pid):
            run.outcome = "interrupted"
            run.error = "进程在运行中退出（已由下一次运行补做）"
    run = JobRun(name=name, as_of=as_of, trigger=trigger, host=host, pid=os.getpid())
    session.add(run)
    session.flush()
    return run


def finish_run(
    *, session: Session, run_id: int, outcome: str, counts: dict[str, Any], problems: list[str], error: str = ""
) -> JobRun:
    """Close a run with its outcome (ok, warning, failed), what it counted and what it could not do."""
    run = session.get(JobRun, run_id)
    assert run is not None
    run.finished_at = utcnow()
    run.outcome = outcome
    run.counts = counts
    run.problems = problems
    run.error = error
    session.add(run)
    return run


def ran_since(*, session: Session, name: str, since: datetime) -> bool:
    """Whether a run of `name` started at or after `since` and did not fail."""
    since = since.astimezone(UTC)  # SQLite keeps timestamps as UTC text without a zone: compare like with like
    query = select(func.count()).where(
        JobRun.name == name, col(JobRun.started_at) >= since, col(JobRun.outcome).in_([*FINISHED_WELL, "running"])
    )
    return int(session.exec(query).one()) > 0


def list_runs(
    *, session: Session, name: str | None = None, limit: int = 100, offset: int = 0
) -> tuple[list[JobRun], int]:
    """Runs, newest first, with their count."""
    query = select(JobRun)
    if name is not None:
        query = query.where(JobRun.name == name)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(JobRun.started_at).desc(), col(JobRun.id).desc()).offset(offset).limit(limit)
    )
    return list(rows), int(total)
