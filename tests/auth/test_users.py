"""Logins: argon2 hashes, roles and units, `tracker users add` and the `make run` admin."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from tracker.auth import credentials, service, signed_in
from tracker.auth.rules import AuthRules
from tracker.cli import app
from tracker.errors import Conflict, InvalidInput
from tracker.models import User
from tracker.scope import Scope

runner = CliRunner()
PW = "long enough password"


def test_password_is_stored_as_an_argon2id_hash(session: Session) -> None:
    service.create_user(session=session, username="u1", password=PW, role="viewer")
    user = session.exec(select(User).where(User.username == "u1")).one()
    assert user.password_hash.startswith("$argon2id$") and PW not in user.password_hash


def test_department_user_sees_only_its_units_and_can_write(session: Session) -> None:
    service.create_user(
        session=session, username="d1", password=PW, role="department", units=["314001", "301001"], regions=["130322"]
    )
    p = signed_in.load_principal(session=session, username="d1", token_version=0)
    assert p is not None and p.scope == Scope.of_units({("130322", "314001"), ("130322", "301001")})
    assert p.can_write and not p.is_admin


def test_viewer_reads_everything_or_its_units_but_writes_nothing(session: Session) -> None:
    service.create_user(session=session, username="v1", password=PW, role="viewer")
    service.create_user(
        session=session, username="v2", password=PW, role="viewer", units=["314001"], regions=["130322"]
    )
    v1 = signed_in.load_principal(session=session, username="v1", token_version=0)
    v2 = signed_in.load_principal(session=session, username="v2", token_version=0)
    assert v1 is not None and not v1.scope.limited and not v1.can_write
    assert v2 is not None and v2.scope.unit_codes == frozenset({"314001"}) and not v2.can_write


@pytest.mark.parametrize(
    ("role", "units", "password", "message"),
    [
        ("department", [], PW, "至少要指定一个单位"),
        ("admin", ["314001"], PW, "不能限定单位"),
        ("boss", [], PW, "角色须为"),
        ("department", ["31400"], PW, "6位数字"),
        ("viewer", [], "short", "至少 8 位"),
    ],
)
def test_invalid_logins_are_refused(session: Session, role: str, units: list[str], password: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        service.create_user(session=session, username="x1", password=password, role=role, units=units)


def test_usernames_are_unique(session: Session) -> None:
    service.create_user(session=session, username="same", password=PW, role="viewer")
    with pytest.raises(Conflict):
        service.create_user(session=session, username="same", password=PW, role="viewer")


def test_password_change_and_disabling_end_existing_sign_ins(session: Session) -> None:
    service.create_user(
        session=session, username="d2", password=PW, role="department", units=["314001"], regions=["130322"]
    )
    service.update_user(session=session, username="d2", password="another password")
    assert signed_in.load_principal(session=session, username="d2", token_version=0) is None
    assert signed_in.load_principal(session=session, username="d2", token_version=1) is not None
    service.update_user(session=session, username="d2", active=False)
    assert signed_in.load_principal(session=session, username="d2", token_version=2) is None


def test_the_last_active_admin_cannot_be_disabled_or_demoted(session: Session) -> None:
    service.create_user(session=session, username="boss", password=PW, role="admin")
    if len([u for u in service.list_users(session=session) if u.role == "admin" and u.active]) == 1:
        with pytest.raises(Conflict):
            service.update_user(session=session, username="boss", active=False)
        with pytest.raises(Conflict):
            service.update_user(session=session, username="boss", role="viewer")


def test_failures_lock_a_username_and_address_but_not_others(session: Session) -> None:
    rules = AuthRules(max_failures=3)
    service.create_user(session=session, username="lock", password=PW, role="viewer", rules=rules)

    def attempt(password: str, ip: str = "10.0.0.1") -> credentials.LoginResult:
        return credentials.authenticate(session=session, username="lock", password=password, ip=ip, rules=rules)

    for _ in range(3):
        assert attempt("wrong").principal is None
    locked = attempt(PW)
    assert locked.locked and locked.principal is None
    assert attempt(PW, ip="10.0.0.2").principal is not None


def test_a_success_clears_earlier_failures(session: Session) -> None:
    rules = AuthRules(max_failures=3)
    service.create_user(session=session, username="oops", password=PW, role="viewer", rules=rules)
    for _ in range(2):
        credentials.authenticate(session=session, username="oops", password="bad", ip="1.1.1.1", rules=rules)
    assert credentials.authenticate(session=session, username="oops", password=PW, ip="1.1.1.1", rules=rules).principal
    for _ in range(2):
        credentials.authenticate(session=session, username="oops", password="bad", ip="1.1.1.1", rules=rules)
    assert credentials.authenticate(session=session, username="oops", password=PW, ip="1.1.1.1", rules=rules).principal


def test_cli_users_add_reads_the_password_from_stdin_and_takes_several_units(committed_db: Engine) -> None:
    args = ["users", "add", "mz", "--role", "department", "--dept", "314001", "--dept", "301001", "--password-stdin"]
    args += ["--region", "130322"]  # no table imported yet: the region cannot be guessed
    result = runner.invoke(app, args, input=PW + "\n")
    assert result.exit_code == 0, result.output
    assert "已创建用户 mz" in result.output and "301001、314001" in result.output
    with Session(committed_db) as s:
        p = signed_in.load_principal(session=s, username="mz", token_version=0)
    assert p is not None and p.scope.unit_codes == frozenset({"314001", "301001"})
    again = runner.invoke(app, args, input=PW + "\n")
    assert again.exit_code == 1 and "用户名已存在" in again.output


def test_cli_users_add_refuses_a_password_on_the_command_line_or_an_empty_one(committed_db: Engine) -> None:
    assert runner.invoke(app, ["users", "add", "a1", "--role", "viewer"]).exit_code == 2
    assert runner.invoke(app, ["users", "add", "a1", "--role", "viewer", "--password-stdin"], input="\n").exit_code == 2


def test_ensure_admin_prints_a_generated_password_once(committed_db: Engine) -> None:
    first = runner.invoke(app, ["users", "ensure-admin"])
    assert first.exit_code == 0 and "初始密码" in first.output
    password = first.output.split("初始密码：")[1].split("（")[0]
    second = runner.invoke(app, ["users", "ensure-admin"])
    assert second.exit_code == 0 and password not in second.output and "已存在" in second.output
    with Session(committed_db) as s:
        ok = credentials.authenticate(session=s, username="admin", password=password, ip="x", rules=AuthRules())
    assert ok.principal is not None and ok.principal.is_admin


def test_ensure_admin_uses_tracker_admin_password(committed_db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.config import get_settings

    monkeypatch.setenv("TRACKER_ADMIN_PASSWORD", "from the environment")
    get_settings.cache_clear()
    for _ in range(2):
        result = runner.invoke(app, ["users", "ensure-admin"])
        assert result.exit_code == 0 and "初始密码" not in result.output
    with Session(committed_db) as s:
        ok = credentials.authenticate(
            session=s, username="admin", password="from the environment", ip="x", rules=AuthRules()
        )
    assert ok.principal is not None
