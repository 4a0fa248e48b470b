"""Fault tests: cut a process's PostgreSQL connection from another connection (pg_terminate_backend).

The shared server is never restarted: each test's own connections are found by an application_name
of its own and terminated one by one.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.conftest import PG_URL
from tracker.config import get_settings
from tracker.db import get_engine


@pytest.fixture
def tagged(committed_db: Engine, monkeypatch: pytest.MonkeyPatch) -> str:
    """An application_name for the app's (and its subprocesses') connections to this test's database."""
    name = f"fault-{uuid.uuid4().hex[:10]}"
    url = committed_db.url.render_as_string(hide_password=False)
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"{url}&application_name={name}")
    get_settings.cache_clear()
    get_engine.cache_clear()
    return name


@pytest.fixture
def terminate() -> Iterator[Callable[[str, str], int]]:
    """terminate(app_name, like): wait for a backend of `app_name` blocked in a query like `like`, end it; its pid."""
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")

    def run(app_name: str, like: str, seconds: float = 60) -> int:
        deadline = time.monotonic() + seconds
        find = sa.text(
            "select pid from pg_stat_activity"
            " where application_name = :n and query ilike :q and wait_event_type = 'Lock'"
        )
        with admin.connect() as conn:
            while time.monotonic() < deadline:
                pids = conn.execute(find, {"n": app_name, "q": like}).scalars().all()
                if pids:
                    conn.execute(sa.text("select pg_terminate_backend(:p)"), {"p": pids[0]})
                    return int(pids[0])
                time.sleep(0.05)
        raise AssertionError(f"no backend of {app_name} ran {like} within {seconds} s")

    yield run
    admin.dispose()


@pytest.fixture
def table_lock(committed_db: Engine) -> Iterator[Callable[[str], Callable[[], None]]]:
    """table_lock(name): hold an exclusive lock on one of this test's tables (writers wait); call it to let go."""
    held: list[sa.engine.Connection] = []

    def take(table: str) -> Callable[[], None]:
        conn = committed_db.connect()
        conn.begin()
        conn.execute(sa.text(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE'))
        held.append(conn)

        def release() -> None:
            if conn in held:
                conn.rollback()
                conn.close()
                held.remove(conn)

        return release

    yield take
    for conn in list(held):
        conn.rollback()
        conn.close()
