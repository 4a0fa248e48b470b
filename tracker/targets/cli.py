"""`tracker targets …`: import the published 绩效目标表, show the projects, explain a target value."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer

from tracker.console import emit_json, fail, load_rules, stderr

app = typer.Typer(help="绩效目标表", no_args_is_help=True)


@app.command("import")
def targets_import(
    path: Path,
    year: Annotated[int | None, typer.Option(help="年度（缺省从项目编码或标题读取）")] = None,
) -> None:
    """Import published 绩效目标表 (text, .docx, .pdf, .xlsx/.xls, told by content); re-importing updates in place."""
    from tracker.core.money import wan_str
    from tracker.db import session_scope
    from tracker.errors import DomainError
    from tracker.progress import count_bar
    from tracker.targets import service

    try:
        data = path.read_bytes()
    except OSError as exc:
        fail(f"无法读取 {path}：{exc.strerror}", 2)
    with count_bar(stderr()) as bar:
        task = bar.add_task("导入项目", total=None)

        def progress(done: int, total: int, _name: str) -> None:
            bar.update(task, completed=done, total=total)

        try:
            with session_scope() as session:
                summary = service.import_targets(
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


@app.command("show")
def targets_show(
    year: Annotated[int | None, typer.Option()] = None,
    dept: Annotated[str | None, typer.Option(help="单位编码")] = None,
    fmt: Annotated[str, typer.Option("--format", help="json")] = "json",
    region: Annotated[str | None, typer.Option("--region", help="地区代码")] = None,
) -> None:
    """Print the projects as a JSON array (INTERFACE.md object shape)."""
    from tracker.db import session_scope
    from tracker.scope import Scope
    from tracker.targets import service

    with session_scope() as session:
        projects, _ = service.list_projects(
            session=session, scope=Scope.everything(), year=year, dept_code=dept, region_code=region
        )
    emit_json([p.model_dump(exclude={"id"}) for p in projects])


@app.command("parse-value")
def targets_parse_value(text: str) -> None:
    """Show how a target value (指标值) is read; a number beyond the stored limits exits 2 with why."""
    from tracker.core.value_parsing import parse_value
    from tracker.limits import OutOfRange

    try:
        v = parse_value(text)
    except OutOfRange as exc:
        fail(str(exc), 2)

    def number(d: Decimal | None) -> int | float | None:
        if d is None:
            return None
        return int(d) if d == d.to_integral_value() else float(d)

    value = number(v.value)
    tolerance = None
    if v.approximate:  # only then are the rules read (and pydantic and YAML imported)
        from tracker.rules import target_rules

        tolerance = target_rules(load_rules()).tolerance
    emit_json(
        {
            "kind": v.kind.value,
            "comparator": v.comparator.value if v.comparator else None,
            "value": value,
            "unit": v.unit,
            "norm_value": float(v.norm_value) if v.norm_value is not None else None,
            "norm_unit": v.norm_unit,
            "direction": v.direction.value,
            # beyond INTERFACE.md's four keys: ranges, approximate values and zero targets (DOMAIN.md §2)
            "low": value if v.high is not None else None,
            "high": number(v.high),
            "approximate": v.approximate,
            "tolerance": float(tolerance) if tolerance is not None else None,
            "zero": v.is_zero,
        }
    )
