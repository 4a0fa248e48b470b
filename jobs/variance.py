"""Nightly: store every project's variance of the day, so the history can be charted and compared; then
review again the tables changed since their stored review, so that `GET /review` finds them ready."""

from __future__ import annotations

from jobs.base import JobContext, JobResult
from tracker.db import session_scope
from tracker.evaluation.review import refresh_findings
from tracker.monitoring.snapshots import take_snapshots
from tracker.scope import Scope


def run(ctx: JobContext) -> JobResult:
    with session_scope(ctx.engine) as session:
        counts = take_snapshots(session=session, as_of=ctx.as_of, rules=ctx.rules)
    with session_scope(ctx.engine) as session:  # its own transaction: the day's snapshots are kept if this fails
        counts["tables_reviewed"] = refresh_findings(session=session, scope=Scope.everything(), rules=ctx.rules)
    return JobResult(counts=counts)
