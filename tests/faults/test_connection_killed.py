"""A database connection cut in the middle of a request or a job (PostgreSQL pg_terminate_backend).

The request or job is held on a table lock at its write, its backend is terminated from another
connection, the lock let go. An upload answers an error (never 201) and stores nothing; a job exits
with a sentence (no traceback) and stores nothing of its work; the same work afterwards goes through once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.actuals.helpers import PAY_ZH, counts, csv_bytes, pay
from tests.signin import api_client
from tests.support import lagging_first_quarter
from tracker.db import session_scope

pytestmark = [pytest.mark.faults, pytest.mark.parametrize("engine", ["pg"], indirect=True)]
Terminate = Callable[[str, str], int]
Lock = Callable[[str], Callable[[], None]]


def test_an_upload_whose_connection_is_cut_answers_503_stores_nothing_and_goes_through_after(
    committed_db: Engine, tagged: str, terminate: Terminate, table_lock: Lock
) -> None:
    with session_scope() as session:
        lagging_first_quarter(session)
    client = api_client()
    before = counts(Session(committed_db))
    data = csv_bytes(PAY_ZH, [pay(amount="12.5", note="断线"), pay(day="2024-03-06", amount="7")])
    answer: dict[str, Any] = {}

    def send() -> None:
        files = {"file": ("q1.csv", data, "text/csv")}
        answer["response"] = client.post("/api/v1/actuals/uploads", files=files)

    release = table_lock("payment")
    sender = threading.Thread(target=send)
    sender.start()
    try:
        terminate(tagged, "%payment%")  # the upload's own write, waiting on the lock
    finally:
        release()
    sender.join(timeout=120)
    response = answer["response"]
    assert response.status_code == 503, response.text
    assert response.json()["error"] == "Unavailable" and "未保存" in response.json()["detail"]
    assert counts(Session(committed_db)) == before

    again = client.post("/api/v1/actuals/uploads", files={"file": ("q1.csv", data, "text/csv")})
    assert again.status_code == 201, again.text
    after = counts(Session(committed_db))
    assert after["batches"] == before["batches"] + 1 and after["payments"] == before["payments"] + 2
