"""Real upload files for the tests, built with csv and openpyxl, and the callers that upload them."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

import pytest
from openpyxl import Workbook
from sqlmodel import Session, func, select

from tracker.actuals import service
from tracker.actuals.report import RowIssue, UploadRejected
from tracker.actuals.schemas import UploadSummary
from tracker.auth.principal import Principal
from tracker.models import AuditEntry, IndicatorResult, Payment, UploadBatch
from tracker.rules import load_rules
from tracker.scope import Scope

ADMIN = Principal(username="finance", role="admin", scope=Scope.everything())
DEPT = "314001"  # 昌黎县民政局本级
P1 = "13032224P00XC0610104L"  # budget 180 万元; seq 1 ≥2500人, seq 5 进一步提高 (qualitative), seq 8 ≥95%
P10 = "13032224P000N2E10172Y"  # a project of unit 320001
DEPT27, P27 = "327001", "13032224P00H8P810059C"  # 任务完成及时率 twice (seq 10 and 12)

PAY_ZH = ["单位编码", "项目编码", "支付日期", "金额（万元）", "备注"]
PAY_EN = ["dept_code", "project_code", "paid_on", "amount_wan", "note"]
RES_ZH = ["单位编码", "项目编码", "指标序号", "三级指标", "截至日期", "实际完成值", "得分", "完成目标可能性"]
RES_ZH += ["偏差原因类别", "偏差原因", "改进措施"]
RES_EN = ["dept_code", "project_code", "seq", "indicator", "as_of", "actual", "score", "likelihood"]
RES_EN += ["reason_category", "reason", "measures"]


def pay(day: str = "2024-03-05", amount: str = "10", note: str = "", dept: str = DEPT, code: str = P1) -> list[str]:
    return [dept, code, day, amount, note]


def res(
    seq: str = "1",
    actual: str = "2600人",
    as_of: str = "2024-03-31",
    *,
    name: str = "",
    score: str = "",
    likelihood: str = "",
    category: str = "",
    reason: str = "",
    measures: str = "",
    dept: str = DEPT,
    code: str = P1,
) -> list[str]:
    return [dept, code, seq, name, as_of, actual, score, likelihood, category, reason, measures]


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(sheets: dict[str, Sequence[Sequence[Any]]]) -> bytes:
    """A workbook with one sheet per entry; the first row of each is its header."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(
    session: Session, data: bytes, filename: str = "q1.csv", *, principal: Principal = ADMIN, dry_run: bool = False
) -> UploadSummary:
    return service.upload(
        rules=load_rules(), session=session, source=data, filename=filename, principal=principal, dry_run=dry_run
    )


def rejected(
    session: Session, data: bytes, filename: str = "q1.csv", *, principal: Principal = ADMIN
) -> list[RowIssue]:
    """Upload a file that must be refused; its issues, and proof that nothing was written."""
    before = counts(session)
    with pytest.raises(UploadRejected) as caught:
        upload(session, data, filename, principal=principal)
    assert counts(session) == before
    return caught.value.issues


def counts(session: Session) -> dict[str, int]:
    tables = {"batches": UploadBatch, "payments": Payment, "results": IndicatorResult, "audit": AuditEntry}
    return {k: int(session.exec(select(func.count()).select_from(t)).one()) for k, t in tables.items()}


def one_issue(issues: list[RowIssue]) -> RowIssue:
    assert len(issues) == 1, [i.line() for i in issues]
    return issues[0]
