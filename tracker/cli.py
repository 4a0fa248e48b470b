"""The `tracker` command (INTERFACE.md). Each command parses its input, calls one service, prints."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from sqlalchemy.exc import OperationalError, ProgrammingError

from tracker import migrate
from tracker.actuals.cli import app as actuals_app
from tracker.alerts.cli import alerts_app
from tracker.auth.cli import users_app
from tracker.config import get_settings
from tracker.core.money import wan_str
from tracker.core.values import parse_value
from tracker.corrections.cli import corrections_app
from tracker.db import session_scope
from tracker.demo.cli import demo_app
from tracker.errors import DomainError
from tracker.evaluation.cli import export_app, targets_review
from tracker.limits import OutOfRange
from tracker.monitoring.commands import jobs_app, run_all, scheduler, units_app, variance_app
from tracker.progress import count_bar
from tracker.reports.cli import report_app
from tracker.scope import Scope
from tracker.targets import service as targets

app = typer.Typer(help="预算绩效运行监控 tracker", no_args_is_help=True, pretty_exceptions_enable=False)
db_app = typer.Typer(help="数据库", no_args_is_help=True)
targets_app = typer.Typer(help="绩效目标表", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(targets_app, name="targets")
app.add_typer(actuals_app, name="actuals")
app.add_typer(users_app, name="users")
app.add_typer(export_app, name="export")
targets_app.command("review")(targets_review)
app.add_typer(variance_app, name="variance")
app.add_typer(units_app, name="units")
app.add_typer(jobs_app, name="jobs")
app.add_typer(alerts_app, name="alerts")
app.add_typer(corrections_app, name="corrections")
app.add_typer(report_app, name="report")
app.add_typer(demo_app, name="demo")
app.command("scheduler")(scheduler)
app.command("run-all")(run_all)

err = Console(stderr=True)
FormatOpt = Annotated[str, typer.Option("--format", help="json")]


def emit_json(data: Any) -> None:
    """Print JSON with Chinese kept readable."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def fail(message: str, code: int) -> None:
    err.print(f"[red]错误：[/red]{message}", highlight=False)
    raise typer.Exit(code)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema."""
    migrate.upgrade()
    err.print("数据库已是最新结构")


@targets_app.command("import")
def targets_import(
    path: Path,
    year: Annotated[int | None, typer.Option(help="年度（缺省从项目编码或标题读取）")] = None,
) -> None:
    """Import published 绩效目标表 (text, .docx, .pdf, .xlsx/.xls, told by content); re-importing updates in place."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        fail(f"无法读取 {path}：{exc.strerror}", 2)
    with count_bar(err) as bar:
        task = bar.add_task("导入项目", total=None)

        def progress(done: int, total: int, _name: str) -> None:
            bar.update(task, completed=done, total=total)

        try:
            with session_scope() as session:
                summary = targets.import_targets(
                    session=session, data=data, filename=path.name, year=year, progress=progress
                )
        except DomainError as exc:
            bar.stop()
            fail(exc.detail, 2)
    print(
        f"已导入 {summary.filename}：{summary.year}年 {summary.projects} 个项目，{summary.indicators} 个指标，"
        f"预算合计 {wan_str(summary.budget_fen)} 万元（新增 {summary.created}，更新 {summary.updated}，"
        f"未变 {summary.unchanged}）；格式：{summary.layout}"
    )
    for name in summary.incomplete:
        print(f"不完整：{name}")
    for warning in summary.warnings:
        print(f"警告：{warning}")


@targets_app.command("show")
def targets_show(
    year: Annotated[int | None, typer.Option()] = None,
    dept: Annotated[str | None, typer.Option(help="单位编码")] = None,
    fmt: FormatOpt = "json",
) -> None:
    """Print the projects as a JSON array (INTERFACE.md object shape)."""
    with session_scope() as session:
        projects, _ = targets.list_projects(session=session, scope=Scope.everything(), year=year, dept_code=dept)
    emit_json([p.model_dump(exclude={"id"}) for p in projects])


@targets_app.command("parse-value")
def targets_parse_value(text: str) -> None:
    """Show how a target value (指标值) is read; a number beyond the stored limits exits 2 with why."""
    try:
        v = parse_value(text)
    except OutOfRange as exc:
        fail(str(exc), 2)
    value: int | float | None = None
    if v.value is not None:
        value = int(v.value) if v.value == v.value.to_integral_value() else float(v.value)
    emit_json(
        {
            "kind": v.kind.value,
            "comparator": v.comparator.value if v.comparator else None,
            "value": value,
            "unit": v.unit,
            "norm_value": float(v.norm_value) if v.norm_value is not None else None,
            "norm_unit": v.norm_unit,
            "direction": v.direction.value,
        }
    )


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    workers: Annotated[int, typer.Option(help="web worker processes (PostgreSQL)")] = 1,
) -> None:
    """Serve the web pages and the API."""
    import uvicorn

    # a client address from X-Forwarded-For only when it comes from a configured proxy: anyone else
    # could rotate it to dodge the sign-in limit
    proxies = get_settings().trusted_proxies
    uvicorn.run(
        "tracker.main:app",
        host=host,
        port=port,
        workers=workers,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
    )


def main() -> None:
    """Console entry point: a database behind the code gets a sentence and exit 2, not a traceback."""
    try:
        app()
    except (OperationalError, ProgrammingError):
        if migrate.is_current():
            raise
        err.print("[red]错误：[/red]数据库结构不是最新的，请先运行 tracker db upgrade", highlight=False)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
