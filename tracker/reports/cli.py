"""`tracker report ranking --year N --as-of D [--by unit/region] (--format json / --out FILE.xlsx)`."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from tracker.console import err

report_app = typer.Typer(help="通报", no_args_is_help=True)


def _fail(message: str) -> None:
    err.print(f"[red]错误：[/red]{message}", highlight=False)
    raise typer.Exit(2)


@report_app.command("ranking")
def report_ranking(
    year: Annotated[int, typer.Option(help="年度")],
    as_of: Annotated[str, typer.Option("--as-of", help="截至日期 YYYY-MM-DD")],
    by: Annotated[str, typer.Option(help="unit（单位）或 region（地区）")] = "unit",
    fmt: Annotated[str | None, typer.Option("--format", help="json")] = None,
    out: Annotated[Path | None, typer.Option(help="写成 .xlsx 文件")] = None,
) -> None:
    """The monthly 通报: units or regions ranked by execution against plan, time progress and last year."""
    from tracker.console import load_rules
    from tracker.db import session_scope
    from tracker.errors import DomainError
    from tracker.reports.schemas import ranking_out
    from tracker.reports.service import ranking
    from tracker.reports.xlsx import write_ranking
    from tracker.scope import Scope

    if (fmt is None) == (out is None):
        _fail("请给出 --format json 或 --out 文件.xlsx（二选一）")
    if fmt is not None and fmt != "json":
        _fail("目前只支持 --format json")
    try:
        day = date.fromisoformat(as_of)
    except ValueError:
        _fail(f"--as-of 应为 YYYY-MM-DD：{as_of}")
        return
    rules = load_rules()
    try:
        with session_scope() as session:
            result = ranking(session=session, scope=Scope.everything(), year=year, as_of=day, by=by, rules=rules)
    except DomainError as exc:
        _fail(exc.detail)
        return
    if out is not None:
        try:
            write_ranking(str(out), result)
        except OSError as exc:
            _fail(f"无法写入 {out}：{exc.strerror}")
        print(f"已写入 {out}：{len(result.rows)}个{'单位' if by == 'unit' else '地区'}")
        return
    sys.stdout.write(json.dumps(ranking_out(result).model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n")
