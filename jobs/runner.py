"""Run one job and record it: a row when it starts, its outcome, counts and problems when it ends."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from jobs.base import JobContext, JobResult
from jobs.schedule import JOBS
from tracker.clock import today
from tracker.config import get_settings
from tracker.db import database_problem, get_engine, session_scope
from tracker.errors import InvalidInput
from tracker.models import JobRun
from tracker.models.base import utcnow
from tracker.monitoring.runs import finish_run, start_run
from tracker.rules import Rules, load_rules

log = logging.getLogger(__name__)


def run_job(
    name: str,
    *,
    as_of: date | None = None,
    trigger: str = "cli",
    engine: Engine | None = None,
    clock: Callable[[], datetime] = utcnow,
    rules: Rules | None = None,
) -> JobRun:
    """Run `name` now for `as_of` (default today); a failure is recorded and logged, not raised.

    `rules` are the scheduler's, loaded at its start; a one-off run (a command) is itself a start and
    reads config/rules.yaml before the run is recorded, so a bad file stops it with the file's message.
    """
    job = JOBS.get(name)
    if job is None:
        raise InvalidInput(f"没有名为“{name}”的任务；可选：{'、'.join(JOBS)}")
    engine = engine or get_engine()
    rules = rules if rules is not None else load_rules()
    day = as_of or today()
    with session_scope(engine) as session:
        run = start_run(session=session, name=name, as_of=day, trigger=trigger)
    assert run.id is not None
    log.info("任务%s开始（%s，%s）", name, day, trigger)
    try:
        ctx = JobContext(as_of=day, run_id=run.id, engine=engine, settings=get_settings(), rules=rules, clock=clock)
        result = job(ctx)
    except Exception as exc:
        log.exception("任务%s失败", name)
        return _finish(engine, run.id, "failed", JobResult(), error=_why(exc))
    for problem in result.problems:
        log.warning("任务%s：%s", name, problem)
    outcome = "warning" if result.problems else "ok"
    finished = _finish(engine, run.id, outcome, result)
    log.info("任务%s结束：%s %s", name, outcome, result.counts)
    return finished


def _why(exc: Exception) -> str:
    """The run's error in one line: the database's trouble in Chinese (its work was rolled back), else the exception."""
    if isinstance(exc, SQLAlchemyError):
        return f"{database_problem(exc).detail}（{type(exc).__name__}）"
    first_line = (str(exc).splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first_line}"[:500]


def _finish(engine: Engine, run_id: int, outcome: str, result: JobResult, error: str = "") -> JobRun:
    with session_scope(engine) as session:
        return finish_run(
            session=session,
            run_id=run_id,
            outcome=outcome,
            counts=result.counts,
            problems=result.problems,
            error=error,
        )
