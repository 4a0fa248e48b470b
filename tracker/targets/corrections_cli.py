"""`tracker indicators set`: a finance-bureau correction of one indicator (INTERFACE.md). Parse, call, print.

Services are imported inside the command so that `tracker --help` stays cheap.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from tracker.console import err

indicators_app = typer.Typer(help="绩效指标的修正（财政局）", no_args_is_help=True)


@indicators_app.command("set")
def indicators_set(
    year: Annotated[int, typer.Option(help="年度")],
    dept: Annotated[str, typer.Option(help="单位编码")],
    project: Annotated[str, typer.Option(help="项目编码")],
    seq: Annotated[int, typer.Option(help="指标序号")],
    reason: Annotated[str, typer.Option(help="修改原因（必填，记入指标历史和审计记录）")],
    target: Annotated[str | None, typer.Option(help="新的指标值，如 ≥2500人、10-20人、1000人左右")] = None,
    accumulation: Annotated[str | None, typer.Option(help="cumulative（累计）或 level（水平）")] = None,
    weight: Annotated[str | None, typer.Option(help="三级指标分值")] = None,
    not_applicable: Annotated[bool, typer.Option("--not-applicable", help="标为不适用（不计分，不亮灯）")] = False,
) -> None:
    """Correct one indicator; the old value stays in its history and the audit trail."""
    from tracker.db import session_scope
    from tracker.errors import DomainError
    from tracker.scope import Scope
    from tracker.targets.corrections import Correction, correct_indicator, find_project

    fix = Correction(reason=reason, target=target, accumulation=accumulation, weight=weight,
                     applicable=False if not_applicable else None)  # fmt: skip
    try:
        with session_scope() as session:
            found = find_project(session=session, scope=Scope.everything(), year=year, dept_code=dept, code=project)
            assert found.id is not None
            out = correct_indicator(session=session, scope=Scope.everything(), actor="命令行", project_id=found.id,
                                    seq=seq, fix=fix)  # fmt: skip
    except DomainError as exc:
        err.print(f"[red]错误：[/red]{exc.detail}", highlight=False)
        raise typer.Exit(1) from None
    print(json.dumps(out.model_dump(), ensure_ascii=False, indent=2))
