"""What the jobs and routes call: decide alerts or reminders on a date, and list the outbox."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlmodel import Session, col, func, select

from tracker.alerts.config import alert_rules
from tracker.alerts.decide import DecideReport, record
from tracker.alerts.findings import reminder_findings, spending_findings
from tracker.alerts.schemas import AlertOut, alert_out
from tracker.config import get_settings, load_rules
from tracker.models import Alert, AlertMessage, Project
from tracker.monitoring.service import spend_rules
from tracker.scope import Scope


def decide_alerts(
    *, session: Session, as_of: date, job_run_id: int | None = None, rules: Mapping[str, Any] | None = None
) -> DecideReport:
    """Lagging projects after a checkpoint, red escalations and early warnings of `as_of`, stored once."""
    cfg = rules if rules is not None else load_rules()
    a_rules = alert_rules(cfg)
    findings = spending_findings(session=session, as_of=as_of, spend=spend_rules(cfg), alerts=a_rules)
    return record(
        session=session,
        findings=findings,
        as_of=as_of,
        rules=a_rules,
        base_url=get_settings().base_url,
        job_run_id=job_run_id,
    )


def decide_reminders(
    *, session: Session, as_of: date, job_run_id: int | None = None, rules: Mapping[str, Any] | None = None
) -> DecideReport:
    """Reminders to units that have not reported a period that is due soon or overdue, stored once."""
    a_rules = alert_rules(rules if rules is not None else load_rules())
    findings = reminder_findings(session=session, as_of=as_of, alerts=a_rules)
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
    query = scope.filter(select(AlertMessage), AlertMessage.dept_code)
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
