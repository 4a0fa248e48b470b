"""`tracker corrections issue …` and `tracker corrections list …` (INTERFACE.md)."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Annotated

import typer

from tracker.console import err

corrections_app = typer.Typer(help="整改通知", no_args_is_help=True)


def _fail(message: str) -> None:
    err.print(f"[red]错误：[/red]{message}", highlight=False)
    raise typer.Exit(2)


@corrections_app.command("issue")
def corrections_issue(
    year: Annotated[int, typer.Option(help="年度")],
    dept: Annotated[str, typer.Option(help="单位编码")],
    project: Annotated[str, typer.Option(help="项目编码")],
    due: Annotated[str, typer.Option(help="整改期限 YYYY-MM-DD")],
    text: Annotated[str, typer.Option(help="存在问题")],
    requirement: Annotated[str, typer.Option(help="整改要求")] = "",
    withhold: Annotated[bool, typer.Option("--withhold", help="暂缓拨款，整改通过前拒收该项目的支付")] = False,
) -> None:
    """Issue a correction notice on a project as the finance bureau; the unit hears by mail/webhook."""
    from sqlmodel import select

    from tracker.auth.principal import Principal
    from tracker.console import load_rules
    from tracker.corrections import service
    from tracker.db import session_scope
    from tracker.errors import DomainError, NotFound
    from tracker.models import Project
    from tracker.scope import Scope

    try:
        due_on = date.fromisoformat(due)
    except ValueError:
        _fail(f"--due 应为 YYYY-MM-DD：{due}")
        return
    rules = load_rules()
    try:
        with session_scope() as session:
            pid = session.exec(
                select(Project.id).where(Project.year == year, Project.dept_code == dept, Project.code == project)
            ).first()
            if pid is None:
                raise NotFound(f"没有{year}年单位{dept}的项目{project}")
            n = service.issue_notice(
                session=session,
                principal=Principal(username="命令行", role="admin", scope=Scope.everything()),
                rules=rules,
                project_id=pid,
                problem=text,
                requirement=requirement,
                due_on=due_on,
                withhold=withhold,
            )
            number = n.id
    except DomainError as exc:
        _fail(exc.detail)
        return
    print(f"已下达整改通知第{number}号（期限 {due_on.isoformat()}），将在下次运行定时任务时通知单位")


@corrections_app.command("list")
def corrections_list(
    state: Annotated[str | None, typer.Option(help="open / overdue / closed")] = None,
    year: Annotated[int | None, typer.Option()] = None,
    fmt: Annotated[str, typer.Option("--format", help="json")] = "json",
) -> None:
    """Correction notices as JSON, nearest deadline first."""

    from tracker.clock import today
    from tracker.corrections import service
    from tracker.corrections.schemas import notice_out
    from tracker.db import session_scope
    from tracker.errors import DomainError
    from tracker.scope import Scope

    if fmt != "json":
        _fail("目前只支持 --format json")
    day = today()
    try:
        with session_scope() as session:
            rows, _ = service.list_notices(
                session=session, scope=Scope.everything(), today=day, state=state, year=year, limit=100_000
            )
            out = [notice_out(n, p, today=day).model_dump(mode="json") for n, p in rows]
    except DomainError as exc:
        _fail(exc.detail)
        return
    sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
