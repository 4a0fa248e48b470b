"""The `tracker` command (INTERFACE.md), assembled from each feature's cli.py.

Importing this module must stay cheap (`tracker --help` loads no database, pandas or FastAPI): the
feature modules import their services inside each command.
"""

from __future__ import annotations

import sys

import typer

from jobs import cli as jobs_cli
from tracker import app_cli
from tracker.actuals import cli as actuals_cli
from tracker.alerts import cli as alerts_cli
from tracker.auth import cli as auth_cli
from tracker.budget.cli import budget_app
from tracker.console import err
from tracker.corrections.cli import corrections_app
from tracker.demo.cli import demo_app
from tracker.evaluation import cli as evaluation_cli
from tracker.monitoring import cli as monitoring_cli
from tracker.reports.cli import report_app
from tracker.targets import cli as targets_cli
from tracker.targets.corrections_cli import indicators_app

app = typer.Typer(help="预算绩效运行监控 tracker", no_args_is_help=True, pretty_exceptions_enable=False)
export_app = typer.Typer(help="导出自评表和监控表", no_args_is_help=True)
export_app.command("self-evaluation")(evaluation_cli.export_self_evaluation)
export_app.command("monitoring")(monitoring_cli.export_monitoring)
targets_cli.app.command("review")(evaluation_cli.targets_review)

app.add_typer(app_cli.db_app, name="db")
app.add_typer(targets_cli.app, name="targets")
app.add_typer(actuals_cli.app, name="actuals")
app.add_typer(auth_cli.app, name="users")
app.add_typer(export_app, name="export")
app.add_typer(monitoring_cli.variance_app, name="variance")
app.add_typer(alerts_cli.units_app, name="units")
app.add_typer(jobs_cli.app, name="jobs")
app.add_typer(alerts_cli.alerts_app, name="alerts")
app.add_typer(corrections_app, name="corrections")
app.add_typer(report_app, name="report")
app.add_typer(demo_app, name="demo")
app.add_typer(indicators_app, name="indicators")
app.add_typer(budget_app, name="budget")
app.command("serve")(app_cli.serve)
app.command("scheduler")(jobs_cli.scheduler)
app.command("run-all")(jobs_cli.run_all)


def _database_error(exc: BaseException) -> bool:
    sa_exc = sys.modules.get("sqlalchemy.exc")
    return sa_exc is not None and isinstance(exc, sa_exc.OperationalError | sa_exc.ProgrammingError)


def _behind_schema() -> bool:
    """Whether the schema is older than the code (checked only once a database error happened)."""
    from sqlalchemy.exc import SQLAlchemyError

    from tracker import migrate

    try:
        return not migrate.is_current()
    except SQLAlchemyError:
        return False  # the database cannot even be asked: it is down or the connection was cut


def main() -> None:
    """Console entry point: a database behind the code, down or cut off gets a sentence, not a traceback."""
    try:
        app()
    except Exception as exc:
        if not _database_error(exc):
            raise
        if _behind_schema():
            err.print("[red]错误：[/red]数据库结构不是最新的，请先运行 tracker db upgrade", highlight=False)
            sys.exit(2)
        reason = (str(getattr(exc, "orig", exc)).strip().splitlines() or [""])[0]
        message = f"数据库不可用或连接已断开，本次操作未完成（未提交的内容不会保存）：{reason}"
        err.print(f"[red]错误：[/red]{message}", highlight=False)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
