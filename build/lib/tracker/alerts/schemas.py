"""What `GET /api/v1/alerts` answers: each message with its delivery state and the projects it names."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from tracker.core.money import wan_str
from tracker.models import Alert, AlertMessage


class AlertProjectOut(BaseModel):
    project_id: int
    dept_code: str
    code: str
    name: str
    rule: str
    checkpoint_on: date
    light: str | None
    planned_wan: str | None
    actual_wan: str | None
    forecast_wan: str | None
    ratio: float | None
    as_of: date


class AlertOut(BaseModel):
    id: int
    channel: str
    recipient: str
    audience: str
    dept_code: str | None
    kind: str
    subject: str
    state: str
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    lease_until: datetime | None
    projects: list[AlertProjectOut]


class AlertPage(BaseModel):
    items: list[AlertOut]
    total: int


def _wan(fen: int | None) -> str | None:
    return wan_str(fen) if fen is not None else None


def alert_out(m: AlertMessage, carried: list[tuple[Alert, str, str]]) -> AlertOut:
    assert m.id is not None
    return AlertOut(
        id=m.id,
        channel=m.channel,
        recipient=m.recipient,
        audience=m.audience,
        dept_code=m.dept_code,
        kind=m.kind,
        subject=m.subject,
        state=m.state,
        attempts=m.attempts,
        last_error=m.last_error,
        created_at=m.created_at,
        sent_at=m.sent_at,
        lease_until=m.lease_until,
        projects=[
            AlertProjectOut(
                project_id=a.project_id,
                dept_code=a.dept_code,
                code=code,
                name=name,
                rule=a.rule,
                checkpoint_on=a.checkpoint_on,
                light=a.light,
                planned_wan=_wan(a.planned_fen),
                actual_wan=_wan(a.actual_fen),
                forecast_wan=_wan(a.forecast_fen),
                ratio=float(a.ratio) if a.ratio is not None else None,
                as_of=a.as_of,
            )
            for a, code, name in carried
        ],
    )
