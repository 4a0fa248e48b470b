"""`tracker variance`, `tracker units contact`, `tracker jobs`, `tracker scheduler`, `tracker run-all`."""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import time
from datetime import date
from typing import Annotated, Any

import typer
from rich.console import Console

from tracker.alerts.contacts import get_contacts, set_contacts
from tracker.db import session_scope
from tracker.errors import DomainError
from tracker.monitoring.schemas import job_run_out, variance_out
from tracker.monitoring.service import iter_variances
from tracker.scope import Scope

variance_app = typer.Typer(help="预算执行进度", no_args_is_help=True)
units_app = typer.Typer(help="预算单位", no_args_is_help=True)
jobs_app = typer.Typer(help="定时任务", no_args_is_help=True)
err = Console(stderr=True)


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _fail(message: str, code: int) -> None:
    err.print(f"[red]错误：[/red]{message}", highlight=False)
    raise typer.Exit(code)


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        _fail(f"日期应为 YYYY-MM-DD：{text}", 2)
    raise AssertionError


@variance_app.command("show")
def variance_show(
    year: Annotated[int | None, typer.Option()] = None,
    dept: Annotated[str | None, typer.Option(help="单位编码")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD（缺省为今天）")] = None,
    fmt: Annotated[str, typer.Option("--format", help="json")] = "json",
) -> None:
    """Per project: planned and actual spend, rates, ratio to plan, time progress and light."""
    if fmt != "json":
        _fail("目前只支持 --format json", 2)
    day = _day(as_of)
    with session_scope() as session:
        # printed piece by piece, the same text as one json.dumps(indent=2), so memory stays flat
        out, first = sys.stdout, True
        for piece in iter_variances(session=session, scope=Scope.everything(), year=year, dept_code=dept, as_of=day):
            for v in piece:
                row = json.dumps(variance_out(v).model_dump(mode="json", exclude={"indicators"}), ensure_ascii=False,
                                 indent=2, default=str)  # fmt: skip
                out.write(("[\n" if first else ",\n") + "\n".join("  " + line for line in row.split("\n")))
                first = False
        out.write("[]\n" if first else "\n]\n")


@units_app.command("contact")
def units_contact(
    args: Annotated[list[str] | None, typer.Argument(help="CODE EMAIL…，或与 --finance 一起只给 EMAIL…")] = None,
    finance: Annotated[bool, typer.Option("--finance", help="设置财政局（红灯升级）的联系人")] = False,
) -> None:
    """Set who receives a unit's alerts, or (--finance) the finance bureau's escalations; no address shows them."""
    values = list(args or [])
    if not finance and not values:
        _fail("请给出单位编码：tracker units contact CODE EMAIL…", 2)
    code = None if finance else values.pop(0)
    who = "财政局" if code is None else f"单位{code}"
    try:
        with session_scope() as session:
            if values:
                emails = set_contacts(session=session, dept_code=code, emails=values)
            else:
                emails = get_contacts(session=session, dept_code=code)
    except DomainError as exc:
        _fail(exc.detail, 2)
    print(f"{who}的联系人：{'、'.join(emails) if emails else '（未设置）'}")


@jobs_app.command("run")
def jobs_run(
    name: Annotated[str, typer.Argument(help="reminders、variance 或 alerts")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD（缺省为今天）")] = None,
) -> None:
    """Run one scheduled job now and record the run; exit 1 if it failed."""
    from jobs.runner import run_job

    logging.getLogger("jobs.runner").setLevel(logging.ERROR)  # its problems are printed below, once
    day = _day(as_of)
    try:
        run = run_job(name, as_of=day, trigger="cli")
    except DomainError as exc:
        _fail(exc.detail, 2)
    print(f"任务 {run.name}（{run.as_of}）：{run.outcome}")
    for key, value in run.counts.items():
        print(f"  {key}: {value}")
    for problem in run.problems:
        print(f"注意：{problem}")
    if run.outcome == "failed":
        _fail(run.error, 1)


@jobs_app.command("runs")
def jobs_runs(
    name: Annotated[str | None, typer.Option(help="只看这个任务")] = None,
    limit: Annotated[int, typer.Option()] = 20,
) -> None:
    """Recent job runs as JSON, newest first."""
    from tracker.monitoring.runs import list_runs

    with session_scope() as session:
        runs, _ = list_runs(session=session, name=name, limit=limit)
        _json([job_run_out(r).model_dump(mode="json") for r in runs])


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
