"""Signing in: bearer tokens for the API, a session cookie for the pages, CSRF on forms, rate limiting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.signin import PASSWORD, add_user, csrf_of, page_client
from tracker.auth.tokens import issue_token, read_token
from tracker.config import get_settings
from tracker.deps import PrincipalDep
from tracker.errors import Unauthorized
from tracker.main import create_app


def token_for(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def test_anonymous_api_call_is_401_json_with_a_bearer_challenge(committed_db: Engine) -> None:
    response = TestClient(create_app()).get("/api/v1/projects")
    assert response.status_code == 401
    assert response.json() == {"error": "Unauthorized", "detail": "请先登录"}
    assert response.headers["www-authenticate"] == "Bearer"


def test_anonymous_page_redirects_to_the_sign_in_form_and_back(committed_db: Engine) -> None:
    response = TestClient(create_app(), follow_redirects=False).get("/projects/1?as_of=2024-06-30")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fprojects%2F1%3Fas_of%3D2024-06-30"


def test_password_flow_gives_a_token_that_opens_the_api(committed_db: Engine) -> None:
    add_user("fin", "admin")
    client = TestClient(create_app())
    body = token_for(client, "fin").json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 12 * 3600
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json() == {"username": "fin", "role": "admin", "units": None, "regions": None, "places": None}


def test_wrong_password_is_401_and_repeated_failures_are_429(committed_db: Engine) -> None:
    add_user("guess", "viewer")
    client = TestClient(create_app())
    for _ in range(5):
        wrong = token_for(client, "guess", "not the password")
        assert wrong.status_code == 401 and wrong.json()["error"] == "Unauthorized"
    locked = token_for(client, "guess")
    assert locked.status_code == 429 and locked.json()["error"] == "TooManyAttempts"


def test_unknown_user_answers_like_a_wrong_password(committed_db: Engine) -> None:
    response = token_for(TestClient(create_app()), "nobody")
    assert response.status_code == 401 and response.json()["detail"] == "用户名或密码错误"


def test_forged_and_expired_tokens_are_refused(committed_db: Engine) -> None:
    add_user("tok", "viewer")
    client = TestClient(create_app())
    forged = issue_token(secret="not the key", username="tok", token_version=0)
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    real = issue_token(secret=get_settings().resolved_secret_key(), username="tok", token_version=0)
    with pytest.raises(Unauthorized, match="过期"):
        read_token(secret=get_settings().resolved_secret_key(), token=real, ttl=timedelta(seconds=-1))


def test_sign_in_form_needs_its_csrf_token(committed_db: Engine) -> None:
    add_user("form", "viewer")
    client = TestClient(create_app(), follow_redirects=False)
    client.get("/login")
    response = client.post("/login", data={"username": "form", "password": PASSWORD})
    assert response.status_code == 403 and "页面已过期" in response.text
    assert client.get("/").status_code == 303


def test_session_cookie_is_httponly_and_samesite_lax(committed_db: Engine) -> None:
    add_user("cookie", "viewer")
    client = TestClient(create_app(), follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": "cookie", "password": PASSWORD, "csrf_token": token})
    cookie = response.headers["set-cookie"].lower()
    assert "tracker_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_wrong_password_on_the_form_shows_an_error_and_keeps_the_user_out(committed_db: Engine) -> None:
    add_user("form2", "viewer")
    client = TestClient(create_app(), follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": "form2", "password": "nope", "csrf_token": token})
    assert response.status_code == 401 and "用户名或密码错误" in response.text
    assert client.get("/").status_code == 303


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_after_sign_in_only_local_pages_are_followed(committed_db: Engine, target: str) -> None:
    add_user("nxt", "viewer")
    client = TestClient(create_app(), follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    data = {"username": "nxt", "password": PASSWORD, "csrf_token": token, "next": target}
    assert client.post("/login", data=data).headers["location"] == "/"


def test_sign_out_needs_the_csrf_token_and_ends_the_session(committed_db: Engine) -> None:
    client = page_client("out", "viewer")
    assert client.post("/logout").status_code == 403
    assert client.get("/").status_code == 200
    assert client.post("/logout", data={"csrf_token": client.csrf}).status_code == 303  # type: ignore[attr-defined]
    assert client.get("/").status_code == 303


def test_api_writes_with_only_the_cookie_need_the_csrf_header(committed_db: Engine) -> None:
    app = create_app()

    @app.post("/api/v1/_probe")
    def probe(principal: PrincipalDep) -> dict[str, str]:
        return {"user": principal.username}

    add_user("ck", "department", ("314001",))
    client = TestClient(app, follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    client.post("/login", data={"username": "ck", "password": PASSWORD, "csrf_token": token})
    csrf = csrf_of(client.get("/").text)
    assert client.post("/api/v1/_probe").status_code == 403
    assert client.post("/api/v1/_probe", headers={"X-CSRF-Token": csrf}).json() == {"user": "ck"}


def test_pages_send_security_headers(committed_db: Engine) -> None:
    response = TestClient(create_app()).get("/login")
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in response.headers["content-security-policy"]
