"""One rule for reported rows that supersede one another (tracker/actuals/superseding.py): a later report for
the same indicator (or project) and date supersedes the current one, kept as history; withdrawing the later
batch brings the earlier row back, for indicator results and the 项目 sheet's reports alike."""

from __future__ import annotations

from sqlmodel import Session, col, select

from tests.actuals.helpers import ADMIN, DEPT, P1, RES_ZH, res, upload, xlsx_bytes
from tracker.actuals.batches import withdraw_batch
from tracker.models import AuditEntry, IndicatorResult, Project, ProjectReport

PROJ_ZH = ["单位编码", "项目编码", "截至日期", "全年预计执行数（万元）", "实际完成情况"]


def book(actual: str, forecast_wan: str) -> bytes:
    return xlsx_bytes(
        {
            "项目": [PROJ_ZH, [DEPT, P1, "2024-03-31", forecast_wan, ""]],
            "指标": [RES_ZH, res("1", actual, "2024-03-31")],
        }
    )


def test_a_later_batch_supersedes_and_its_withdrawal_brings_the_earlier_rows_back(db: Session) -> None:
    pid = db.exec(select(Project.id).where(Project.code == P1, Project.year == 2024)).one()
    upload(db, book("1000人", "170"), "a.xlsx")
    later = upload(db, book("1200人", "150"), "b.xlsx")
    results = db.exec(select(IndicatorResult).order_by(col(IndicatorResult.id))).all()
    reports = db.exec(select(ProjectReport).order_by(col(ProjectReport.id))).all()
    assert [(r.actual_text, r.is_current) for r in results] == [("1000人", False), ("1200人", True)]
    assert [(r.forecast_fen, r.is_current) for r in reports] == [(170_000_000, False), (150_000_000, True)]

    withdraw_batch(session=db, principal=ADMIN, batch_id=later.batch_id or 0, reason="数字有误")
    assert [(r.actual_text, r.is_current) for r in results] == [("1000人", True), ("1200人", False)]
    assert [(r.forecast_fen, r.is_current) for r in reports] == [(170_000_000, True), (150_000_000, False)]
    entries = db.exec(
        select(AuditEntry).where(AuditEntry.action == "batch.withdraw", AuditEntry.entity == "indicator_result")
    ).all()
    assert entries and {e.project_id for e in entries} == {pid}  # the audit names the indicator's project
    actual = next(e for e in entries if e.field == "actual_text")
    assert (actual.old, actual.new) == ("1200人", "1000人")
