"""Sign-in without holes: a copied cookie dies with sign-out, the failure limit holds under concurrency,
and rotating the client address (X-Forwarded-For through a proxy) does not reset it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from tests.signin import PASSWORD, add_user, page_client
from tracker.auth import credentials
from tracker.auth.rules import AuthRules
from tracker.db import session_scope
from tracker.main import create_app
from tracker.models import LoginAttempt

RULES = AuthRules(max_failures=5, max_failures_per_user=20)


def test_a_cookie_copied_before_sign_out_stops_working_after_it(committed_db: Engine) -> None:
    client = page_client("copier", "viewer")
    copied = dict(client.cookies)
    assert client.post("/logout", data={"csrf_token": client.csrf}).status_code == 303  # type: ignore[attr-defined]
    thief = TestClient(create_app(), follow_redirects=False, cookies=copied)
    assert thief.get("/").status_code == 303  # back to the sign-in form
    assert thief.get("/api/v1/projects").status_code == 401
    again = page_client("copier2", "viewer")  # signing in afresh still works
    assert again.get("/").status_code == 200


def attempt(ip: str, password: str = "wrong password") -> bool:
    """One sign-in in its own transaction, as one request; True when it was refused as locked."""
    with session_scope() as session:
        result = credentials.authenticate(session=session, username="target", password=password, ip=ip, rules=RULES)
    return result.locked


def failures_recorded(engine: Engine) -> int:
    with Session(engine) as s:
        query = select(func.count()).where(LoginAttempt.username == "target", ~col(LoginAttempt.ok))
        return int(s.exec(query).one())


def test_forty_concurrent_wrong_passwords_get_exactly_five_checks(committed_db: Engine) -> None:
    add_user("target", "viewer")
    with ThreadPoolExecutor(max_workers=8) as pool:
        locked = list(pool.map(lambda _n: attempt("10.0.0.1"), range(40)))
    assert failures_recorded(committed_db) == 5  # each check records one failure; the rest were refused unchecked
    assert locked.count(True) == 35
    assert attempt("10.0.0.1", PASSWORD) is True  # even the right password waits out the window


def test_rotating_addresses_does_not_reset_the_limit_for_a_username(committed_db: Engine) -> None:
    add_user("target", "viewer")
    outcomes = [attempt(f"198.51.100.{n}") for n in range(30)]
    assert outcomes == [False] * 20 + [True] * 10
    assert failures_recorded(committed_db) == 20
