"""Uploading actuals: check every row first, then write everything in the caller's one transaction.

A file with any bad row writes nothing. The same file again (by SHA-256) changes nothing, and so does a
file whose results equal what is stored. Every row is checked once; the good rows wait in memory, or on
disk past KEEP_ROWS payments (checked.py), so memory stays bounded. Checking is checking.py's; writing here.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from tracker.actuals import payments, project_reports, results
from tracker.actuals.audit import record_many
from tracker.actuals.checking import CheckedFile, check_file
from tracker.actuals.chunks import Progress
from tracker.actuals.context import serialise
from tracker.actuals.identity import update, update_entries
from tracker.actuals.parsing import FileInfo, inspect
from tracker.actuals.schemas import PeriodOut, RowIssueOut, UploadSummary
from tracker.auth.principal import Principal
from tracker.bulk import insert_rows
from tracker.config import get_settings
from tracker.core.money import wan_str
from tracker.errors import Conflict
from tracker.models import BatchPeriod, UploadBatch
from tracker.rules import Rules
from tracker.shared.files import Source, sha256_of

CHUNK_ROWS = 50_000


def upload(
    *,
    session: Session,
    source: Source,
    filename: str,
    principal: Principal,
    rules: Rules,
    dry_run: bool = False,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
    allow_duplicates: bool = False,
) -> UploadSummary:
    """Check and (unless `dry_run`) apply one CSV, XLSX or XLS file; UploadRejected lists every bad row.

    `allow_duplicates` confirms that unvouchered rows equal to recorded payments are other payments.
    """
    principal.require_write()
    info = inspect(source, filename=filename, max_bytes=get_settings().upload_max_bytes)
    if not dry_run:
        serialise(session)
    if (prior := _prior(session, info.sha256)) is not None:
        return _summary(info, "unchanged", f"该文件已作为批次 {prior} 上传过，未做任何修改", dry_run, prior)
    run = check_file(session, source, info, principal, progress, chunk_rows, allow_duplicates, rules)
    try:
        return _conclude(session, source, info, run, principal, dry_run, progress)
    finally:
        run.kept.close()


def _conclude(
    session: Session,
    source: Source,
    info: FileInfo,
    run: CheckedFile,
    principal: Principal,
    dry_run: bool,
    progress: Progress | None,
) -> UploadSummary:
    """What a checked file changes: nothing, a dry run's summary, or the batch written."""
    changed = [c for c in run.changes if c.fields]
    reports = [c for c in run.report_changes if c.fields]
    periods = sorted(run.pay.periods | {_period(c) for c in changed} | project_reports.periods(reports))
    counts, extra = _counts(run, changed, reports, periods)
    if not (run.pay.rows - run.pay.recorded) and not changed and not reports:
        return _summary(info, "unchanged", _nothing_new(run), dry_run, None, counts, extra)
    what = _what(run.pay, len(changed), len(reports))
    if dry_run:
        return _summary(info, "dry_run", f"检查通过（未写入）：将写入 {what}", True, None, counts, extra)
    batch = _apply(session, source, info, run, changed, periods, principal.username, progress)
    summary = _summary(info, "applied", f"已写入批次 {batch.id}：{what}", False, batch.id, counts, extra)
    batch.summary = summary.model_dump(mode="json", exclude={"warnings"})
    session.flush()
    return summary


def _prior(session: Session, sha256: str) -> int | None:
    """The applied batch of the very same file, if any."""
    return session.exec(
        select(UploadBatch.id).where(UploadBatch.sha256 == sha256, UploadBatch.status == "applied")
    ).first()


def _nothing_new(run: CheckedFile) -> str:
    message = f"{len(run.changes) + len(run.report_changes)} 个指标值和项目情况与系统中已有数据相同，未做任何修改"
    if run.pay.recorded:
        message = f"{run.pay.recorded} 笔支付已记录（按支付凭证号），未重复计入；" + message
    return message


def _apply(
    session: Session,
    source: Source,
    info: FileInfo,
    run: CheckedFile,
    changed: list[results.Change],
    periods: list[tuple[str, str, int, int]],
    actor: str,
    progress: Progress | None,
) -> UploadBatch:
    """The batch, its payments and results, their audit entries and the quarters written into."""
    pay = run.pay
    batch = UploadBatch(
        filename=info.filename, sha256=info.sha256, uploaded_by=actor, payments=pay.rows - pay.recorded,
        results=len(changed),
    )  # fmt: skip
    session.add(batch)
    session.flush()
    assert batch.id is not None
    entries = _write_payments(session, source, info, run, batch.id, actor, progress)
    entries += _payment_entries(pay, run.existing, batch.id, actor)
    entries += _result_entries(session, run.changes, batch.id, actor)
    stored = project_reports.store(session, run.report_changes, batch.id)  # the 项目 sheet
    entries += project_reports.audit_entries(stored, actor=actor, batch_id=batch.id)
    record_many(session, entries)
    rows = [
        {"batch_id": batch.id, "region_code": region, "dept_code": dept, "year": year, "quarter": quarter}
        for region, dept, year, quarter in periods
    ]
    # plain rows (COPY on PostgreSQL): a file spread over a province touches thousands of quarters
    insert_rows(session, BatchPeriod.__table__, rows)  # type: ignore[attr-defined]
    return batch


def _counts(
    run: CheckedFile,
    changed: list[results.Change],
    reports: list[project_reports.ReportChange],
    periods: list[tuple[str, str, int, int]],
) -> tuple[dict[str, object], dict[str, object]]:
    pay = run.pay
    touched = set(pay.running) | {c.row.project.id for c in changed} | {c.row.project.id for c in reports}
    counts: dict[str, object] = {
        "rows": pay.rows + run.result_rows + run.report_rows,
        "skipped": pay.skipped + run.result_skipped + run.report_skipped,
        "payments": pay.rows - pay.recorded,
        "payments_recorded": pay.recorded,
        "payments_updated": pay.updated,
        "payments_wan": wan_str(sum(run.pay.running.values())),
        "projects": len(touched),
        "reports": len(reports),
        "results_new": sum(1 for c in changed if c.old is None),
        "results_changed": sum(1 for c in changed if c.old is not None),
        "results_unchanged": len(run.changes) - len(changed),
    }
    extra: dict[str, object] = {
        "periods": [PeriodOut(region_code=r, dept_code=d, year=y, quarter=q) for r, d, y, q in periods],
        "warnings": [RowIssueOut.of(w) for w in run.ctx.warnings.sorted()],
        "warnings_total": run.ctx.warnings.total,
    }
    return counts, extra


def _what(pay: payments.PaymentCheck, results_changed: int, reports: int) -> str:
    paid = sum(pay.running.values())
    new = pay.rows - pay.recorded - pay.updated
    text = f"{new} 笔支付（{wan_str(paid)} 万元），{results_changed} 个指标值"
    if reports:
        text += f"，{reports} 个项目的预计执行数和完成情况"
    if pay.updated:
        text += f"，更新已记录的支付 {pay.updated} 笔"
    if pay.recorded:
        text += f"；{pay.recorded} 笔已记录的支付未重复计入"
    return text


def _payment_entries(
    pay: payments.PaymentCheck, existing: dict[int, int], batch_id: int, actor: str
) -> list[dict[str, Any]]:
    """The cumulative paid of each project the file changed, old → new."""
    return [
        {"actor": actor, "action": "payment.add", "entity": "project", "entity_id": pid,
         "batch_id": batch_id, "project_id": pid, "field": "cumulative_paid_wan", "old": wan_str(existing.get(pid, 0)),
         "new": wan_str(existing.get(pid, 0) + amount), "note": f"批次 {batch_id} 新增支付"}
        for pid, amount in sorted(pay.running.items())
    ]  # fmt: skip


def _result_entries(session: Session, changes: list[results.Change], batch_id: int, actor: str) -> list[dict[str, Any]]:
    """Store the changed results; an audit entry per changed field."""
    entries: list[dict[str, Any]] = []
    for change, new in results.store(session, changes, batch_id):
        note = f"第{change.row.indicator.seq}项指标“{change.row.indicator.level3}” 截至{change.row.as_of.isoformat()}"
        entries += [
            {"actor": actor, "action": "result.set", "entity": "indicator_result", "entity_id": new.id,
             "batch_id": batch_id, "project_id": change.row.project.id, "field": field, "old": old, "new": value,
             "note": note}
            for field, old, value in change.fields
        ]  # fmt: skip
    return entries


def _period(change: results.Change) -> tuple[str, str, int, int]:
    day, ref = change.row.as_of, change.row.project
    return (ref.region_code, ref.dept_code, day.year, (day.month - 1) // 3 + 1)


def _write_payments(
    session: Session,
    source: Source,
    info: FileInfo,
    run: CheckedFile,
    batch_id: int,
    actor: str,
    progress: Progress | None,
) -> list[dict[str, Any]]:
    """Insert the new payments and update the changed ones, chunk by chunk as they were checked.

    A file large enough to wait on disk was read over a long time: it must still be the file whose SHA-256
    the batch records. Answers the audit entries of the updated payments.
    """
    if run.kept.spilled and sha256_of(source) != info.sha256:
        raise Conflict("文件在上传过程中被修改，未写入任何数据；请重新上传")
    done, total = 0, run.pay.rows - run.pay.recorded
    entries: list[dict[str, Any]] = []
    for frame in run.kept:
        payments.insert(session, frame, batch_id)
        changed = frame[frame["payment_id"] != 0]
        update(session, changed)
        entries += update_entries(changed, actor, batch_id)
        done += len(frame)
        if progress:
            progress("写入", done, total)
    return entries


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
        "payments_recorded": 0,
        "payments_updated": 0,
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
