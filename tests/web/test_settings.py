"""设置: only the finance bureau manages logins; changes take effect at once."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.signin import PASSWORD, csrf_of, page_client
from tracker.main import create_app
from tracker.models import User


def user_id(engine: Engine, username: str) -> int:
    with Session(engine) as s:
        uid = s.exec(select(User.id).where(User.username == username)).one()
    assert uid is not None
    return uid


def can_sign_in(username: str, password: str) -> bool:
    client = TestClient(create_app(), follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    return (
        client.post("/login", data={"username": username, "password": password, "csrf_token": token}).status_code == 303
    )


def test_admin_creates_a_unit_login_that_can_then_sign_in(committed_db: Engine) -> None:
    admin = page_client()
    data = {"csrf_token": admin.csrf, "username": "newbie", "password": "first password", "role": "department",
            "units": "314001, 320001", "regions": "130322"}  # fmt: skip
    response = admin.post("/settings/users", data=data)
    assert response.status_code == 303
    page = admin.get("/settings").text
    assert "已创建用户 newbie" in page and re.search(r'name="units" value="314001 320001"', page)
    assert can_sign_in("newbie", "first password")


def test_an_invalid_login_is_explained_and_nothing_is_created(committed_db: Engine) -> None:
    admin = page_client()
    data = {"csrf_token": admin.csrf, "username": "nounit", "password": "first password", "role": "department"}
    admin.post("/settings/users", data=data)
    page = admin.get("/settings").text
    assert "至少要指定一个单位" in page and "nounit" not in page.split("新增用户")[0]


def test_disabling_a_login_ends_its_session(committed_db: Engine) -> None:
    admin = page_client()
    unit = page_client("mz", "department", ("314001",))
    uid = user_id(committed_db, "mz")
    admin.post(f"/settings/users/{uid}", data={"csrf_token": admin.csrf, "role": "department", "units": "314001"})
    assert unit.get("/").status_code == 303
    assert not can_sign_in("mz", PASSWORD)


def test_unit_and_viewer_logins_cannot_open_or_change_settings(committed_db: Engine) -> None:
    unit = page_client("mz", "department", ("314001",))
    viewer = page_client("look", "viewer")
    for client in (unit, viewer):
        assert client.get("/settings").status_code == 403
        data = {"csrf_token": client.csrf, "username": "sneaky", "password": "first password", "role": "admin"}  # type: ignore[attr-defined]
        assert client.post("/settings/users", data=data).status_code == 403
    assert not can_sign_in("sneaky", "first password")


def test_settings_show_the_thresholds_in_force(committed_db: Engine) -> None:
    page = page_client().get("/settings").text
    assert "实际/计划 ≥" in page and "0.8" in page and "严重滞后" in page


def test_an_expected_error_undoes_the_whole_request(committed_db: Engine) -> None:
    """A page request is one transaction: nothing it wrote survives an expected error, on SQLite too."""
    from starlette.requests import Request

    from tracker.auth.service import create_user
    from tracker.db import session_scope
    from tracker.errors import Conflict
    from tracker.web.pages.common import attempt

    request = Request({"type": "http", "session": {}})

    def half_done() -> None:
        create_user(session=session, username="half", password="long enough", role="viewer")
        raise Conflict("后半步失败")

    with session_scope() as session:
        create_user(session=session, username="before", password="long enough", role="viewer")
        assert attempt(request, session, half_done) is None
    assert request.session["flashes"] == [["error", "后半步失败"]]
    with Session(committed_db) as s:
        assert s.exec(select(User).where(col(User.username).in_(["before", "half"]))).first() is None
