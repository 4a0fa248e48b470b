"""`tracker demo generate`: a province's worth of county files for trials and benchmarks."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

demo_app = typer.Typer(help="演示和压力测试数据", no_args_is_help=True)


@demo_app.command("generate")
def demo_generate(
    counties: Annotated[int, typer.Option(help="县（区）的个数")],
    seed: Annotated[int, typer.Option(help="随机种子：同一种子生成完全相同的文件")],
    out: Annotated[Path, typer.Option(help="输出目录")],
    projects: Annotated[int, typer.Option(help="每县项目数")] = 44,
    lagging_share: Annotated[float, typer.Option(help="支出严重滞后的项目比例（0-1）")] = 0.2,
    year: Annotated[int, typer.Option(help="年度")] = 2024,
    as_of: Annotated[str | None, typer.Option(help="支付和指标完成值截至日期 YYYY-MM-DD（缺省为年底）")] = None,
) -> None:
    """Write target files in the published layout and a year of payment and result CSVs per county."""
    from rich.console import Console

    from tracker.demo.generate import GenerateError, Options, check, generate
    from tracker.progress import count_bar

    err = Console(stderr=True)
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        err.print(f"[red]错误：[/red]截至日期“{as_of}”无法识别，应为 YYYY-MM-DD", highlight=False)
        raise typer.Exit(2) from None
    options = Options(
        counties=counties, seed=seed, projects=projects, lagging_share=lagging_share, year=year, as_of=day
    )
    try:
        check(options)
    except GenerateError as exc:
        err.print(f"[red]错误：[/red]{exc}", highlight=False)
        raise typer.Exit(2) from None
    with count_bar(err) as bar:
        task = bar.add_task("生成县", total=counties)
        manifest = generate(options=options, out=out, progress=lambda done, _: bar.update(task, completed=done))
    print(
        f"已生成 {counties} 个县：{manifest['projects']} 个项目，{manifest['payments']} 笔支付，"
        f"{manifest['results']} 条指标完成值，写入 {out}"
        "（目标表 targets/，支付 payments/，指标 results/，清单 manifest.json）"
    )
