"""`tracker jobs run|runs`, `tracker scheduler` and `tracker run-all`: the scheduled jobs from the command line."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from typing import Annotated

import typer

from tracker.console import emit_json, fail, load_rules, parse_day

app = typer.Typer(help="定时任务", no_args_is_help=True)


@app.command("run")
def jobs_run(
    name: Annotated[str, typer.Argument(help="reminders、variance 或 alerts")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD（缺省为今天）")] = None,
) -> None:
    """Run one scheduled job now and record the run; exit 1 if it failed."""
    from jobs.runner import run_job
    from tracker.errors import DomainError

    logging.getLogger("jobs.runner").setLevel(logging.CRITICAL)  # its problems are printed below, once
    day = parse_day(as_of)
    rules = load_rules()
    try:
        run = run_job(name, as_of=day, trigger="cli", rules=rules)
    except DomainError as exc:
        fail(exc.detail, 2)
    print(f"任务 {run.name}（{run.as_of}）：{run.outcome}")
    for key, value in run.counts.items():
        print(f"  {key}: {value}")
    for problem in run.problems:
        print(f"注意：{problem}")
    if run.outcome == "failed":
        fail(run.error, 1)


@app.command("runs")
def jobs_runs(
    name: Annotated[str | None, typer.Option(help="只看这个任务")] = None,
    limit: Annotated[int, typer.Option()] = 20,
) -> None:
    """Recent job runs as JSON, newest first."""
    from tracker.db import session_scope
    from tracker.monitoring.runs import list_runs
    from tracker.monitoring.schemas import job_run_out

    with session_scope() as session:
        runs, _ = list_runs(session=session, name=name, limit=limit)
        emit_json([job_run_out(r).model_dump(mode="json") for r in runs])


def scheduler() -> None:
    """Run the scheduled jobs in this process (only one scheduler acts; others wait as standby)."""
    from jobs.scheduler import main

    main()


def run_all(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
) -> None:
    """Start `tracker scheduler` and `tracker serve` as two processes; Ctrl-C, SIGTERM or either ending stops both."""

    def _stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt  # `docker stop`, systemd and `kill` send SIGTERM: treat it as Ctrl-C

    signal.signal(signal.SIGTERM, _stop)
    children = [
        subprocess.Popen([sys.executable, "-m", "jobs"]),
        subprocess.Popen([sys.executable, "-m", "tracker.cli", "serve", "--host", host, "--port", str(port)]),
    ]
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    raise typer.Exit(max(child.returncode or 0 for child in children))
