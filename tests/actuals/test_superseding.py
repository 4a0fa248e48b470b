"""One rule for reported rows that supersede one another (tracker/actuals/superseding.py): a later report for
the same indicator (or project) and date supersedes the current one, kept as history; withdrawing the later
batch brings the earlier row back, for indicator results and the 项目 sheet's reports alike."""

from __future__ import annotations

from sqlalchemy import event
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


def results_book(*actuals: tuple[str, str]) -> bytes:
    """(seq, actual) rows of P1 on 31 March."""
    return xlsx_bytes({"指标": [RES_ZH, *(res(seq, actual, "2024-03-31") for seq, actual in actuals)]})


def test_withdrawal_brings_back_the_newest_earlier_row_of_a_live_batch_only(db: Session) -> None:
    first = upload(db, results_book(("1", "1000人")), "a.xlsx")
    second = upload(db, results_book(("1", "1100人")), "b.xlsx")
    third = upload(db, results_book(("1", "1200人")), "c.xlsx")
    assert first.batch_id and second.batch_id and third.batch_id
    withdraw_batch(session=db, principal=ADMIN, batch_id=second.batch_id, reason="重复")
    current = db.exec(select(IndicatorResult.actual_text).where(IndicatorResult.is_current == True)).all()  # noqa: E712
    assert current == ["1200人"]  # withdrawing a superseded batch changes nothing current
    withdraw_batch(session=db, principal=ADMIN, batch_id=third.batch_id, reason="数字有误")
    current = db.exec(select(IndicatorResult.actual_text).where(IndicatorResult.is_current == True)).all()  # noqa: E712
    assert current == ["1000人"]  # the withdrawn middle batch is not live: the first comes back


BEFORE = {"1": "1000人", "5": "部分达成年度指标并具有一定效果", "8": "90%"}
AFTER = {"1": "1200人", "5": "达成年度指标", "8": "96%"}


def test_withdrawing_a_batch_reads_its_rows_in_a_fixed_number_of_statements(db: Session) -> None:
    """No statement per row: a batch of many results reverts with as many SELECTs as a batch of one."""

    def selects_to_withdraw(seqs: list[str]) -> int:
        upload(db, results_book(*((s, BEFORE[s]) for s in seqs)), "a.xlsx")
        later = upload(db, results_book(*((s, AFTER[s]) for s in seqs)), "b.xlsx")
        seen: list[str] = []

        def count(conn: object, cursor: object, statement: str, *args: object) -> None:
            if statement.lstrip().upper().startswith("SELECT") and "indicator_result" in statement:
                seen.append(statement)

        engine = db.get_bind()
        event.listen(engine, "before_cursor_execute", count)
        try:
            withdraw_batch(session=db, principal=ADMIN, batch_id=later.batch_id or 0, reason="数字有误")
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    one = selects_to_withdraw(["1"])
    many = selects_to_withdraw(["1", "5", "8"])
    assert many == one
