"""`tracker export self-evaluation` and `tracker targets review`: parse, call one service, print (INTERFACE.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracker.console import emit_json_array, fail, load_rules, run, stderr


def export_self_evaluation(
    year: Annotated[int, typer.Option(help="年度")],
    out: Annotated[Path, typer.Option(help="输出目录")],
    dept: Annotated[str | None, typer.Option(help="单位编码")] = None,
    region: Annotated[str | None, typer.Option("--region", help="地区代码")] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="并行写文件的进程数（默认 TRACKER_EXPORT_WORKERS，不超过CPU数）"),
    ] = None,
) -> None:
    """One workbook per project (项目支出绩效自评表), one per unit, and summary.xlsx."""
    from tracker.config import get_settings
    from tracker.db import session_scope
    from tracker.errors import DomainError
    from tracker.evaluation.export import export_self_evaluation as export
    from tracker.progress import count_bar
    from tracker.scope import Scope
    from tracker.shared.export import DirSink
    from tracker.shared.parallel import worker_count

    rules = load_rules()
    processes = worker_count(workers or get_settings().export_workers)
    with count_bar(stderr()) as bar:
        task = bar.add_task("导出自评表", total=None)
        try:
            with session_scope() as session:
                done = export(
                    session=session, scope=Scope.everything(), year=year, dept_code=dept, region_code=region,
                    sink=DirSink(out), rules=rules,
                    progress=lambda n, total, _: bar.update(task, completed=n, total=total),
                    workers=processes,
                )  # fmt: skip
        except DomainError as exc:
            bar.stop()
            fail(exc.detail, 1)
    print(f"已导出 {year}年 {done.projects} 个项目的自评表、{done.units} 个单位汇总和 summary.xlsx 到 {out}")
    if done.incomplete:
        print(f"提示：{done.incomplete} 个项目有未填报指标，未评定等级")
    if done.missing_reasons:
        print(f"提示：{done.missing_reasons} 项失分指标未填写偏差原因分析及改进措施（表中已标黄）")


def targets_review(
    year: Annotated[int | None, typer.Option(help="年度")] = None,
    dept: Annotated[str | None, typer.Option(help="单位编码")] = None,
    fmt: Annotated[str, typer.Option("--format", help="json")] = "json",
) -> None:
    """The target review (DOMAIN.md §6): every finding as a JSON array."""
    from tracker.db import session_scope
    from tracker.evaluation.review import iter_review
    from tracker.scope import Scope

    if fmt != "json":
        fail(f"不支持的格式：{fmt}（可用：json）", 2)
    rules = load_rules()
    with session_scope() as session:  # printed as found: a province's findings are never all in memory
        found = iter_review(session=session, scope=Scope.everything(), year=year, dept_code=dept, rules=rules)
        run(lambda: emit_json_array(f.model_dump() for f in found))
