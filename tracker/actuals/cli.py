"""`tracker actuals …`: templates, uploads, batches, quarterly submissions and the audit trail."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.console import emit_json as emit
from tracker.console import err, load_rules, loading, run, stderr

if TYPE_CHECKING:
    from tracker.actuals.chunks import Progress
    from tracker.auth.principal import Principal

app = typer.Typer(help="季度执行情况：模板、上传、审核", no_args_is_help=True)
PROGRESS_FROM_BYTES = 1 << 20  # show a progress bar for files above 1 MB


def operator() -> Principal:
    """Whoever runs the command acts as the finance bureau; the audit trail names the OS user."""
    from tracker.auth.principal import Principal
    from tracker.scope import Scope

    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return Principal(username=f"cli:{name}", role="admin", scope=Scope.everything())


@app.command("template")
def template_cmd(
    dept: Annotated[str, typer.Option("--dept", help="单位编码")],
    year: Annotated[int, typer.Option("--year", help="年度")],
    out: Annotated[Path, typer.Option("--out", help="输出的 .xlsx 文件")],
) -> None:
    """Write the pre-filled workbook for a unit and year."""
    from tracker.actuals import template
    from tracker.db import session_scope
    from tracker.scope import Scope

    rules = load_rules()
    with session_scope() as session:
        data = run(
            lambda: template.template_bytes(
                session=session, scope=Scope.everything(), dept_code=dept, year=year, rules=rules
            )
        )
    out.write_bytes(data)
    print(f"已生成 {out}")


@contextmanager
def progress_bar(show: bool) -> Iterator[tuple[Progress | None, Callable[[], None]]]:
    """A transient bar on a terminal's stderr, and its stop; when not shown (a small file, stderr not a
    terminal, where rich draws nothing) no callback at all, and rich.progress is not even imported."""
    if not show:
        yield None, lambda: None
        return
    from rich.progress import BarColumn, TaskProgressColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as Bar

    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn())
    with Bar(*columns, console=stderr(), transient=True) as bar:
        task = bar.add_task("检查", total=None)

        def progress(stage: str, done: int, total: int | None) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        yield progress, bar.stop


@app.command("upload")
def upload_cmd(
    path: Path,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查，不写入")] = False,
    allow_duplicates: Annotated[
        bool, typer.Option("--allow-duplicates", help="没有支付凭证号、与已记录的支付相同的行确为另一笔支付")
    ] = False,
) -> None:
    """Upload a template (CSV, XLSX) or a treasury export (CSV, XLSX, XLS): all rows or none, nothing twice."""
    with loading():  # pandas, SQLAlchemy, the tables and the rules: about 0.1 s of collector passes saved
        from tracker.actuals import service
        from tracker.actuals.report import UploadRejected
        from tracker.db import session_scope
        from tracker.errors import DomainError

        if not path.is_file():
            err.print(f"[red]错误：[/red]无法读取 {path}", highlight=False)
            raise typer.Exit(2)
        rules = load_rules()
    show = path.stat().st_size >= PROGRESS_FROM_BYTES and sys.stderr.isatty()
    with progress_bar(show) as (progress, stop):
        try:
            with session_scope() as session:
                summary = service.upload(
                    session=session,
                    source=path,
                    filename=path.name,
                    principal=operator(),
                    rules=rules,
                    dry_run=dry_run,
                    progress=progress,
                    allow_duplicates=allow_duplicates,
                )
        except UploadRejected as exc:
            stop()
            for issue in exc.issues:
                print(issue.line())
            if exc.total > len(exc.issues):
                print(f"……另有 {exc.total - len(exc.issues)} 处错误未列出")
            err.print(f"[red]已拒绝：[/red]{exc.detail}", highlight=False)
            raise typer.Exit(1) from None
        except DomainError as exc:
            stop()
            err.print(f"[red]错误：[/red]{exc.detail}", highlight=False)
            raise typer.Exit(1) from None
    print(summary.message)
    if summary.rows:
        print(f"数据行 {summary.rows}，跳过未填写的行 {summary.skipped}，涉及项目 {summary.projects}")
    for warning in summary.warnings:
        print(f"警告：{warning.line()}")
    if summary.warnings_total > len(summary.warnings):
        print(f"……另有 {summary.warnings_total - len(summary.warnings)} 条警告未列出")


@app.command("batches")
def batches_cmd(
    year: Annotated[int | None, typer.Option()] = None,
    dept: Annotated[str | None, typer.Option("--dept")] = None,
    limit: Annotated[int, typer.Option()] = 100,
) -> None:
    """List upload batches, newest first, as JSON."""
    from tracker.actuals import batches
    from tracker.db import session_scope
    from tracker.scope import Scope

    with session_scope() as session:
        items, total = batches.list_batches(
            session=session, scope=Scope.everything(), year=year, dept_code=dept, limit=limit
        )
    emit({"items": [b.model_dump(mode="json") for b in items], "total": total})


@app.command("withdraw")
def withdraw_cmd(batch_id: int, reason: Annotated[str, typer.Option("--reason", help="撤回原因")]) -> None:
    """Withdraw a batch (reversed, kept on record) before its quarter is locked."""
    from tracker.actuals import batches
    from tracker.db import session_scope

    with session_scope() as session:
        out = run(
            lambda: batches.withdraw_batch(session=session, principal=operator(), batch_id=batch_id, reason=reason)
        )
    print(f"已撤回批次 {out.id}（{out.payments} 笔支付，{out.results} 个指标值）")


@app.command("submit")
def submit_cmd(
    dept: Annotated[str, typer.Option("--dept")],
    year: Annotated[int, typer.Option()],
    quarter: Annotated[int, typer.Option(min=1, max=4)],
) -> None:
    """Submit a unit's quarter for review."""
    from tracker.actuals import approvals
    from tracker.db import session_scope

    with session_scope() as session:
        out = run(
            lambda: approvals.submit_quarter(
                session=session, principal=operator(), dept_code=dept, year=year, quarter=quarter
            )
        )
    emit(out.model_dump(mode="json"))


@app.command("approve")
def approve_cmd(ids: list[int], comment: Annotated[str, typer.Option()] = "") -> None:
    """Approve submitted quarters (all or none); an approved quarter is locked."""
    from tracker.actuals import approvals
    from tracker.db import session_scope

    with session_scope() as session:
        out = run(
            lambda: approvals.approve_submissions(session=session, principal=operator(), ids=ids, comment=comment)
        )
    emit([s.model_dump(mode="json") for s in out])


@app.command("return")
def return_cmd(ids: list[int], comment: Annotated[str, typer.Option(help="退回意见")]) -> None:
    """Return submitted quarters to their units with a comment."""
    from tracker.actuals import approvals
    from tracker.db import session_scope

    with session_scope() as session:
        out = run(lambda: approvals.return_submissions(session=session, principal=operator(), ids=ids, comment=comment))
    emit([s.model_dump(mode="json") for s in out])


@app.command("unlock")
def unlock_cmd(submission_id: int, reason: Annotated[str, typer.Option(help="解锁原因")]) -> None:
    """Unlock an approved quarter, with a reason."""
    from tracker.actuals import approvals
    from tracker.db import session_scope

    with session_scope() as session:
        out = run(
            lambda: approvals.unlock_submission(
                session=session, principal=operator(), submission_id=submission_id, reason=reason
            )
        )
    emit(out.model_dump(mode="json"))


@app.command("submissions")
def submissions_cmd(
    year: Annotated[int | None, typer.Option()] = None,
    quarter: Annotated[int | None, typer.Option()] = None,
    status: Annotated[str | None, typer.Option()] = None,
    dept: Annotated[str | None, typer.Option("--dept")] = None,
) -> None:
    """List quarterly submissions as JSON."""
    from tracker.actuals import approvals
    from tracker.db import session_scope
    from tracker.scope import Scope

    with session_scope() as session:
        items, total = approvals.list_submissions(
            session=session, scope=Scope.everything(), year=year, quarter=quarter, status=status, dept_code=dept
        )
    emit({"items": [s.model_dump(mode="json") for s in items], "total": total})


@app.command("audit")
def audit_cmd(
    project: Annotated[int | None, typer.Option("--project", help="项目 id")] = None,
    batch: Annotated[int | None, typer.Option("--batch")] = None,
    submission: Annotated[int | None, typer.Option("--submission")] = None,
    limit: Annotated[int, typer.Option()] = 100,
) -> None:
    """The audit trail of a project, a batch or a quarter, newest first, as JSON."""
    from tracker.actuals import audit
    from tracker.db import session_scope
    from tracker.scope import Scope

    with session_scope() as session:
        items, total = run(
            lambda: audit.list_audit(
                session=session,
                scope=Scope.everything(),
                project_id=project,
                batch_id=batch,
                submission_id=submission,
                limit=limit,
            )
        )
    emit({"items": [e.model_dump(mode="json") for e in items], "total": total})
