"""The outbox's delivery states: queued → sending (claimed, with a lease) → sent, or back to queued / failed.

Delivery is at-least-once. A sender claims a message with one conditional UPDATE and commits before
it sends, so two schedulers never both send it; it marks it sent right after the server accepted it.
If the process dies between the server's acceptance and that mark, the lease runs out and a later run
sends the message again: a rare duplicate (mail carries a stable Message-ID, so clients can fold it)
is preferred to a lost alert. These functions commit: each state change is its own short transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from tracker.db import session_scope
from tracker.models import AlertMessage

QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
_ERROR_LIMIT = 1000


def _claimable(now: datetime) -> Any:
    return or_(
        col(AlertMessage.state) == QUEUED,
        (col(AlertMessage.state) == SENDING) & (col(AlertMessage.lease_until) < now),
    )


def pending(*, engine: Engine, channel: str, now: datetime) -> list[int]:
    """Ids of messages of `channel` that are waiting, or whose sender's lease has run out."""
    with session_scope(engine) as session:
        query = select(AlertMessage.id).where(AlertMessage.channel == channel, _claimable(now))
        return [i for i in session.exec(query.order_by(col(AlertMessage.id))) if i is not None]


def claim(*, engine: Engine, message_id: int, owner: str, now: datetime, lease_seconds: int) -> AlertMessage | None:
    """Take the message for sending, or None when another sender holds it or it is already done."""
    with session_scope(engine) as session:
        taken = session.execute(
            update(AlertMessage)
            .where(col(AlertMessage.id) == message_id, _claimable(now))
            .values(
                state=SENDING,
                lease_owner=owner,
                lease_until=now + timedelta(seconds=lease_seconds),
                attempts=col(AlertMessage.attempts) + 1,
            )
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            return None
    with session_scope(engine) as session:
        return session.get(AlertMessage, message_id)


def mark_sent(*, engine: Engine, message_id: int, now: datetime) -> None:
    """The server accepted it: done, whoever holds the lease now."""
    with session_scope(engine) as session:
        session.execute(
            update(AlertMessage)
            .where(col(AlertMessage.id) == message_id, col(AlertMessage.state) != SENT)
            .values(state=SENT, sent_at=now, lease_owner=None, lease_until=None, last_error="")
        )


def mark_unsent(*, engine: Engine, message_id: int, owner: str, error: str, permanent: bool) -> None:
    """Sending failed: back to the queue for the next run, or `failed` when retrying cannot help."""
    with session_scope(engine) as session:
        session.execute(
            update(AlertMessage)
            .where(col(AlertMessage.id) == message_id, col(AlertMessage.lease_owner) == owner)
            .where(col(AlertMessage.state) == SENDING)
            .values(
                state=FAILED if permanent else QUEUED,
                lease_owner=None,
                lease_until=None,
                last_error=error[:_ERROR_LIMIT],
            )
        )


def note_error(*, engine: Engine, message_ids: Sequence[int], error: str) -> None:
    """Record a failed attempt on queued messages that could not even be claimed (server unreachable)."""
    if not message_ids:
        return
    with session_scope(engine) as session:
        session.execute(
            update(AlertMessage)
            .where(col(AlertMessage.id).in_(list(message_ids)), col(AlertMessage.state) == QUEUED)
            .values(attempts=col(AlertMessage.attempts) + 1, last_error=error[:_ERROR_LIMIT])
        )
