"""On signing in a unit user sees what needs their action; any user changes their own password at /account."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.signin import PASSWORD, api_client, csrf_of, load_changli, page_client, project_id
from tracker.auth.principal import Principal
from tracker.corrections.service import issue_notice
from tracker.db import session_scope
from tracker.main import create_app
from tracker.models import Submission
from tracker.rules import load_rules
from tracker.scope import Scope
from tracker.web.pages.common import today

BOSS = Principal(username="boss", role="admin", scope=Scope.everything())


def notice(session: Session, project: int, problem: str, *, days: int) -> int | None:
    """The bureau issues a correction notice on `project`, due `days` from today; its id."""
    issued = issue_notice(
        rules=load_rules(),
        session=session,
        principal=BOSS,
        project_id=project,
        problem=problem,
        due_on=today() + timedelta(days=days),
    )
    return issued.id


def test_a_unit_user_sees_a_returned_quarter_an_open_notice_and_a_deadline_this_week(committed_db: Engine) -> None:
    load_changli()
    pid = project_id(3)  # 314001
    with session_scope() as session:
        session.add(
            Submission(
                region_code="130322", dept_code="314001", year=2024, quarter=1, status="returned", comment="缺支付凭证"
            )
        )
        soon = notice(session, pid, "进度滞后", days=3)
        later = notice(session, pid, "指标偏低", days=30)
        other = notice(session, project_id(10), "别的单位", days=0)
        ids = (soon, later, other)
    html = page_client("mz", "department", ("314001",)).get("/").text
    assert 'id="todo"' in html and "需要您处理" in html
    assert "2024年第1季度报送被退回：缺支付凭证" in html
    assert f'<li data-todo="deadline"><span class="tag warn">本周截止</span> <a href="/corrections/{ids[0]}">' in html
    assert f'<li data-todo="correction"><a href="/corrections/{ids[1]}">' in html
    assert f"/corrections/{ids[2]}" not in html  # another unit's notice
    assert 'id="todo"' not in page_client("reader", "viewer").get("/").text


def test_the_finance_bureau_sees_what_waits_on_its_review(committed_db: Engine) -> None:
    load_changli()
    with session_scope() as session:
        session.add(Submission(region_code="130322", dept_code="314001", year=2024, quarter=2, status="submitted"))
    assert "1个季度报送待审核" in page_client().get("/").text


def test_a_unit_user_changes_their_own_password_and_other_sessions_end(committed_db: Engine) -> None:
    load_changli()
    client = page_client("mz", "department", ("314001",))
    old_token = api_client("other_login_placeholder", "viewer")  # a second user: unaffected
    token = TestClient(create_app()).post("/api/v1/auth/token", data={"username": "mz", "password": PASSWORD}).json()
    before = TestClient(create_app(), headers={"Authorization": f"Bearer {token['access_token']}"})
    assert before.get("/api/v1/projects?year=2024").status_code == 200
    page = client.get("/account")
    assert page.status_code == 200 and 'id="password-form"' in page.text
    csrf = csrf_of(page.text)

    def change(current: str, new: str, repeat: str) -> str:
        client.post("/account/password", data={"csrf_token": csrf, "current": current, "new": new, "repeat": repeat})
        return client.get("/account").text

    assert "当前密码不正确" in change("wrong password", "new password 1", "new password 1")
    assert "两次输入的新密码不一致" in change(PASSWORD, "new password 1", "new password 2")
    assert "至少" in change(PASSWORD, "short", "short")
    assert "密码已修改" in change(PASSWORD, "new password 1", "new password 1")
    assert client.get("/").status_code == 200  # this session stays signed in
    assert before.get("/api/v1/projects?year=2024").status_code == 401  # the old token does not
    fresh = TestClient(create_app())
    assert fresh.post("/api/v1/auth/token", data={"username": "mz", "password": PASSWORD}).status_code == 401
    assert fresh.post("/api/v1/auth/token", data={"username": "mz", "password": "new password 1"}).status_code == 200
    assert old_token.get("/api/v1/projects?year=2024").status_code == 200
