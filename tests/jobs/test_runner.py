"""Every run is recorded: start, end, outcome, counts, problems; a failure is recorded, not lost."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from jobs.base import JobContext, JobResult
from jobs.runner import run_job
from jobs.schedule import JOBS, options
from jobs.scheduler import _missed
from tracker.config import get_settings
from tracker.errors import InvalidInput
from tracker.models import JobRun
from tracker.rules import load_rules


def test_a_failing_job_is_recorded_as_failed_with_its_error(
    committed_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(_ctx: JobContext) -> JobResult:
        raise RuntimeError("数据库不可用\nsecond line")

    monkeypatch.setitem(JOBS, "boom", boom)
    run = run_job("boom", as_of=date(2024, 4, 1))
    assert (run.outcome, run.error) == ("failed", "RuntimeError: 数据库不可用")
    with Session(committed_db) as s:
        stored = s.exec(select(JobRun)).one()
    assert stored.outcome == "failed" and stored.finished_at is not None


def test_problems_make_a_warning_and_counts_are_kept(committed_db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(JOBS, "partly", lambda _ctx: JobResult(counts={"sent": 2}, problems=["单位X没有联系人"]))
    run = run_job("partly", as_of=date(2024, 4, 1))
    assert (run.outcome, run.counts, run.problems) == ("warning", {"sent": 2}, ["单位X没有联系人"])


def test_an_unknown_job_is_refused() -> None:
    with pytest.raises(InvalidInput):
        run_job("backup")


def test_a_job_due_while_the_scheduler_was_down_is_caught_up_until_it_has_run(committed_db: Engine) -> None:
    rules, tz = load_rules(), get_settings().tz
    every = sorted(JOBS)  # each job runs daily, so each was due within the day's grace time
    assert sorted(_missed(committed_db, rules, options(rules), tz)) == every
    run_job("variance", trigger="catch-up")
    assert sorted(_missed(committed_db, rules, options(rules), tz)) == [n for n in every if n != "variance"]
