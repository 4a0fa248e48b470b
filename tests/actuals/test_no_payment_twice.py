"""No payment counted twice from the template (INTERFACE.md "Upload files", DOMAIN.md §7): the 支出 sheet
lists recorded payments with their voucher; a listed row is that payment; an unvouchered row equal to a
recorded payment is refused as a likely duplicate unless duplicates are confirmed."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from sqlmodel import Session, select

from tests.actuals.helpers import DEPT, P1, counts, one_issue, rejected, upload, xlsx_bytes
from tests.actuals.treasury_files import Q1, Q1_FEN, export_csv
from tracker.actuals.read import cumulative_paid
from tracker.actuals.template import PAYMENT_HEADERS, template_bytes
from tracker.models import Payment, Project
from tracker.rules import load_rules
from tracker.scope import Scope


def template(db: Session) -> bytes:
    return template_bytes(rules=load_rules(), session=db, scope=Scope.everything(), dept_code=DEPT, year=2024)


def payment_rows(data: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(data))["支出"]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def p1(db: Session) -> int:
    pid = db.exec(select(Project.id).where(Project.code == P1, Project.year == 2024)).one()
    assert pid is not None
    return pid


def filled(data: bytes, *extra: list[object]) -> bytes:
    """The downloaded template with new payment rows added below its rows (as a unit fills it in)."""
    rows = payment_rows(data)
    return xlsx_bytes({"支出": [*rows, *extra]})


def test_template_lists_recorded_payments_each_with_its_voucher(db: Session) -> None:
    upload(db, export_csv(Q1), "zf.csv")
    rows = payment_rows(template(db))
    assert rows[0][-1] == "支付凭证号" and PAYMENT_HEADERS[-1] == "支付凭证号"
    listed = [(r[1], r[6].date() if r[6] else None, r[7], r[9]) for r in rows[1:] if r[9]]  # type: ignore[union-attr]
    assert listed == [
        (P1, date(2024, 1, 15), 10, "ZF2024000101"),
        (P1, date(2024, 2, 20), 5.00005, "ZF2024000102"),
        (P1, date(2024, 3, 10), 2, "ZF2024000103"),
    ]


def test_reuploading_the_filled_template_books_nothing_twice(db: Session) -> None:
    pid = p1(db)
    upload(db, export_csv(Q1), "zf.csv")
    data = filled(template(db), [DEPT, P1, "", "", "", "", "2024-03-25", "1.5", "新的一笔", None])
    first = upload(db, data, "filled.xlsx")
    assert (first.payments, first.payments_recorded) == (1, 3)
    assert cumulative_paid(session=db, project_ids=[pid]) == {pid: Q1_FEN + 1_500_000}
    # downloaded again, it lists the new payment under its own voucher; uploaded as it is, nothing is booked
    again = upload(db, template(db), "again.xlsx")
    assert (again.status, again.payments, again.payments_recorded) == ("unchanged", 0, 4)
    assert cumulative_paid(session=db, project_ids=[pid]) == {pid: Q1_FEN + 1_500_000}


def test_a_typed_payment_gets_a_voucher_the_template_lists_it_by(db: Session) -> None:
    data = filled(template(db), [DEPT, P1, "", "", "", "", "2024-03-25", "1.5", "", None])
    summary = upload(db, data, "filled.xlsx")
    stored = db.exec(select(Payment).where(Payment.batch_id == summary.batch_id)).one()
    assert stored.voucher.startswith(f"B{summary.batch_id}-")


def test_changing_a_listed_payments_amount_in_the_template_is_an_update(db: Session) -> None:
    pid = p1(db)
    upload(db, export_csv(Q1), "zf.csv")
    rows = payment_rows(template(db))
    for r in rows:
        if r[9] == "ZF2024000101":
            r[7] = 9  # 10 万元 corrected to 9
    summary = upload(db, xlsx_bytes({"支出": rows}), "corrected.xlsx")
    assert (summary.payments, summary.payments_updated, summary.payments_recorded) == (1, 1, 2)
    assert cumulative_paid(session=db, project_ids=[pid]) == {pid: Q1_FEN - 1_000_000}


def test_unvouchered_row_equal_to_a_recorded_payment_is_refused_then_accepted_when_confirmed(db: Session) -> None:
    pid = p1(db)
    upload(db, export_csv(Q1), "zf.csv")
    # the same payment typed again without its voucher: project, date, amount (10 万元) and note equal
    data = filled(template(db), [DEPT, P1, "", "", "", "", "2024-01-15", "10", "1月救助金", None])
    issue = one_issue(rejected(db, data, "typed.xlsx"))
    assert issue.sheet == "支出" and issue.column == "支付凭证号"
    assert "疑似重复" in issue.message and "ZF2024000101" in issue.message
    before = counts(db)["payments"]
    summary = upload(db, data, "typed.xlsx", allow_duplicates=True)
    assert summary.payments == 1 and counts(db)["payments"] == before + 1
    assert any("已按确认的重复支付写入" in w.message for w in summary.warnings)
    assert cumulative_paid(session=db, project_ids=[pid]) == {pid: Q1_FEN + 10_000_000}
