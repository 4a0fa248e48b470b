"""`tracker export …` and `tracker targets review`: parse, call one service, print (INTERFACE.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from tracker.db import session_scope
from tracker.errors import DomainError
from tracker.evaluation import export
from tracker.evaluation.review import review_targets
from tracker.progress import count_bar
from tracker.scope import Scope

export_app = typer.Typer(help="导出自评表和监控表", no_args_is_help=True)
err = Console(stderr=True)


def _fail(message: str, code: int) -> None:
    err.print(f"[red]错误：[/red]{message}", highlight=False)
    raise typer.Exit(code)


@export_app.command("self-evaluation")
def export_self_evaluation(
    year: Annotated[int, typer.Option(help="年度")],
    out: Annotated[Path, typer.Option(help="输出目录")],
    dept: Annotated[str | None, typer.Option(help="单位编码")] = None,
    region: Annotated[str | None, typer.Option("--region", help="地区代码")] = None,
) -> None:
    """One workbook per project (项目支出绩效自评表), one per unit, and summary.xlsx."""
    with count_bar(err) as bar:
        task = bar.add_task("导出自评表", total=None)
        try:
            with session_scope() as session:
                done = export.export_self_evaluation(
                    session=session, scope=Scope.everything(), year=year, dept_code=dept, region_code=region,
                    sink=export.DirSink(out), progress=lambda n, total, _: bar.update(task, completed=n, total=total),
                )  # fmt: skip
        except DomainError as exc:
            bar.stop()
            _fail(exc.detail, 1)
    print(f"已导出 {year}年 {done.projects} 个项目的自评表、{done.units} 个单位汇总和 summary.xlsx 到 {out}")
    if done.incomplete:
        print(f"提示：{done.incomplete} 个项目有未填报指标，未评定等级")
    if done.missing_reasons:
        print(f"提示：{done.missing_reasons} 项失分指标未填写偏差原因分析及改进措施（表中已标黄）")


@export_app.command("monitoring")
def export_monitoring(
    year: Annotated[int, typer.Option(help="年度")],
    out: Annotated[Path, typer.Option(help="输出目录")],
    through_month: Annotated[int | None, typer.Option(help="截至月份（缺省见 config/rules.yaml）")] = None,
    dept: Annotated[str | None, typer.Option(help="单位编码")] = None,
    region: Annotated[str | None, typer.Option("--region", help="地区代码")] = None,
) -> None:
    """The 绩效运行监控表 through month M: one workbook per project, one per unit, and overview.xlsx."""
    with count_bar(err) as bar:
        task = bar.add_task("导出监控表", total=None)
        try:
            with session_scope() as session:
                done = export.export_monitoring(
                    session=session, scope=Scope.everything(), year=year, through_month=through_month,
                    dept_code=dept, region_code=region, sink=export.DirSink(out),
                    progress=lambda n, total, _: bar.update(task, completed=n, total=total),
                )  # fmt: skip
        except DomainError as exc:
            bar.stop()
            _fail(exc.detail, 1)
    print(f"已导出 {year}年 {done.projects} 个项目的绩效运行监控表、{done.units} 个单位汇总和 overview.xlsx 到 {out}")
    if done.missing_reasons:
        print(f"提示：{done.missing_reasons} 项指标需说明偏差原因和改进措施但未填写（表中已标黄）")


def targets_review(
    year: Annotated[int | None, typer.Option(help="年度")] = None,
    dept: Annotated[str | None, typer.Option(help="单位编码")] = None,
    fmt: Annotated[str, typer.Option("--format", help="json")] = "json",
) -> None:
    """The target review (DOMAIN.md §6): every finding as a JSON array."""
    if fmt != "json":
        _fail(f"不支持的格式：{fmt}（可用：json）", 2)
    try:
        with session_scope() as session:
            findings = review_targets(session=session, scope=Scope.everything(), year=year, dept_code=dept)
    except DomainError as exc:
        _fail(exc.detail, 1)
    data = [f.model_dump() for f in findings]
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
