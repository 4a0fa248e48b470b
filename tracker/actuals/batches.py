"""Upload batches: list them, and withdraw one (reversed and kept, never deleted) before its quarter is locked."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from tracker.access import visible_batch, visible_project
from tracker.actuals import project_reports, superseding
from tracker.actuals.audit import record
from tracker.actuals.context import LOCKED, serialise
from tracker.actuals.identity import set_payments
from tracker.actuals.read import cumulative_paid
from tracker.actuals.results import AUDITED, shown
from tracker.actuals.schemas import BatchOut, PaymentOut, PeriodOut
from tracker.auth.principal import Principal
from tracker.bulk import matching
from tracker.core.money import wan_str
from tracker.errors import Conflict, InvalidInput
from tracker.models import AuditEntry, BatchPeriod, Indicator, IndicatorResult, Payment, Submission, UploadBatch, utcnow
from tracker.scope import Scope


def _periods(session: Session, batch_ids: list[int]) -> dict[int, list[BatchPeriod]]:
    out: dict[int, list[BatchPeriod]] = defaultdict(list)
    if batch_ids:
        query = select(BatchPeriod).where(col(BatchPeriod.batch_id).in_(batch_ids))
        for p in session.exec(
            query.order_by(col(BatchPeriod.dept_code), col(BatchPeriod.year), col(BatchPeriod.quarter))
        ):
            out[p.batch_id].append(p)
    return out


def batch_out(batch: UploadBatch, periods: list[BatchPeriod]) -> BatchOut:
    assert batch.id is not None
    return BatchOut(
        id=batch.id,
        filename=batch.filename,
        sha256=batch.sha256,
        uploaded_by=batch.uploaded_by,
        uploaded_at=batch.uploaded_at,
        status=batch.status,
        payments=batch.payments,
        payments_wan=str(batch.summary.get("payments_wan", "0.00")),
        results=batch.results,
        periods=[
            PeriodOut(region_code=p.region_code, dept_code=p.dept_code, year=p.year, quarter=p.quarter) for p in periods
        ],
        withdrawn_at=batch.withdrawn_at,
        withdrawn_by=batch.withdrawn_by,
        withdraw_reason=batch.withdraw_reason,
    )


def list_batches(
    *,
    session: Session,
    scope: Scope,
    year: int | None = None,
    dept_code: str | None = None,
    status: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[BatchOut], int]:
    """Batches that wrote into the scope's units, newest first."""
    query = select(UploadBatch)
    touched = scope.filter(select(BatchPeriod.batch_id), BatchPeriod.region_code, BatchPeriod.dept_code)
    if year is not None:
        touched = touched.where(BatchPeriod.year == year)
    if dept_code is not None:
        touched = touched.where(BatchPeriod.dept_code == dept_code)
    if scope.limited or year is not None or dept_code is not None:
        query = query.where(col(UploadBatch.id).in_(touched))
    if status is not None:
        query = query.where(UploadBatch.status == status)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    batches = list(session.exec(query.order_by(col(UploadBatch.id).desc()).offset(offset).limit(limit)))
    periods = _periods(session, [b.id for b in batches if b.id is not None])
    return [batch_out(b, _visible(periods[b.id or 0], scope)) for b in batches], int(total)


def _visible(periods: list[BatchPeriod], scope: Scope) -> list[BatchPeriod]:
    return [p for p in periods if scope.sees(p)]


def _batch(session: Session, scope: Scope, batch_id: int) -> tuple[UploadBatch, list[BatchPeriod]]:
    batch = visible_batch(session=session, scope=scope, batch_id=batch_id)
    return batch, _periods(session, [batch_id])[batch_id]


def get_batch(*, session: Session, scope: Scope, batch_id: int) -> BatchOut:
    return batch_out(*_batch(session, scope, batch_id))


def withdraw_batch(*, session: Session, principal: Principal, batch_id: int, reason: str) -> BatchOut:
    """Reverse a batch: its payments stop counting, its current results give way to the ones they replaced."""
    principal.require_write()
    if not reason.strip():
        raise InvalidInput("请填写撤回原因")
    serialise(session)
    batch, periods = _batch(session, principal.scope, batch_id)
    if batch.status != "applied":
        raise Conflict(f"批次{batch_id}已撤回")
    for p in periods:
        sub = session.exec(
            select(Submission).where(
                Submission.region_code == p.region_code,
                Submission.dept_code == p.dept_code,
                Submission.year == p.year,
                Submission.quarter == p.quarter,
            )
        ).first()
        if sub is not None and sub.status == LOCKED:
            raise Conflict(
                f"单位 {p.dept_code} {p.year}年第{p.quarter}季度已审核锁定，不能撤回批次{batch_id}；请先由财政局解锁"
            )
    actor = principal.username
    updated = _updates(session, batch_id)
    project_ids = list(session.exec(select(Payment.project_id).where(Payment.batch_id == batch_id).distinct()))
    project_ids = sorted(
        set(project_ids) | {e.project_id for u in updated.values() for e in u.values() if e.project_id}
    )
    before = cumulative_paid(session=session, project_ids=project_ids)
    session.execute(update(Payment).where(col(Payment.batch_id) == batch_id).values(withdrawn=True))
    _restore(session, updated)
    after = cumulative_paid(session=session, project_ids=project_ids)
    for pid in sorted(project_ids):
        record(session, actor=actor, action="batch.withdraw", entity="project", entity_id=pid, batch_id=batch_id,
               project_id=pid, field="cumulative_paid_wan", old=wan_str(before[pid]), new=wan_str(after[pid]),
               note=reason)  # fmt: skip
    _revert_results(session, batch_id, actor, reason)
    project_reports.revert(session, batch_id)  # the 项目 sheet's forecasts and words
    batch.status, batch.withdrawn_at, batch.withdrawn_by, batch.withdraw_reason = "withdrawn", utcnow(), actor, reason
    session.add(batch)
    record(session, actor=actor, action="batch.withdraw", entity="upload_batch", entity_id=batch_id, batch_id=batch_id,
           field="status", old="applied", new="withdrawn", note=reason)  # fmt: skip
    session.flush()
    return batch_out(batch, periods)


_RESTORED = {"amount_yuan": "amount_fen", "paid_on": "paid_on", "source": "source"}  # audit field -> column


def _updates(session: Session, batch_id: int) -> dict[int, dict[str, AuditEntry]]:
    """Per payment of an earlier batch this batch updated, its payment.update audit entries by field.

    Only changed values are audited (audit.record_many): a field without an entry kept its value.
    """
    seen: dict[int, dict[str, AuditEntry]] = defaultdict(dict)
    query = select(AuditEntry).where(
        AuditEntry.batch_id == batch_id, AuditEntry.action == "payment.update", AuditEntry.entity == "payment"
    )
    for entry in session.exec(query.order_by(col(AuditEntry.id))):
        if entry.entity_id is not None and entry.field in _RESTORED:
            seen[entry.entity_id].setdefault(entry.field, entry)
    return dict(seen)


def _value(field: str, text: str | None) -> object:
    """An audit entry's text as the column's value: exact 元 (identity.yuan_str) → fen, ISO → date."""
    if field == "amount_yuan":
        return int(Decimal(text or "0") * 100)
    if field == "paid_on":
        return date.fromisoformat(text or "")
    return text or ""


def _restore(session: Session, updated: dict[int, dict[str, AuditEntry]]) -> None:
    """Put back each updated payment's amount, date and 资金性质 as they were before the batch (one executemany).

    Only where the payment is live and still holds what the batch wrote: a later live batch's update stays.
    """
    if not updated:
        return
    params: list[dict[str, Any]] = []
    query = select(col(Payment.id), col(Payment.amount_fen), col(Payment.paid_on), col(Payment.source)).where(
        Payment.withdrawn == False  # noqa: E712
    )
    for among in matching(session, col(Payment.id), sorted(updated)):
        for pid, fen, day, source in session.exec(query.where(among)):
            now: dict[str, object] = {"amount_fen": fen, "paid_on": day, "source": source}
            entries = updated[pid or 0]
            if any(now[_RESTORED[f]] != _value(f, e.new) for f, e in entries.items()):
                continue  # changed again by a later batch
            old = now | {_RESTORED[f]: _value(f, e.old) for f, e in entries.items()}
            params.append({"pid": pid, "fen": old["amount_fen"], "day": old["paid_on"], "src": old["source"]})
    if not params:
        return
    set_payments(session, params)
    for loaded in [o for o in session.identity_map.values() if isinstance(o, Payment)]:
        session.expire(loaded)  # stale after the bulk update


def _revert_results(session: Session, batch_id: int, actor: str, reason: str) -> None:
    """Each current result of the batch steps down; the newest earlier one from a live batch comes back."""
    reverted = superseding.revert(session, IndicatorResult, batch_id, ("indicator_id", "as_of"))
    indicators = {r.indicator_id for r, _ in reverted}
    projects: dict[int, int] = {}
    for among in matching(session, col(Indicator.id), sorted(indicators)):
        projects.update({i: p for i, p in session.exec(select(Indicator.id, Indicator.project_id).where(among)) if i})
    for result, previous in reverted:
        for name in AUDITED:
            record(session, actor=actor, action="batch.withdraw", entity="indicator_result", entity_id=result.id,
                   batch_id=batch_id, project_id=projects.get(result.indicator_id), field=name,
                   old=shown(getattr(result, name)),
                   new=shown(getattr(previous, name)) if previous is not None else None,
                   note=f"{reason}（截至{result.as_of.isoformat()}）")  # fmt: skip


def list_payments(
    *,
    session: Session,
    scope: Scope,
    project_id: int,
    include_withdrawn: bool = False,
    as_of: date | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[PaymentOut], int]:
    """One project's payments, by date."""
    visible_project(session=session, scope=scope, project_id=project_id)
    query = select(Payment).where(Payment.project_id == project_id)
    if not include_withdrawn:
        query = query.where(Payment.withdrawn == False)  # noqa: E712
    if as_of is not None:
        query = query.where(Payment.paid_on <= as_of)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Payment.paid_on), col(Payment.id)).offset(offset).limit(limit))
    return [
        PaymentOut(
            id=p.id or 0,
            project_id=p.project_id,
            batch_id=p.batch_id,
            paid_on=p.paid_on.isoformat(),
            amount_wan=wan_str(p.amount_fen),
            note=p.note,
            row_no=p.row_no,
            withdrawn=p.withdrawn,
        )
        for p in rows
    ], int(total)
