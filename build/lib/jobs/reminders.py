"""Daily: remind units that have not reported a period N days before it is due and again once overdue."""

from __future__ import annotations

from jobs.base import JobContext, JobResult
from tracker.alerts.config import alert_rules
from tracker.alerts.deliver import deliver_pending
from tracker.alerts.service import decide_reminders
from tracker.db import session_scope


def run(ctx: JobContext) -> JobResult:
    with session_scope(ctx.engine) as session:
        decided = decide_reminders(session=session, as_of=ctx.as_of, job_run_id=ctx.run_id, rules=ctx.rules)
    delivered = deliver_pending(engine=ctx.engine, settings=ctx.settings, rules=alert_rules(ctx.rules), clock=ctx.clock)
    return JobResult(counts=decided.counts() | delivered.counts(), problems=decided.problems() + delivered.problems)
