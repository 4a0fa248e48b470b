"""SQLite has one writer at a time: an upload behind another writer waits for it and succeeds, and one
that waits longer than TRACKER_SQLITE_BUSY_SECONDS gets a 503 with a Chinese message, not a bare 500.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.actuals.helpers import PAY_ZH, csv_bytes, pay
from tests.signin import api_client, load_changli
from tracker.config import get_settings
from tracker.db import get_engine


@contextmanager
def writer_holding_the_lock(engine: Engine) -> Iterator[sqlite3.Connection]:
    """Another process's long write, as SQLite sees it: a connection inside BEGIN IMMEDIATE."""
    path = engine.url.database
    assert path
    conn = sqlite3.connect(path, timeout=5, check_same_thread=False, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()


def upload(client: TestClient, day: str) -> tuple[int, dict]:
    files = {"file": ("q1.csv", csv_bytes(PAY_ZH, [pay(day=day)]), "text/csv")}
    response = client.post("/api/v1/actuals/uploads", files=files)
    return response.status_code, response.json()


@pytest.fixture
def sqlite_client(committed_db: Engine, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    if committed_db.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has row locks and advisory locks: writers do not queue on the file")
    load_changli()
    return api_client()


def test_an_upload_behind_a_writer_waits_and_succeeds(sqlite_client: TestClient, committed_db: Engine) -> None:
    with writer_holding_the_lock(committed_db) as other:
        result: list[tuple[int, dict]] = []
        worker = threading.Thread(target=lambda: result.append(upload(sqlite_client, "2024-03-05")))
        worker.start()
        worker.join(timeout=1.0)  # still waiting for the lock held here
        assert worker.is_alive() and not result
        other.execute("COMMIT")
        worker.join(timeout=120)
    assert result and result[0][0] == 201, result


def test_an_upload_that_waits_too_long_is_503_with_a_message(
    sqlite_client: TestClient, committed_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_SQLITE_BUSY_SECONDS", "0.5")
    get_settings.cache_clear()
    get_engine.cache_clear()
    with writer_holding_the_lock(committed_db):
        status, body = upload(sqlite_client, "2024-03-06")
    assert status == 503
    assert body == {"error": "Unavailable", "detail": "数据库正忙（另一项写入尚未完成），本次操作未保存，请稍后重试"}
