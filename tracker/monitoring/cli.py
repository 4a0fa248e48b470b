"""`tracker variance show` and `tracker export monitoring`: parse, call one service, print."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracker.console import emit_json_array, fail, load_rules, parse_day, stderr

variance_app = typer.Typer(help="预算执行进度", no_args_is_help=True)


@variance_app.command("show")
def variance_show(
    year: Annotated[int | None, typer.Option()] = None,
    dept: Annotated[str | None, typer.Option(help="单位编码")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD（缺省为今天）")] = None,
    fmt: Annotated[str, typer.Option("--format", help="json")] = "json",
    region: Annotated[str | None, typer.Option("--region", help="地区代码")] = None,
) -> None:
    """Per project: 年初 and effective budget, planned and actual spend, rates, ratio, time progress and light."""
    from tracker.db import session_scope
    from tracker.monitoring.schemas import variance_out
    from tracker.monitoring.service import iter_variances
    from tracker.scope import Scope

    if fmt != "json":
        fail("目前只支持 --format json", 2)
    day = parse_day(as_of)
    rules = load_rules()
    with session_scope() as session:  # printed piece by piece: memory stays flat
        pieces = iter_variances(
            session=session, scope=Scope.everything(), year=year, dept_code=dept, as_of=day, region_code=region,
            rules=rules,
        )  # fmt: skip
        emit_json_array(
            variance_out(v).model_dump(mode="json", exclude={"indicators"}) for piece in pieces for v in piece
        )


def export_monitoring(
    year: Annotated[int, typer.Option(help="年度")],
    out: Annotated[Path, typer.Option(help="输出目录")],
    through_month: Annotated[int | None, typer.Option(help="截至月份（缺省见 config/rules.yaml）")] = None,
    dept: Annotated[str | None, typer.Option(help="单位编码")] = None,
    region: Annotated[str | None, typer.Option("--region", help="地区代码")] = None,
) -> None:
    """The 绩效运行监控表 through month M: one workbook per project, one per unit, and overview.xlsx."""
    from tracker.db import session_scope
    from tracker.errors import DomainError
    from tracker.monitoring.export import export_monitoring as export
    from tracker.progress import count_bar
    from tracker.scope import Scope
    from tracker.shared.export import DirSink

    rules = load_rules()
    with count_bar(stderr()) as bar:
        task = bar.add_task("导出监控表", total=None)
        try:
            with session_scope() as session:
                done = export(
                    session=session, scope=Scope.everything(), year=year, through_month=through_month,
                    dept_code=dept, region_code=region, sink=DirSink(out), rules=rules,
                    progress=lambda n, total, _: bar.update(task, completed=n, total=total),
                )  # fmt: skip
        except DomainError as exc:
            bar.stop()
            fail(exc.detail, 1)
    print(f"已导出 {year}年 {done.projects} 个项目的绩效运行监控表、{done.units} 个单位汇总和 overview.xlsx 到 {out}")
    if done.missing_reasons:
        print(f"提示：{done.missing_reasons} 项指标需说明偏差原因和改进措施但未填写（表中已标黄）")
