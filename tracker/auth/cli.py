"""`tracker users …`: create logins, set passwords, make sure the demo `admin` exists."""

from __future__ import annotations

import getpass
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.console import fail, load_rules

if TYPE_CHECKING:
    from tracker.auth import service

app = typer.Typer(help="登录用户", no_args_is_help=True)


def _read_password(from_stdin: bool) -> str:
    if not from_stdin:
        fail("请用 --password-stdin 从标准输入提供密码（不要写在命令行里）", 2)
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        fail("标准输入没有密码", 2)
    return password


def _operator() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def _places(user: service.UserView) -> str:
    """Where a login may look: its units (region/code), else its regions, else everywhere."""
    if user.unit_keys:
        regions = sorted({r for r, _ in user.unit_keys})
        return f"地区 {'、'.join(regions)}：{'、'.join(d for _, d in user.unit_keys)}"
    return ("地区 " + "、".join(user.regions)) if user.regions else "全部地区"


@app.command("add")
def users_add(
    username: str,
    role: Annotated[str, typer.Option(help="admin / department / viewer")],
    dept: Annotated[list[str] | None, typer.Option("--dept", help="单位编码，可重复")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="从标准输入读密码")] = False,
    name: Annotated[str, typer.Option(help="显示名称")] = "",
    region: Annotated[
        list[str] | None, typer.Option("--region", help="地区代码，可重复；系统中只有一个地区时可省略")
    ] = None,
) -> None:
    """Create a login, limited to regions (--region) and/or units inside its region (--dept)."""
    from tracker.auth import service
    from tracker.auth.rules import auth_rules
    from tracker.db import session_scope
    from tracker.errors import DomainError

    rules = load_rules()
    password = _read_password(password_stdin)
    try:
        with session_scope() as session:
            user = service.create_user(
                session=session,
                username=username,
                password=password,
                role=role,
                units=dept or [],
                regions=region or [],
                display_name=name,
                rules=auth_rules(rules),
                actor=_operator(),
            )
            unknown = service.unknown_units(session=session, units=user.units)
    except DomainError as exc:
        fail(exc.detail, 1)
    print(f"已创建用户 {user.username}（{user.role_name}，{_places(user)}）")
    for code in unknown:
        print(f"提示：尚未导入单位 {code} 的绩效目标表")


@app.command("passwd")
def users_passwd(
    username: str,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="从标准输入读密码")] = False,
) -> None:
    """Set a login's password (its open sessions and tokens end)."""
    from tracker.auth import service
    from tracker.auth.rules import auth_rules
    from tracker.db import session_scope
    from tracker.errors import DomainError

    rules = load_rules()
    password = _read_password(password_stdin)
    try:
        with session_scope() as session:
            service.update_user(session=session, username=username, password=password, rules=auth_rules(rules))
    except DomainError as exc:
        fail(exc.detail, 1)
    print(f"已修改 {username} 的密码")


@app.command("disable")
def users_disable(username: str) -> None:
    """Disable a login (it can no longer sign in; its sessions end)."""
    from tracker.auth import service
    from tracker.db import session_scope
    from tracker.errors import DomainError

    try:
        with session_scope() as session:
            service.update_user(session=session, username=username, active=False)
    except DomainError as exc:
        fail(exc.detail, 1)
    print(f"已停用 {username}")


@app.command("list")
def users_list() -> None:
    """Show every login."""
    from rich.console import Console
    from rich.table import Table

    from tracker.auth import service
    from tracker.db import session_scope

    with session_scope() as session:
        users = service.list_users(session=session)
    table = Table("用户名", "角色", "地区 · 单位", "状态")
    for u in users:
        table.add_row(u.username, u.role_name, _places(u), "启用" if u.active else "停用")
    Console().print(table)


@app.command("ensure-admin")
def users_ensure_admin() -> None:
    """Make sure `admin` exists: TRACKER_ADMIN_PASSWORD when set, else a generated password printed once."""
    from tracker.auth import service
    from tracker.auth.rules import auth_rules
    from tracker.config import get_settings
    from tracker.db import session_scope
    from tracker.errors import DomainError

    rules = load_rules()
    password = get_settings().admin_password or None
    try:
        with session_scope() as session:
            generated = service.ensure_admin(session=session, password=password, rules=auth_rules(rules))
    except DomainError as exc:
        fail(f"TRACKER_ADMIN_PASSWORD 不可用：{exc.detail}", 1)
    if generated:
        print(f"已创建管理员 admin，初始密码：{generated}（只显示这一次，请妥善保存）")
    elif password:
        print("管理员 admin 的密码为 TRACKER_ADMIN_PASSWORD")
    else:
        print("管理员 admin 已存在")
