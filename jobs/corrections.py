"""Daily: remind units of correction deadlines, escalate overdue notices, and send every queued step."""

from __future__ import annotations

from jobs.base import JobContext, JobResult
from tracker.alerts.config import alert_rules
from tracker.alerts.deliver import deliver_pending
from tracker.corrections.service import remind_due
from tracker.db import session_scope


def run(ctx: JobContext) -> JobResult:
    with session_scope(ctx.engine) as session:
        queued = remind_due(session=session, as_of=ctx.as_of, rules=ctx.rules)
    delivered = deliver_pending(engine=ctx.engine, settings=ctx.settings, rules=alert_rules(ctx.rules), clock=ctx.clock)
    return JobResult(counts={"reminders": queued} | delivered.counts(), problems=delivered.problems)
