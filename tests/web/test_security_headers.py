"""Every answer carries the security headers; pages also the CSP and no-store (tracker/web SecurityHeaders).

The headers are added as the answer's head is sent (a plain ASGI middleware): an API answer, a page,
an error and /health all get them, and a header the route set itself is kept.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.signin import api_client
from tracker.main import create_app
from tracker.web import PAGE_CSP, SECURITY_HEADERS


def _has_security_headers(headers: object) -> bool:
    return all(headers.get(k) == v for k, v in SECURITY_HEADERS.items())  # type: ignore[attr-defined]


def test_api_answers_and_errors_have_the_security_headers_but_no_page_policy(committed_db: Engine) -> None:
    client = api_client()
    for answer in (client.get("/api/v1/projects"), client.get("/api/v1/projects/999"), client.get("/health")):
        assert _has_security_headers(answer.headers), answer.headers
        assert "content-security-policy" not in answer.headers and "cache-control" not in answer.headers


def test_pages_have_the_page_policy_and_are_not_stored(committed_db: Engine) -> None:
    login = TestClient(create_app()).get("/login")
    assert login.status_code == 200
    assert _has_security_headers(login.headers)
    assert login.headers["content-security-policy"] == PAGE_CSP and login.headers["cache-control"] == "no-store"


def test_a_body_declared_too_large_is_refused_before_it_is_read(committed_db: Engine) -> None:
    client = api_client()
    answer = client.post("/api/v1/targets/imports", headers={"content-length": str(10**12)}, content=b"x")
    assert answer.status_code == 413 and answer.json()["error"] == "TooLarge"
    assert _has_security_headers(answer.headers)
