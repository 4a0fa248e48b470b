"""Uploading actuals: check every row first, then write everything in the caller's one transaction.

A file with any bad row writes nothing. The same file again (by SHA-256) changes nothing, and so does a
file whose results equal what is stored. Small files are checked once and kept in memory; a file of
more than KEEP_ROWS payments is read a second time for writing, so memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
from sqlmodel import Session, select

from tracker.actuals import payments, project_reports, results
from tracker.actuals.audit import record_many
from tracker.actuals.cells import cell_issues
from tracker.actuals.chunks import Progress
from tracker.actuals.columns import Kind
from tracker.actuals.context import Context, load_context, serialise
from tracker.actuals.parsing import FileInfo, inspect, iter_chunks
from tracker.actuals.read import cumulative_paid
from tracker.actuals.report import UploadRejected, file_error
from tracker.actuals.schemas import PeriodOut, RowIssueOut, UploadSummary
from tracker.auth.principal import Principal
from tracker.config import get_settings
from tracker.core.money import wan_str
from tracker.errors import Conflict
from tracker.models import BatchPeriod, UploadBatch
from tracker.shared.files import Source, sha256_of

KEEP_ROWS = 200_000
CHUNK_ROWS = 50_000


def upload(
    *,
    session: Session,
    source: Source,
    filename: str,
    principal: Principal,
    dry_run: bool = False,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> UploadSummary:
    """Check and (unless `dry_run`) apply one CSV or XLSX file; UploadRejected lists every bad row."""
    principal.require_write()
    info = inspect(source, filename=filename, max_bytes=get_settings().upload_max_bytes)
    if not dry_run:
        serialise(session)
    prior = session.exec(
        select(UploadBatch).where(UploadBatch.sha256 == info.sha256, UploadBatch.status == "applied")
    ).first()
    if prior is not None:
        message = f"该文件已作为批次 {prior.id} 上传过，未做任何修改"
        return _summary(info, "unchanged", message, dry_run, prior.id)
    ctx = load_context(session=session, principal=principal)
    existing: dict[int, int] = {}

    def paid_before(ids: list[int]) -> dict[int, int]:
        return cumulative_paid(session=session, project_ids=ids)

    pay = payments.PaymentCheck(ctx, existing, paid_before)
    res = results.ResultCheck(ctx)
    rep = project_reports.ReportCheck(ctx)  # the 项目 sheet
    kept: list[pd.DataFrame] | None = []
    for chunk in iter_chunks(source, info, chunk_rows=chunk_rows, progress=progress):
        ctx.errors.extend(chunk.issues)
        ctx.errors.extend(cell_issues(chunk))  # first: a cell too long or with NUL is reported as that
        if chunk.kind is Kind.RESULTS:
            res.add(chunk)
            continue
        if chunk.kind is Kind.PROJECTS:
            rep.add(chunk)
            continue
        good = pay.check(chunk)
        if kept is not None:
            kept.append(good)
            kept = kept if pay.rows <= KEEP_ROWS else None
    checked = res.check(session)
    reported = rep.check()
    pay.duplicates(session)
    if ctx.errors:
        detail = f"文件有 {ctx.errors.total} 处错误，未写入任何数据"
        raise UploadRejected(detail, ctx.errors.sorted(), ctx.errors.total)
    if pay.rows + res.rows + rep.rows == 0:
        raise file_error("文件中没有需要上报的数据（所有数据行均未填写）")
    changes = results.compare(session, checked)
    changed = [c for c in changes if c.fields]
    report_changes = project_reports.compare(session, reported)
    reports = [c for c in report_changes if c.fields]
    paid = sum(pay.running.values())
    counts = {
        "rows": pay.rows + res.rows + rep.rows,
        "skipped": pay.skipped + res.skipped + rep.skipped,
        "payments": pay.rows,
        "payments_wan": wan_str(paid),
        "projects": len(set(pay.running) | {c.row.project.id for c in changed} | {c.row.project.id for c in reports}),
        "reports": len(reports),
        "results_new": sum(1 for c in changed if c.old is None),
        "results_changed": sum(1 for c in changed if c.old is not None),
        "results_unchanged": len(changes) - len(changed),
    }
    periods = sorted(pay.periods | {p for c in changed for p in [_period(c)]} | project_reports.periods(reports))
    warnings = [RowIssueOut.of(w) for w in ctx.warnings.sorted()]
    extra = {
        "periods": [PeriodOut(region_code=r, dept_code=d, year=y, quarter=q) for r, d, y, q in periods],
        "warnings": warnings,
    }
    extra["warnings_total"] = ctx.warnings.total
    if not pay.rows and not changed and not reports:
        message = f"{len(changes) + len(report_changes)} 个指标值和项目情况与系统中已有数据相同，未做任何修改"
        return _summary(info, "unchanged", message, dry_run, None, counts, extra)
    what = f"{pay.rows} 笔支付（{wan_str(paid)} 万元），{len(changed)} 个指标值"
    what += f"，{len(reports)} 个项目的预计执行数和完成情况" if reports else ""
    if dry_run:
        return _summary(info, "dry_run", f"检查通过（未写入）：将写入 {what}", True, None, counts, extra)

    batch = UploadBatch(
        filename=filename, sha256=info.sha256, uploaded_by=principal.username, payments=pay.rows, results=len(changed)
    )
    session.add(batch)
    session.flush()
    assert batch.id is not None
    _write_payments(session, source, info, ctx, existing, kept, batch.id, pay.rows, progress, chunk_rows)
    entries = [
        {"actor": principal.username, "action": "payment.add", "entity": "project", "entity_id": pid,
         "batch_id": batch.id, "project_id": pid, "field": "cumulative_paid_wan", "old": wan_str(existing.get(pid, 0)),
         "new": wan_str(existing.get(pid, 0) + amount), "note": f"批次 {batch.id} 新增支付"}
        for pid, amount in sorted(pay.running.items())
    ]  # fmt: skip
    for change, new in results.store(session, changes, batch.id):
        note = f"第{change.row.indicator.seq}项指标“{change.row.indicator.level3}” 截至{change.row.as_of.isoformat()}"
        entries += [
            {"actor": principal.username, "action": "result.set", "entity": "indicator_result", "entity_id": new.id,
             "batch_id": batch.id, "project_id": change.row.project.id, "field": field, "old": old, "new": value,
             "note": note}
            for field, old, value in change.fields
        ]  # fmt: skip
    entries += project_reports.audit_entries(project_reports.store(session, report_changes, batch.id),
                                             actor=principal.username, batch_id=batch.id)  # fmt: skip
    record_many(session, entries)
    for region, dept, year, quarter in periods:
        session.add(BatchPeriod(batch_id=batch.id, region_code=region, dept_code=dept, year=year, quarter=quarter))
    summary = _summary(info, "applied", f"已写入批次 {batch.id}：{what}", False, batch.id, counts, extra)
    batch.summary = summary.model_dump(mode="json", exclude={"warnings"})
    session.flush()
    return summary


def _period(change: results.Change) -> tuple[str, str, int, int]:
    day, ref = change.row.as_of, change.row.project
    return (ref.region_code, ref.dept_code, day.year, (day.month - 1) // 3 + 1)


def _write_payments(
    session: Session,
    source: Source,
    info: FileInfo,
    ctx: Context,
    existing: dict[int, int],
    kept: list[pd.DataFrame] | None,
    batch_id: int,
    total: int,
    progress: Progress | None,
    chunk_rows: int,
) -> None:
    """Insert the checked payments: from memory, or by reading the file again (large files)."""
    done = 0
    frames: Iterator[pd.DataFrame]
    if kept is None:
        if sha256_of(source) != info.sha256:
            raise Conflict("文件在上传过程中被修改，未写入任何数据；请重新上传")
        again = payments.PaymentCheck(ctx, existing)
        frames = (again.check(c) for c in iter_chunks(source, info, chunk_rows=chunk_rows) if c.kind is Kind.PAYMENTS)
    else:
        frames = iter(kept)
    for frame in frames:
        payments.insert(session, frame, batch_id)
        done += len(frame)
        if progress:
            progress("写入", done, total)


def _summary(
    info: FileInfo,
    status: str,
    message: str,
    dry_run: bool,
    batch_id: int | None,
    counts: dict[str, object] | None = None,
    extra: dict[str, object] | None = None,
) -> UploadSummary:
    base: dict[str, object] = {
        "rows": 0,
        "skipped": 0,
        "payments": 0,
        "payments_wan": "0.00",
        "projects": 0,
        "results_new": 0,
        "results_changed": 0,
        "results_unchanged": 0,
        "periods": [],
    }
    return UploadSummary.model_validate(
        {
            **base,
            **(counts or {}),
            **(extra or {}),
            "status": status,
            "message": message,
            "dry_run": dry_run,
            "batch_id": batch_id,
            "filename": info.filename,
            "sha256": info.sha256,
        }
    )
