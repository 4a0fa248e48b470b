"""Only one scheduler acts: a PostgreSQL advisory lock, or a lease row with an expiry (SQLite)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import case, or_, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import col

from tracker.db import session_scope
from tracker.models import SchedulerLease
from tracker.models.base import utcnow


class Leadership(Protocol):
    def acquire(self) -> bool: ...
    def renew(self) -> bool: ...
    def release(self) -> None: ...


class AdvisoryLock:
    """pg_try_advisory_lock on a dedicated connection: held while that connection lives, freed if the process dies."""

    def __init__(self, engine: Engine, name: str = "tracker-scheduler") -> None:
        self.engine = engine
        self.name = name
        self.conn: Connection | None = None
        self.key = 0

    def acquire(self) -> bool:
        if self.conn is not None:
            return self.renew()
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        # One key per database and schema, so that separate installations on one server do not meet.
        where = conn.execute(text("select current_database() || '.' || current_schema()")).scalar_one()
        digest = hashlib.sha256(f"{self.name}:{where}".encode()).digest()
        self.key = int.from_bytes(digest[:8], "big", signed=True)
        if conn.execute(text("select pg_try_advisory_lock(:k)"), {"k": self.key}).scalar_one():
            self.conn = conn
            return True
        conn.close()
        return False

    def renew(self) -> bool:
        """True while the connection (and so the lock) is still there."""
        if self.conn is None:
            return False
        try:
            self.conn.execute(text("select 1"))
            return True
        except DBAPIError:
            self.conn.invalidate()
            self.conn = None
            return False

    def release(self) -> None:
        if self.conn is None:
            return
        try:
            self.conn.execute(text("select pg_advisory_unlock(:k)"), {"k": self.key})
            self.conn.close()
        except DBAPIError:
            self.conn.invalidate()  # never hand a connection that may hold the lock back to the pool
        self.conn = None


class DbLease:
    """A row in scheduler_lease: taken when free or expired, renewed by its owner, given up on release."""

    def __init__(
        self,
        engine: Engine,
        *,
        owner: str,
        seconds: int,
        name: str = "scheduler",
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine, self.owner, self.seconds, self.name, self.clock = engine, owner, seconds, name, clock

    def _take(self) -> bool:
        now = self.clock()
        until = now + timedelta(seconds=self.seconds)
        with session_scope(self.engine) as session:
            taken = session.execute(
                update(SchedulerLease)
                .where(col(SchedulerLease.name) == self.name)
                .where(or_(col(SchedulerLease.owner) == self.owner, col(SchedulerLease.expires_at) < now))
                .values(
                    acquired_at=case((col(SchedulerLease.owner) == self.owner, SchedulerLease.acquired_at), else_=now),
                    owner=self.owner,
                    renewed_at=now,
                    expires_at=until,
                )
            )
            if taken.rowcount == 1:  # type: ignore[attr-defined]
                return True
        try:
            with session_scope(self.engine) as session:
                session.add(
                    SchedulerLease(name=self.name, owner=self.owner, acquired_at=now, renewed_at=now, expires_at=until)
                )
            return True
        except IntegrityError:  # the row exists and someone else's lease is still running
            return False

    def acquire(self) -> bool:
        return self._take()

    def renew(self) -> bool:
        return self._take()

    def release(self) -> None:
        with session_scope(self.engine) as session:
            session.execute(
                update(SchedulerLease)
                .where(col(SchedulerLease.name) == self.name, col(SchedulerLease.owner) == self.owner)
                .values(expires_at=self.clock() - timedelta(seconds=1))
            )


def leadership(engine: Engine, *, owner: str, lease_seconds: int) -> Leadership:
    """An advisory lock on PostgreSQL, a lease row elsewhere."""
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine)
    return DbLease(engine, owner=owner, seconds=lease_seconds)
