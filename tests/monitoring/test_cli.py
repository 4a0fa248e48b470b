"""`tracker variance show` and `tracker jobs run` as operators script them (INTERFACE.md)."""

from __future__ import annotations

import json

from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from tests.support import lagging_first_quarter
from tracker.cli import app
from tracker.db import session_scope
from tracker.models import JobRun, VarianceSnapshot

runner = CliRunner()
FIELDS = ["region_code", "dept_code", "code", "initial_wan", "budget_wan", "planned_wan", "actual_wan", "planned_pct",
          "actual_pct", "time_progress_pct", "ratio", "light"]  # fmt: skip


def test_variance_show_prints_the_interface_fields_per_project(committed_db: Engine) -> None:
    with session_scope() as session:
        lagging_first_quarter(session)
    result = runner.invoke(app, ["variance", "show", "--dept", "314001", "--as-of", "2024-03-31", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 9 and list(rows[0])[: len(FIELDS)] == FIELDS
    low = next(r for r in rows if r["code"] == "13032224P00XC0610101R")
    assert {k: low[k] for k in ("planned_wan", "actual_wan", "ratio", "light", "time_progress_pct")} == {
        "planned_wan": "350.00", "actual_wan": "100.00", "ratio": 0.2857, "light": "red", "time_progress_pct": 25.0,
    }  # fmt: skip
    early = runner.invoke(app, ["variance", "show", "--year", "2024", "--as-of", "2024-02-01", "--format", "json"])
    assert {r["light"] for r in json.loads(early.stdout)} == {None}  # before the first checkpoint
    assert runner.invoke(app, ["variance", "show", "--as-of", "1 April"]).exit_code == 2


def test_jobs_run_records_the_run_and_prints_its_counts(committed_db: Engine) -> None:
    with session_scope() as session:
        lagging_first_quarter(session)
    result = runner.invoke(app, ["jobs", "run", "variance", "--as-of", "2024-04-01"])
    assert result.exit_code == 0, result.output
    assert "任务 variance（2024-04-01）：ok" in result.stdout and "projects: 44" in result.stdout
    with Session(committed_db) as s:
        run = s.exec(select(JobRun)).one()
        assert (run.name, run.trigger, run.outcome, run.counts["red"]) == (
            "variance",
            "cli",
            "ok",
            1,
        )  # LOW_INCOME caught up on 1 April
        assert run.finished_at is not None and run.finished_at >= run.started_at
        assert len(s.exec(select(VarianceSnapshot)).all()) == 44
    runs = json.loads(runner.invoke(app, ["jobs", "runs"]).stdout)
    assert [r["name"] for r in runs] == ["variance"]


def test_jobs_run_refuses_an_unknown_job_or_date(committed_db: Engine) -> None:
    unknown = runner.invoke(app, ["jobs", "run", "backup"])
    assert unknown.exit_code == 2 and "reminders" in unknown.output
    assert runner.invoke(app, ["jobs", "run", "alerts", "--as-of", "2024-13-01"]).exit_code == 2
