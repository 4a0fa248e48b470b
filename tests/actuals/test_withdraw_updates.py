"""Withdrawing a batch undoes it: a recorded payment the batch updated (a known voucher whose amount or date
the later export changed) gets back its previous amount and date, read from the batch's audit entries."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from tests.actuals.helpers import ADMIN, P1, upload
from tests.actuals.treasury_files import Q1, Q1_FEN, export_csv, row
from tracker.actuals.batches import withdraw_batch
from tracker.actuals.read import cumulative_paid
from tracker.models import AuditEntry, Payment, Project


def p1(session: Session) -> int:
    pid = session.exec(select(Project.id).where(Project.code == P1, Project.year == 2024)).one()
    assert pid is not None
    return pid


# ZF…102 (50,000.50 元 on 2024-02-20 in Q1) corrected to 48,000 元 paid on 2024-04-03; ZF…104 is new
LATER = [Q1[0], row("ZF2024000102", "2024-04-03", "48000.00", source="上年结转资金"), Q1[2]]
LATER += [row("ZF2024000104", "2024-04-05", "30000.00")]


def test_withdrawing_a_batch_restores_the_amount_and_date_of_the_payments_it_updated(db: Session) -> None:
    pid = p1(db)
    upload(db, export_csv(Q1), "q1.csv")
    march, june = date(2024, 3, 31), date(2024, 6, 30)
    second = upload(db, export_csv(LATER), "h1.csv")
    assert second.payments_updated == 1
    assert cumulative_paid(session=db, project_ids=[pid], as_of=march) == {pid: Q1_FEN - 5_000_050}
    assert cumulative_paid(session=db, project_ids=[pid], as_of=june) == {pid: Q1_FEN - 5_000_050 + 7_800_000}

    assert second.batch_id is not None
    withdraw_batch(session=db, principal=ADMIN, batch_id=second.batch_id, reason="导出有误")
    # back to the first export, to the fen and to the quarter
    assert cumulative_paid(session=db, project_ids=[pid], as_of=march) == {pid: Q1_FEN}
    assert cumulative_paid(session=db, project_ids=[pid], as_of=june) == {pid: Q1_FEN}
    payment = db.exec(select(Payment).where(Payment.voucher == "ZF2024000102")).one()
    assert (payment.amount_fen, payment.paid_on, payment.withdrawn) == (5_000_050, date(2024, 2, 20), False)
    entry = db.exec(
        select(AuditEntry).where(AuditEntry.action == "batch.withdraw", AuditEntry.field == "cumulative_paid_wan")
    ).one()
    assert (entry.old, entry.new) == ("19.80", "17.00")  # 万元: the update (-0.20) and the new 3.00 undone


def test_the_same_export_after_the_withdrawal_updates_the_payment_again(db: Session) -> None:
    pid = p1(db)
    upload(db, export_csv(Q1), "q1.csv")
    second = upload(db, export_csv(LATER), "h1.csv")
    assert second.batch_id is not None
    withdraw_batch(session=db, principal=ADMIN, batch_id=second.batch_id, reason="导出有误")
    again = upload(db, export_csv(LATER) + b"\r\n", "h1-again.csv")
    assert (again.payments_updated, again.payments) == (1, 2)
    assert cumulative_paid(session=db, project_ids=[pid]) == {pid: Q1_FEN - 5_000_050 + 7_800_000}


def test_an_update_of_the_amount_alone_or_with_the_funding_source_is_undone_too(db: Session) -> None:
    """Only changed values are audited: an amount-only update has no date entry, and is restored all the same."""
    pid = p1(db)
    upload(db, export_csv(Q1), "q1.csv")
    amount_only = [Q1[0], row("ZF2024000102", "2024-02-20", "50000.00", source="上年结转资金"), Q1[2]]
    other_source = row("ZF2024000103", "20240310", "20001", source="本年财政拨款")  # was 其他资金, 20000 元
    second = upload(db, export_csv([*amount_only[:2], other_source]), "h1.csv")
    assert second.payments_updated == 2
    withdraw_batch(session=db, principal=ADMIN, batch_id=second.batch_id or 0, reason="导出有误")
    assert cumulative_paid(session=db, project_ids=[pid]) == {pid: Q1_FEN}
    stored = {p.voucher: p for p in db.exec(select(Payment).where(Payment.project_id == pid))}
    assert stored["ZF2024000102"].amount_fen == 5_000_050
    assert (stored["ZF2024000103"].amount_fen, stored["ZF2024000103"].source) == (2_000_000, "其他资金")


def test_a_later_batchs_update_of_the_same_payment_is_kept_when_an_earlier_one_is_withdrawn(db: Session) -> None:
    pid = p1(db)
    upload(db, export_csv(Q1), "q1.csv")
    second = upload(db, export_csv(LATER), "h1.csv")
    third = [Q1[0], row("ZF2024000102", "2024-04-03", "47000.00", source="上年结转资金"), Q1[2]]
    upload(db, export_csv(third), "h1-fix.csv")
    withdraw_batch(session=db, principal=ADMIN, batch_id=second.batch_id or 0, reason="导出有误")
    payment = db.exec(select(Payment).where(Payment.voucher == "ZF2024000102")).one()
    assert (payment.amount_fen, payment.paid_on) == (4_700_000, date(2024, 4, 3))
    assert cumulative_paid(session=db, project_ids=[pid]) == {pid: Q1_FEN - 5_000_050 + 4_700_000}
