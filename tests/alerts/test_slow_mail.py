"""A mail server that keeps the message but answers after the client has given up (slow, not down).

The client times out and counts the message as not sent; the next run sends it again. That is the
at-least-once delivery README.md states: the repeat carries the first copy's Message-ID, every alert
is in one message, and nothing else is sent twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from jobs.runner import run_job
from tests.support import MailServer
from tracker.models import AlertMessage

pytestmark = pytest.mark.faults
APRIL_1 = date(2024, 4, 1)


def test_a_slow_server_gets_a_repeat_with_the_same_message_id_and_nothing_is_lost(
    quarter: Engine, smtp: MailServer, rules: Callable[..., None]
) -> None:
    rules(alerts={"smtp_timeout_seconds": 1})
    smtp.delay = 2.5  # longer than the client waits
    first = run_job("alerts", as_of=APRIL_1)
    with Session(quarter) as s:
        messages = s.exec(select(AlertMessage)).all()
    assert messages and all(m.state == "queued" for m in messages), [m.state for m in messages]
    assert first.counts.get("sent", 0) == 0

    smtp.delay = 0.0  # the server is quick again
    second = run_job("alerts", as_of=APRIL_1)
    with Session(quarter) as s:
        assert {m.state for m in s.exec(select(AlertMessage))} == {"sent"}
    assert second.counts["sent"] == len(messages)
    ids = Counter(r.message["Message-ID"] for r in smtp.received)
    assert len(ids) == len(messages), "every message arrived"
    assert all(n <= 2 for n in ids.values()), f"a message went out more than twice: {ids}"
    assert run_job("alerts", as_of=APRIL_1).counts.get("sent", 0) == 0  # nothing more after it is marked sent
