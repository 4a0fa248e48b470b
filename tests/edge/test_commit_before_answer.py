"""A 2xx means the work is stored: the request's commit happens before the answer is sent, and a commit
that fails is answered as a JSON error (503), never as a success.

The app is driven as the ASGI server drives it; at the moment the status line is sent the test reads
the tables from a second, independent connection, exactly as a client that got its 201 could.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import anyio
import anyio.from_thread
import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from tests.actuals.helpers import PAY_ZH, csv_bytes, pay
from tests.signin import api_client
from tracker.db import session_scope
from tracker.main import create_app
from tracker.targets.service import import_targets


@pytest.fixture
def client(committed_db: Engine, changli_bytes: bytes) -> Iterator[TestClient]:
    with session_scope() as session:
        import_targets(session=session, data=changli_bytes, filename="changli.txt")
    yield api_client()


def batches(engine: Engine) -> int:
    with engine.connect() as conn:  # the test's own engine: sees only what is committed
        return int(conn.execute(sa.text("SELECT count(*) FROM upload_batch")).scalar_one())


def drive(app: Any, request: httpx.Request, at_status: Callable[[int], None]) -> tuple[int, bytes]:
    """Run one request through the ASGI app; `at_status` runs when the status line goes out."""
    body = request.read()
    url = request.url
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": url.scheme,
        "path": url.path,
        "raw_path": url.raw_path.split(b"?")[0],
        "query_string": url.query,
        "root_path": "",
        "headers": [(k.lower(), v) for k, v in request.headers.raw],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    status: list[int] = []
    chunks: list[bytes] = []
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await anyio.sleep(3600)  # the client never disconnects during the request
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])
            await anyio.to_thread.run_sync(at_status, message["status"])
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    async def main() -> None:
        await app(scope, receive, send)

    # an event loop of its own in a portal thread, as a server has: another test's loop may still be running in
    # this thread (Playwright's sync API keeps one for the session), and anyio.run would refuse to start
    with anyio.from_thread.start_blocking_portal() as portal:
        portal.call(main)
    return status[0], b"".join(chunks)


def upload_request(client: TestClient, data: bytes) -> httpx.Request:
    return client.build_request("POST", "/api/v1/actuals/uploads", files={"file": ("q1.csv", data, "text/csv")})


def test_an_upload_is_readable_from_another_connection_when_its_201_is_sent(
    client: TestClient, committed_db: Engine
) -> None:
    seen: list[int] = []
    for n in range(5):
        data = csv_bytes(PAY_ZH, [pay(day=f"2024-03-0{n + 1}", amount=str(n + 1))])
        status, body = drive(create_app(), upload_request(client, data), lambda _s: seen.append(batches(committed_db)))
        assert status == 201, body
    assert seen == [1, 2, 3, 4, 5]  # each batch was committed before its answer started


def _kill_at_commit(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Make the request's commit fail as a lost connection does (PostgreSQL: really terminate it)."""
    if engine.dialect.name == "postgresql":

        def terminate(session: Session) -> None:
            pid = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
            with engine.connect() as other:
                other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

        event.listen(Session, "before_commit", terminate)
        return lambda: event.remove(Session, "before_commit", terminate)

    def broken_commit(self: Session) -> None:
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(Session, "commit", broken_commit)
    return monkeypatch.undo


def test_a_commit_that_fails_is_answered_503_and_nothing_is_stored(
    client: TestClient, committed_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = upload_request(client, csv_bytes(PAY_ZH, [pay()]))
    undo = _kill_at_commit(committed_db, monkeypatch)
    try:
        status, body = drive(create_app(), request, lambda _s: None)
    finally:
        undo()
    assert status == 503, body
    assert httpx.Response(status, content=body).json() == {
        "error": "Unavailable",
        "detail": "数据库暂时不可用，本次操作未保存，请稍后重试",
    }
    assert batches(committed_db) == 0
