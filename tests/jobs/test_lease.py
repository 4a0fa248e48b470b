"""Only one scheduler acts: the lease row (any database) and the PostgreSQL advisory lock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from jobs.lease import AdvisoryLock, DbLease
from tracker.db import make_engine
from tracker.models.base import utcnow


def test_a_lease_is_held_by_one_owner_until_released_or_expired(committed_db: Engine) -> None:
    now = utcnow()
    clock = {"now": now}
    a = DbLease(committed_db, owner="a", seconds=60, clock=lambda: clock["now"])
    b = DbLease(committed_db, owner="b", seconds=60, clock=lambda: clock["now"])
    assert a.acquire() and not b.acquire()
    clock["now"] = now + timedelta(seconds=50)
    assert a.renew() and not b.acquire()  # renewed: good for another 60 seconds
    clock["now"] = now + timedelta(seconds=100)
    assert not b.acquire()
    clock["now"] = now + timedelta(seconds=111)  # a stopped renewing 61 seconds ago
    assert b.acquire() and not a.renew()
    b.release()
    assert a.acquire()


@pytest.fixture
def two_pg_engines(pg_engine: Engine) -> Iterator[tuple[Engine, Engine]]:
    url = pg_engine.url.render_as_string(hide_password=False)
    first, second = make_engine(url), make_engine(url)
    yield first, second
    first.dispose()
    second.dispose()


def test_the_postgresql_advisory_lock_admits_one_scheduler_and_frees_on_release(
    two_pg_engines: tuple[Engine, Engine],
) -> None:
    one, two = AdvisoryLock(two_pg_engines[0]), AdvisoryLock(two_pg_engines[1])
    try:
        assert one.acquire() and not two.acquire()
        assert one.renew() and one.acquire()
        one.release()
        assert two.acquire() and not one.acquire()
    finally:
        one.release()
        two.release()


def test_the_advisory_lock_is_gone_when_its_connection_dies(two_pg_engines: tuple[Engine, Engine]) -> None:
    one, two = AdvisoryLock(two_pg_engines[0]), AdvisoryLock(two_pg_engines[1])
    try:
        assert one.acquire()
        assert one.conn is not None
        one.conn.invalidate()  # as if the process were killed: the server drops the session and its lock
        one.conn = None
        assert two.acquire()
    finally:
        two.release()
