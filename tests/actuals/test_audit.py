"""The audit trail: who, when, which batch, old → new, for every value that actually changed."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from tests.actuals.helpers import ADMIN, DEPT, P1, PAY_ZH, RES_ZH, csv_bytes, pay, res, upload
from tracker.actuals.audit import list_audit
from tracker.actuals.batches import withdraw_batch
from tracker.errors import InvalidInput, NotFound
from tracker.models import Project
from tracker.scope import Scope


def p1(db: Session) -> int:
    return db.exec(select(Project.id).where(Project.code == P1, Project.dept_code == DEPT)).one() or 0


def trail(db: Session, **where: int) -> list[tuple[str | None, str, str, str | None, str | None]]:
    items, _ = list_audit(session=db, scope=Scope.everything(), **where)
    return [(e.actor, e.action, e.field, e.old, e.new) for e in reversed(items)]


def test_payments_move_the_projects_cumulative_paid_from_old_to_new(db: Session) -> None:
    first = upload(db, csv_bytes(PAY_ZH, [pay(amount="10"), pay(amount="5.5", day="2024-03-06")]))
    upload(db, csv_bytes(PAY_ZH, [pay(amount="4.5", day="2024-04-01")]), "q2.csv")
    assert trail(db, project_id=p1(db)) == [
        ("finance", "payment.add", "cumulative_paid_wan", "0.00", "15.50"),
        ("finance", "payment.add", "cumulative_paid_wan", "15.50", "20.00"),
    ]
    items, _ = list_audit(session=db, scope=Scope.everything(), batch_id=first.batch_id or 0)
    assert [(e.batch_id, e.project_id) for e in items] == [(first.batch_id, p1(db))]
    assert items[0].at is not None


def test_a_changed_result_records_only_the_fields_that_changed(db: Session) -> None:
    upload(db, csv_bytes(RES_ZH, [res("1", "2600人", likelihood="确定能")]), "a.csv")
    upload(db, csv_bytes(RES_ZH, [res("1", "2700人", likelihood="确定能")]), "b.csv")
    assert trail(db, project_id=p1(db)) == [
        ("finance", "result.set", "actual_text", None, "2600人"),
        ("finance", "result.set", "likelihood", None, "确定能"),
        ("finance", "result.set", "actual_text", "2600人", "2700人"),
    ]


def test_withdrawal_is_recorded_with_its_reason(db: Session) -> None:
    batch = upload(db, csv_bytes(PAY_ZH, [pay(amount="8")])).batch_id or 0
    withdraw_batch(session=db, principal=ADMIN, batch_id=batch, reason="重复上传")
    items, _ = list_audit(session=db, scope=Scope.everything(), batch_id=batch)
    assert [(e.action, e.entity, e.old, e.new, e.note) for e in reversed(items)] == [
        ("payment.add", "project", "0.00", "8.00", f"批次 {batch} 新增支付"),
        ("batch.withdraw", "project", "8.00", "0.00", "重复上传"),
        ("batch.withdraw", "upload_batch", "applied", "withdrawn", "重复上传"),
    ]


def test_another_units_trail_is_not_shown(db: Session) -> None:
    upload(db, csv_bytes(PAY_ZH, [pay()]))
    other = Scope.of_units({("130322", "320001")})
    with pytest.raises(NotFound):
        list_audit(session=db, scope=other, project_id=p1(db))
    with pytest.raises(InvalidInput):
        list_audit(session=db, scope=other)
