"""Checking a whole upload before anything is written: every chunk of every sheet, then the file's totals.

A file with any bad row raises UploadRejected (every bad row listed, up to the listing limit); the good rows
wait in memory, or on disk past KEEP_ROWS payments (checked.py), for service.py to write.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from tracker.actuals import payments, project_reports, results
from tracker.actuals.cells import cell_issues
from tracker.actuals.checked import CheckedRows
from tracker.actuals.chunks import Progress
from tracker.actuals.columns import Kind
from tracker.actuals.context import Context, load_context
from tracker.actuals.identity import Identities
from tracker.actuals.parsing import FileInfo, iter_chunks
from tracker.actuals.read import live_totals
from tracker.actuals.report import UploadRejected, file_error
from tracker.auth.principal import Principal
from tracker.rules import Rules
from tracker.shared.files import Source

KEEP_ROWS = 200_000


@dataclass(slots=True)
class CheckedFile:
    """What checking a file leaves for writing it."""

    ctx: Context
    pay: payments.PaymentCheck
    existing: dict[int, int]
    kept: CheckedRows
    changes: list[results.Change]
    result_rows: int
    result_skipped: int
    report_changes: list[project_reports.ReportChange]  # the 项目 sheet's rows, compared with what is stored
    report_rows: int
    report_skipped: int


def check_file(
    session: Session,
    source: Source,
    info: FileInfo,
    principal: Principal,
    progress: Progress | None,
    chunk_rows: int,
    allow_duplicates: bool,
    rules: Rules,
) -> CheckedFile:
    """Every row checked; UploadRejected (nothing written) when any is bad or none is filled."""
    ctx = load_context(session=session, principal=principal, rules=rules)
    existing: dict[int, int] = {}

    identities = Identities(session, allow_duplicates)

    def paid_before(ids: list[int]) -> dict[int, int]:
        totals = live_totals(session=session, project_ids=ids)
        identities.known.counted({p: n for p, (_, n) in totals.items()})
        return {p: fen for p, (fen, _) in totals.items()}

    pay = payments.PaymentCheck(ctx, existing, paid_before, identities)
    res = results.ResultCheck(ctx)
    rep = project_reports.ReportCheck(ctx)  # the 项目 sheet
    kept = CheckedRows(KEEP_ROWS)
    try:
        for chunk in iter_chunks(source, info, chunk_rows=chunk_rows, progress=progress):
            ctx.errors.extend(chunk.issues)
            ctx.errors.extend(cell_issues(chunk))  # first: a cell too long or with NUL is reported as that
            if chunk.kind is Kind.RESULTS:
                res.add(chunk)
            elif chunk.kind is Kind.PROJECTS:
                rep.add(chunk)
            else:
                kept.add(pay.check(chunk))
        checked = res.check(session)
        reported = rep.check()
        pay.duplicates()
        if ctx.errors:
            detail = f"文件有 {ctx.errors.total} 处错误，未写入任何数据"
            raise UploadRejected(detail, ctx.errors.sorted(), ctx.errors.total)
        if pay.rows + res.rows + rep.rows == 0:
            raise file_error("文件中没有需要上报的数据（所有数据行均未填写）")
        changes, report_changes = results.compare(session, checked), project_reports.compare(session, reported)
    except BaseException:
        kept.close()
        raise
    return CheckedFile(ctx, pay, existing, kept, changes, res.rows, res.skipped, report_changes, rep.rows, rep.skipped)
