"""The `tracker` command (INTERFACE.md), assembled from each feature's cli.py.

Importing this module must stay cheap (`tracker --help` loads no database, pandas or FastAPI): the
feature modules import their services inside each command, and a run assembles only the group it names
(`tracker actuals upload` loads no other group's module).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module
from typing import Any

import typer

from tracker.console import err


def _load(where: str) -> Any:
    module, _, name = where.partition(":")
    return getattr(import_module(module), name)


def _at(where: str) -> Callable[[], Any]:
    """The group or command at `where` ("module:name"), imported when a run asks for it."""
    return lambda: _load(where)


def _export_app() -> typer.Typer:
    """导出: the self-evaluation (evaluation) and the monitoring tables (monitoring), one group."""
    export_app = typer.Typer(help="导出自评表和监控表", no_args_is_help=True)
    export_app.command("self-evaluation")(_load("tracker.evaluation.cli:export_self_evaluation"))
    export_app.command("monitoring")(_load("tracker.monitoring.cli:export_monitoring"))
    return export_app


def _targets_app() -> typer.Typer:
    """The targets group with 目标表审核 (`targets review`), which lives in evaluation."""
    group: typer.Typer = _load("tracker.targets.cli:app")
    if not any(c.name == "review" for c in group.registered_commands):  # the group is built once a process
        group.command("review")(_load("tracker.evaluation.cli:targets_review"))
    return group


# Each name on the command line and how its group of commands (a Typer) or its one command (a function) is
# built, in the order `tracker --help` lists them. Importing this module builds none of them.
GROUPS: dict[str, Callable[[], typer.Typer]] = {
    "db": _at("tracker.app_cli:db_app"),
    "targets": _targets_app,
    "actuals": _at("tracker.actuals.cli:app"),
    "users": _at("tracker.auth.cli:app"),
    "export": _export_app,
    "variance": _at("tracker.monitoring.cli:variance_app"),
    "units": _at("tracker.alerts.cli:units_app"),
    "jobs": _at("jobs.cli:app"),
    "alerts": _at("tracker.alerts.cli:alerts_app"),
    "corrections": _at("tracker.corrections.cli:corrections_app"),
    "report": _at("tracker.reports.cli:report_app"),
    "demo": _at("tracker.demo.cli:demo_app"),
    "indicators": _at("tracker.targets.corrections_cli:indicators_app"),
    "budget": _at("tracker.budget.cli:budget_app"),
}
COMMANDS: dict[str, Callable[[], Any]] = {
    "serve": _at("tracker.app_cli:serve"),
    "scheduler": _at("jobs.cli:scheduler"),
    "run-all": _at("jobs.cli:run_all"),
}


def _top() -> None:
    """预算绩效运行监控 tracker"""


def build(only: str | None = None) -> typer.Typer:
    """The `tracker` command: every group and command, or only the one named `only` (what one run needs:
    typer turns every command of the app into a click command before it parses the arguments, 15 ms for
    all of them, and each group's module is imported)."""
    app = typer.Typer(help="预算绩效运行监控 tracker", no_args_is_help=True, pretty_exceptions_enable=False)
    app.callback()(_top)  # a group even when it holds one command: `tracker serve` keeps its name
    for name, group in GROUPS.items():
        if only is None or name == only:
            app.add_typer(group(), name=name)
    for name, command in COMMANDS.items():
        if only is None or name == only:
            app.command(name)(command())
    return app


def __getattr__(name: str) -> Any:
    """`tracker.cli.app`: the whole command, built on first use (tests invoke it; scripts run `main`)."""
    if name == "app":
        app = globals()["app"] = build()
        return app
    raise AttributeError(name)


def _named(argv: list[str]) -> str | None:
    """The group or command the arguments name first, when it is one (not an option, a typo or nothing)."""
    first = argv[0] if argv else ""
    return first if first in GROUPS or first in COMMANDS else None


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
        build(_named(sys.argv[1:]))()
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
