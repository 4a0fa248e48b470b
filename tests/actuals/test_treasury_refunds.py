"""A refund under the original payment's voucher (DOMAIN.md §7, config/treasury.yaml): a row flagged 退回, or
with a negative amount, carrying the voucher of a recorded or same-file payment is a refund of it, booked
under its own identity ("{voucher}-退回"), never refused as a repeated voucher nor taken for an update of the
payment, and never booked twice when the export is read again."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from tests.actuals.helpers import DEPT, P1, upload
from tests.actuals.treasury_files import Q1, Q1_FEN, export_csv, export_xlsx, row
from tracker.actuals.read import cumulative_paid
from tracker.actuals.template import template_bytes
from tracker.models import Payment, Project, UploadBatch
from tracker.rules import load_rules
from tracker.scope import Scope


def p1(session: Session) -> int:
    pid = session.exec(select(Project.id).where(Project.code == P1, Project.year == 2024)).one()
    assert pid is not None
    return pid


def live(session: Session, pid: int) -> dict[str, int]:
    query = select(Payment).where(Payment.project_id == pid, col(Payment.withdrawn).is_(False))
    return {p.voucher: p.amount_fen for p in session.exec(query)}


REFUND_101 = row("ZF2024000101", "2024-04-02", "3000.00", refund="退回", note="退回多付")


def test_a_refund_under_a_recorded_vouchers_number_is_booked_as_its_refund(db: Session) -> None:
    pid = p1(db)
    upload(db, export_csv(Q1), "q1.csv")
    second = upload(db, export_csv([*Q1, REFUND_101]), "h1.csv")
    assert (second.status, second.payments, second.payments_recorded, second.payments_updated) == ("applied", 1, 3, 0)
    stored = live(db, pid)
    assert stored["ZF2024000101"] == 10_000_000  # the payment itself is unchanged
    assert stored["ZF2024000101-退回"] == -300_000
    assert cumulative_paid(session=db, project_ids=[pid]) == {pid: Q1_FEN - 300_000}


def test_a_refund_in_the_same_file_as_its_payment_is_no_repeated_voucher(db: Session) -> None:
    pid = p1(db)
    negative = row("ZF2024000102", "2024-03-20", "-1000.00")  # a negative amount, no flag
    summary = upload(db, export_csv([*Q1, REFUND_101, negative]), "h1.csv")
    assert (summary.status, summary.payments) == ("applied", 5)
    assert cumulative_paid(session=db, project_ids=[pid]) == {pid: Q1_FEN - 300_000 - 100_000}
    assert live(db, pid)["ZF2024000102-退回"] == -100_000


def test_reading_the_export_again_does_not_book_the_refund_twice(db: Session) -> None:
    pid = p1(db)
    upload(db, export_csv([*Q1, REFUND_101]), "h1.csv")
    again = upload(db, export_xlsx([*Q1, REFUND_101, row("ZF2024000104", "2024-04-05", "30000.00")]), "h1.xlsx")
    assert (again.payments, again.payments_recorded) == (1, 4)
    assert cumulative_paid(session=db, project_ids=[pid]) == {pid: Q1_FEN - 300_000 + 3_000_000}


def test_two_refunds_of_one_voucher_in_a_file_are_two_and_stay_two_when_read_again(db: Session) -> None:
    pid = p1(db)
    twice = [*Q1, REFUND_101, row("ZF2024000101", "2024-05-02", "1000.00", refund="退回")]
    upload(db, export_csv(twice), "h1.csv")
    assert {v: f for v, f in live(db, pid).items() if "退回" in v} == {
        "ZF2024000101-退回": -300_000,
        "ZF2024000101-退回2": -100_000,
    }
    assert upload(db, export_xlsx(twice), "h1.xlsx").payments_recorded == 5
    assert cumulative_paid(session=db, project_ids=[pid]) == {pid: Q1_FEN - 400_000}


def test_a_refund_recorded_under_its_bare_voucher_before_the_rule_is_still_that_refund(db: Session) -> None:
    pid = p1(db)
    upload(db, export_csv(Q1), "q1.csv")
    batch = db.exec(select(UploadBatch.id)).first()
    assert batch is not None
    db.add(Payment(project_id=pid, batch_id=batch, paid_on=date(2024, 5, 6),
                   amount_fen=-500_000, voucher="ZF2024000105", row_no=9))  # fmt: skip
    db.flush()
    again = upload(db, export_csv([*Q1, row("ZF2024000105", "2024-05-06", "-5000.00")]), "h1.csv")
    assert (again.status, again.payments_recorded) == ("unchanged", 4)


def test_the_template_lists_a_refund_under_its_identity_and_books_it_once(db: Session) -> None:
    pid = p1(db)
    upload(db, export_csv([*Q1, REFUND_101]), "h1.csv")
    data = template_bytes(rules=load_rules(), session=db, scope=Scope.everything(), dept_code=DEPT, year=2024)
    again = upload(db, data, "template.xlsx")
    assert (again.status, again.payments_recorded) == ("unchanged", 4)
    assert cumulative_paid(session=db, project_ids=[pid]) == {pid: Q1_FEN - 300_000}
