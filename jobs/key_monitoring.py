"""Daily: put projects on the key list (重点监控) once a tier's date has passed, tell the finance bureau once."""

from __future__ import annotations

from jobs.base import JobContext, JobResult
from tracker.alerts.config import alert_rules
from tracker.alerts.deliver import deliver_pending
from tracker.alerts.service import decide_key_escalation
from tracker.db import session_scope
from tracker.monitoring.key_list import list_key_projects


def run(ctx: JobContext) -> JobResult:
    with session_scope(ctx.engine) as session:
        listed = list_key_projects(session=session, as_of=ctx.as_of, rules=ctx.rules)
        decided = decide_key_escalation(session=session, as_of=ctx.as_of, job_run_id=ctx.run_id, rules=ctx.rules)
    delivered = deliver_pending(engine=ctx.engine, settings=ctx.settings, rules=alert_rules(ctx.rules), clock=ctx.clock)
    counts = {"listed": len(listed)} | decided.counts() | delivered.counts()
    return JobResult(counts=counts, problems=decided.problems() + delivered.problems)
