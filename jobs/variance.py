"""Nightly: store every project's variance of the day, so the history can be charted and compared."""

from __future__ import annotations

from jobs.base import JobContext, JobResult
from tracker.db import session_scope
from tracker.monitoring.snapshots import take_snapshots


def run(ctx: JobContext) -> JobResult:
    with session_scope(ctx.engine) as session:
        counts = take_snapshots(session=session, as_of=ctx.as_of, rules=ctx.rules)
    return JobResult(counts=counts)
