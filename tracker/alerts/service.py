"""What the jobs and routes call: decide alerts or reminders on a date, and list the outbox."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, func, select

from tracker.alerts import outbox
from tracker.alerts.config import alert_rules
from tracker.alerts.decide import DecideReport, record
from tracker.alerts.findings import Finding, reminder_findings, spending_findings
from tracker.alerts.schemas import AlertOut, alert_out
from tracker.config import get_settings
from tracker.errors import Conflict, InvalidInput, NotFound
from tracker.models import Alert, AlertMessage, KeyListing, Project
from tracker.rules import Rules
from tracker.scope import Scope

log = logging.getLogger(__name__)


def decide_alerts(*, session: Session, as_of: date, job_run_id: int | None = None, rules: Rules) -> DecideReport:
    """Lagging projects after a checkpoint, red escalations and early warnings of `as_of`, stored once."""
    a_rules = alert_rules(rules)
    findings = spending_findings(session=session, as_of=as_of, rules=rules)
    return record(
        session=session,
        findings=findings,
        as_of=as_of,
        rules=a_rules,
        base_url=get_settings().base_url,
        job_run_id=job_run_id,
    )


def decide_reminders(*, session: Session, as_of: date, job_run_id: int | None = None, rules: Rules) -> DecideReport:
    """Reminders to units that have not reported a period that is due soon or overdue, stored once."""
    a_rules = alert_rules(rules)
    findings = reminder_findings(session=session, as_of=as_of, rules=rules)
    return record(
        session=session,
        findings=findings,
        as_of=as_of,
        rules=a_rules,
        base_url=get_settings().base_url,
        job_run_id=job_run_id,
    )


def list_alerts(
    *,
    session: Session,
    scope: Scope,
    state: str | None = None,
    dept_code: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[AlertOut], int]:
    """Messages newest first with their delivery state and the decisions they carry.

    A limited scope sees its units' messages only; the finance bureau's escalations span units
    and are shown to the all-seeing scope alone.
    """
    query = scope.filter(select(AlertMessage), AlertMessage.region_code, AlertMessage.dept_code)
    if state is not None:
        query = query.where(AlertMessage.state == state)
    if dept_code is not None:
        query = query.where(AlertMessage.dept_code == dept_code)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    order = (col(AlertMessage.created_at).desc(), col(AlertMessage.id).desc())
    messages = list(session.exec(query.order_by(*order).offset(offset).limit(limit)))
    ids = [m.id for m in messages if m.id is not None]
    carried: dict[int, list[tuple[Alert, str, str]]] = defaultdict(list)
    if ids:
        rows = session.exec(
            select(Alert, Project.code, Project.name)
            .join(Project, col(Project.id) == Alert.project_id)
            .where(col(Alert.message_id).in_(ids))
            .order_by(col(Alert.dept_code), col(Alert.id))
        )
        for alert, code, name in rows:
            assert alert.message_id is not None
            carried[alert.message_id].append((alert, code, name))
    return [alert_out(m, carried[m.id or -1]) for m in messages], int(total)


def visible_message(*, session: Session, scope: Scope, message_id: int) -> AlertMessage:
    """One message the scope may see; the finance bureau's escalations to the bureaus of their region."""
    m = session.get(AlertMessage, message_id)
    if m is None or not message_visible(scope, m):
        raise NotFound(f"消息{message_id}不存在")
    return m


def message_visible(scope: Scope, m: AlertMessage) -> bool:
    """A unit's message to whoever sees the unit; a finance one (no unit) to the region's bureau and above."""
    if m.dept_code is None:
        return not scope.limited or (
            scope.units is None and m.region_code is not None and scope.allows_region(m.region_code)
        )
    return scope.sees(m)


def resend(
    *, session: Session, scope: Scope, actor: str | None, ids: Sequence[int] = (), failed: bool = False
) -> list[int]:
    """Put messages back in the queue (the named ones, or every failed one); the next send run delivers them.

    A failed message keeps the server's answer in `last_error` until it is sent. A sent one named by
    id goes out again (a mail that was lost after the server took it). One being sent is left alone.
    """
    query = scope.filter(select(AlertMessage), AlertMessage.region_code, AlertMessage.dept_code)
    if scope.units is not None:  # a unit user never resends the finance bureau's messages
        query = query.where(col(AlertMessage.dept_code).is_not(None))
    if failed:
        query = query.where(AlertMessage.state == outbox.FAILED)
    if ids:
        query = query.where(col(AlertMessage.id).in_(list(ids)))
    elif not failed:
        raise InvalidInput("请给出消息编号，或用 --failed 重发全部发送失败的消息")
    found = {m.id: m for m in session.exec(query.order_by(col(AlertMessage.id)))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"消息{'、'.join(str(i) for i in missing)}不存在")
    busy = [m.id for m in found.values() if m.state == outbox.SENDING]
    if busy:
        raise Conflict(f"消息{'、'.join(str(i) for i in busy)}正在发送，请稍后再试")
    again = [m for m in found.values() if m.state in (outbox.FAILED, outbox.SENT)]
    for m in again:
        log.info("消息%s（%s，%s）由%s放回队列", m.id, m.recipient, m.state, actor or "命令行")
        m.state, m.lease_owner, m.lease_until = outbox.QUEUED, None, None
        session.add(m)
    session.flush()
    return [m.id for m in again if m.id is not None]


def decide_key_escalation(
    *, session: Session, as_of: date, job_run_id: int | None = None, rules: Rules
) -> DecideReport:
    """Tell the finance bureau about the key list (重点监控) of this year and last, each listing once per recipient.

    Every listing is offered each run and the decision's unique key keeps it to once, so a finance
    contact added after a listing still hears about it.
    """
    a_rules = alert_rules(rules)
    listings = session.exec(select(KeyListing).where(col(KeyListing.year).in_([as_of.year - 1, as_of.year]))).all()
    findings = [
        Finding(
            project_id=k.project_id,
            year=k.year,
            region_code=k.region_code or "",
            dept_code=k.dept_code,
            rule="key_monitoring",
            checkpoint_on=k.on_date,
            audience="finance",
            planned_fen=k.budget_fen,
            actual_fen=k.actual_fen,
            ratio=(k.rate / 100).quantize(Decimal("0.0001")) if k.rate is not None else None,
        )
        for k in listings
    ]
    return record(
        session=session,
        findings=findings,
        as_of=as_of,
        rules=a_rules,
        base_url=get_settings().base_url,
        job_run_id=job_run_id,
    )
