"""`tracker scheduler`: APScheduler 3.x in its own process, never inside the web workers.

One scheduler acts at a time (jobs/lease.py); another started alongside waits as a standby and takes
over when the first stops. On taking over, a job whose last due time passed without a recorded run
(the scheduler was down) runs once at once; APScheduler's coalesce and misfire grace time cover
runs missed while the process was up but busy. Every run is recorded in job_run (jobs/runner.py).
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from datetime import datetime, timedelta
from types import FrameType
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from jobs.lease import Leadership, leadership
from jobs.runner import run_job
from jobs.schedule import Options, entries, options
from tracker.alerts.deliver import sender_id
from tracker.config import get_settings
from tracker.db import get_engine, session_scope
from tracker.monitoring.runs import ran_since
from tracker.rules import Rules, RulesError, load_rules

log = logging.getLogger("jobs.scheduler")


def _run(name: str, trigger: str, engine: Engine, rules: Rules) -> None:
    try:
        run_job(name, trigger=trigger, engine=engine, rules=rules)
    except Exception:  # e.g. the database is unreachable: keep the scheduler alive for the next run
        log.exception("任务%s未能运行", name)


def _missed(engine: Engine, rules: Rules, opts: Options, tz: ZoneInfo) -> list[str]:
    """Jobs that were due since the last run (within the grace time) and have no run recorded since."""
    now = datetime.now(tz)
    out = []
    with session_scope(engine) as session:
        for entry in entries(rules, tz):
            due = entry.last_due(now, within=timedelta(seconds=opts.misfire_grace_seconds))
            if due is not None and not ran_since(session=session, name=entry.name, since=due):
                out.append(entry.name)
    return out


def build(engine: Engine, rules: Rules, opts: Options, leader: Leadership) -> BlockingScheduler:
    """The scheduler with every job of jobs/schedule.py, the catch-up runs, and the lease keeper."""
    tz = get_settings().tz
    scheduler = BlockingScheduler(
        timezone=tz,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": opts.misfire_grace_seconds},
    )
    for entry in entries(rules, tz):
        scheduler.add_job(
            _run, entry.trigger, args=[entry.name, "schedule", engine, rules], id=entry.name, name=entry.name
        )
        log.info("任务%s：%s（%s）", entry.name, entry.crontab, tz.key)
    for name in _missed(engine, rules, opts, tz):
        log.info("任务%s在停机期间错过了运行，现在补做一次", name)
        scheduler.add_job(
            _run,
            DateTrigger(datetime.now(tz), timezone=tz),
            args=[name, "catch-up", engine, rules],
            id=f"{name}:catch-up",
        )

    def keep() -> None:
        if not leader.renew():
            log.error("失去调度权（租约被他人取得或数据库连接中断），停止执行并转为待命")
            scheduler.shutdown(wait=False)

    interval = max(1.0, opts.lease_seconds / 3)
    scheduler.add_job(keep, IntervalTrigger(seconds=interval, timezone=tz), id="lease", name="lease")
    return scheduler


_stopping = threading.Event()  # set by SIGTERM or SIGINT: stop at once, whatever the process is doing


def serve(*, rules: Rules, engine: Engine | None = None) -> None:
    """Wait until this process may act, then run the schedule with `rules`; stop on SIGINT or SIGTERM."""
    engine = engine or get_engine()
    opts = options(rules)
    leader = leadership(engine, owner=sender_id(), lease_seconds=opts.lease_seconds)
    waiting_logged = False
    while not _stopping.is_set():
        if not leader.acquire():
            if not waiting_logged:
                log.info("另一个调度器正在运行，本进程待命（每%s秒检查一次）", opts.standby_poll_seconds)
                waiting_logged = True
            _stopping.wait(opts.standby_poll_seconds)
            continue
        waiting_logged = False
        log.info("本进程成为执行调度器")
        scheduler = build(engine, rules, opts, leader)
        scheduler.add_job(_stop_if_asked, IntervalTrigger(seconds=1), args=[scheduler], id="stop", name="stop")
        try:
            if not _stopping.is_set():
                scheduler.start()  # returns once shut down: on a signal, or by keep() when the lease is lost
        finally:
            if scheduler.running:
                scheduler.shutdown(wait=False)
            leader.release()
    log.info("调度器停止")


def _stop_if_asked(scheduler: BlockingScheduler) -> None:
    """Shut the scheduler down once a signal has asked (a running job finishes first, at the process's exit).

    The signal only sets a flag: raising in the main thread could land inside APScheduler while it hands
    a job to a worker, where every exception is caught and logged, and the scheduler would run on.
    """
    if _stopping.is_set() and scheduler.running:
        scheduler.shutdown(wait=False)


def _terminate(_signum: int, _frame: FrameType | None) -> None:
    _stopping.set()


def main() -> None:
    """Entry point of `tracker scheduler` and `python -m jobs`."""
    from tracker import logs

    logs.configure()  # text lines, or JSON lines with TRACKER_LOG_FORMAT=json
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)  # runs are logged by jobs.runner
    try:
        rules = load_rules()  # once, for every run of this process: a bad file stops the start
    except RulesError as exc:
        log.error("%s", exc.detail)
        sys.exit(2)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)
    serve(rules=rules)
