"""`tracker budget adjust` and `tracker budget show` (INTERFACE.md): budget versions from the command line."""

from __future__ import annotations

import getpass
import json
import sys
from datetime import date
from typing import Annotated

import typer

from tracker.console import fail as _fail

budget_app = typer.Typer(help="预算调整、调剂和上年结转", no_args_is_help=True)


def _operator() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


@budget_app.command("adjust")
def budget_adjust(
    year: Annotated[int, typer.Option("--year", help="年度")],
    dept: Annotated[str, typer.Option("--dept", help="单位编码")],
    project: Annotated[str, typer.Option("--project", help="项目编码")],
    amount_wan: Annotated[str, typer.Option("--amount-wan", help="变动金额（万元），调减为负数")],
    on: Annotated[str, typer.Option("--on", help="生效日期 YYYY-MM-DD")],
    reason: Annotated[str, typer.Option("--reason", help="原因")],
    kind: Annotated[str, typer.Option("--kind", help="adjustment / transfer / carryover")] = "adjustment",
    doc: Annotated[str, typer.Option("--doc", help="文号")] = "",
    source: Annotated[str, typer.Option("--source", help="本年财政拨款 / 上年结转 / 其他资金")] = "",
    region: Annotated[str | None, typer.Option("--region", help="地区代码（缺省取项目编码前6位）")] = None,
) -> None:
    """Record a budget change; prints the effective budget."""
    from tracker.budget import service
    from tracker.core.money import wan_str
    from tracker.db import session_scope
    from tracker.errors import DomainError

    try:
        day = date.fromisoformat(on)
    except ValueError:
        _fail(f"--on：日期“{on}”无法识别，应为 YYYY-MM-DD", 2)
    try:
        with session_scope() as session:
            p = service.find_project(session=session, year=year, dept_code=dept, code=project, region_code=region)
            parsed_kind, amount, parsed_source = service.parse_change(kind=kind, amount_wan=amount_wan, source=source)
            assert p.id is not None
            _, budget = service.record_budget_change(
                session=session,
                project_id=p.id,
                kind=parsed_kind,
                amount_fen=amount,
                on=day,
                doc=doc,
                reason=reason,
                source=parsed_source,
                by=_operator(),
            )
            name, pyear = p.name, p.year
    except DomainError as exc:
        _fail(exc.detail, 2)
    print(
        f"已记录：{name} {wan_str(amount)} 万元（{parsed_source.value}），{day.isoformat()} 起生效；"
        f"年初 {wan_str(budget.initial_fen)} 万元，{day.isoformat()} 起预算 {wan_str(budget.on(day))} 万元，"
        f"全年预算 {wan_str(budget.year_end(pyear))} 万元"
    )


@budget_app.command("show")
def budget_show(
    year: Annotated[int | None, typer.Option("--year")] = None,
    dept: Annotated[str | None, typer.Option("--dept", help="单位编码")] = None,
    project: Annotated[str | None, typer.Option("--project", help="项目编码")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD（缺省为今天）")] = None,
    fmt: Annotated[str, typer.Option("--format", help="json")] = "json",
) -> None:
    """Per project: initial_wan, effective_wan and every change, as JSON."""
    from tracker.budget import service
    from tracker.budget.schemas import budget_out
    from tracker.clock import today
    from tracker.db import session_scope
    from tracker.scope import Scope

    if fmt != "json":
        _fail("--format 只支持 json", 2)
    try:
        day = date.fromisoformat(as_of) if as_of else today()
    except ValueError:
        _fail(f"--as-of：日期“{as_of}”无法识别，应为 YYYY-MM-DD", 2)
    with session_scope() as session:
        rows = service.show_budgets(session=session, scope=Scope.everything(), year=year, dept_code=dept, code=project)
        out = [budget_out(p, b, changes, day).model_dump(mode="json") for p, b, changes in rows]
    sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
