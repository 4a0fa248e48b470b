"""Logins: create and change users and their places, make sure `admin` exists, load the signed-in principal."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, col, delete, func, select

from tracker.actuals.audit import record
from tracker.auth.passwords import generate_password, hash_password, verify_password
from tracker.auth.rules import AuthRules
from tracker.errors import Conflict, InvalidInput, NotFound
from tracker.models import Dept, User, UserRegion, UserUnit
from tracker.models.auth import ROLES
from tracker.places import only_region

ROLE_NAMES = {"admin": "财政局管理员", "department": "预算单位", "viewer": "只读"}
_USERNAME = re.compile(r"^[\w.@-]{2,100}$")
_DEPT = re.compile(r"^\d{6}$")
_REGION = re.compile(r"^\d{6}$")


@dataclass(frozen=True, slots=True)
class UserView:
    id: int
    username: str
    role: str
    display_name: str
    units: tuple[str, ...]
    active: bool
    created_at: datetime
    regions: tuple[str, ...] = ()  # limited to these regions; () with no units: every region
    unit_keys: tuple[tuple[str, str], ...] = ()  # (region, unit code) of each unit

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)


def _check_fields(role: str, units: list[str], rules: AuthRules, password: str | None, regions: list[str]) -> None:
    if role not in ROLES:
        raise InvalidInput(f"角色须为 {' / '.join(ROLES)} 之一：{role}")
    bad = [u for u in units if not _DEPT.match(u)]
    if bad:
        raise InvalidInput(f"单位编码须为6位数字：{'、'.join(bad)}")
    bad = [r for r in regions if not _REGION.match(r)]
    if bad:
        raise InvalidInput(f"地区代码须为6位数字：{'、'.join(bad)}")
    if units and len(regions) > 1:
        raise InvalidInput("指定单位时只能指定一个地区（单位编码只在本地区内唯一）")
    if role == "department" and not units:
        raise InvalidInput("预算单位用户至少要指定一个单位（--dept）")
    if role == "admin" and units:
        raise InvalidInput("管理员可以查看所辖地区的所有单位，不能限定单位（可用 --region 限定地区）")
    if password is not None and len(password) < rules.min_password_length:
        raise InvalidInput(f"密码至少 {rules.min_password_length} 位")


def _units(session: Session, user_id: int) -> list[str]:
    return [code for _, code in _unit_keys(session, user_id)]


def _unit_keys(session: Session, user_id: int) -> list[tuple[str, str]]:
    q = select(UserUnit.region_code, UserUnit.dept_code).where(UserUnit.user_id == user_id)
    return [(r, d) for r, d in session.exec(q.order_by(col(UserUnit.region_code), col(UserUnit.dept_code)))]


def _regions(session: Session, user_id: int) -> list[str]:
    q = select(UserRegion.region_code).where(UserRegion.user_id == user_id).order_by(col(UserRegion.region_code))
    return list(session.exec(q))


def _unit_region(session: Session, regions: list[str], units: list[str]) -> str:
    """The region the units are in: the one given, else the install's only region."""
    if regions:
        return regions[0]
    only = only_region(session=session)
    if only is None:
        raise InvalidInput("系统中有多个地区（或还没有导入目标表），指定单位时请同时指定地区（--region）")
    return only


def _set_places(session: Session, user: User, regions: list[str], units: list[str], actor: str | None) -> None:
    """Replace the user's regions and units; the change of places goes into the audit trail."""
    assert user.id is not None
    old = _places_text(_regions(session, user.id), _unit_keys(session, user.id))
    session.exec(delete(UserRegion).where(col(UserRegion.user_id) == user.id))
    session.exec(delete(UserUnit).where(col(UserUnit.user_id) == user.id))
    # Units carry their region; regions are stored only for a login limited to whole regions.
    region = _unit_region(session, regions, units) if units else ""
    for code in [] if units else regions:
        session.add(UserRegion(user_id=user.id, region_code=code))
    for code in units:
        session.add(UserUnit(user_id=user.id, region_code=region, dept_code=code))
    session.flush()
    new = _places_text(_regions(session, user.id), _unit_keys(session, user.id))
    record(session, actor=actor, action="user.places", entity="app_user", entity_id=user.id,
           field="places", old=old, new=new, note=f"用户 {user.username}")  # fmt: skip


def _places_text(regions: list[str], units: list[tuple[str, str]]) -> str:
    parts = [f"地区 {'、'.join(regions)}"] if regions else []
    if units:
        parts.append("单位 " + "、".join(f"{r}/{d}" for r, d in units))
    return "；".join(parts) or "全部地区"


def get_user(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(f"用户不存在：{username}")
    return user


def unknown_units(*, session: Session, units: Iterable[str]) -> list[str]:
    """Unit codes that no imported table mentions (allowed, since users may be created first)."""
    codes = sorted(set(units))
    known = set(session.exec(select(Dept.code).where(col(Dept.code).in_(codes)))) if codes else set()
    return [c for c in codes if c not in known]


def create_user(
    *,
    session: Session,
    username: str,
    password: str,
    role: str,
    units: Iterable[str] = (),
    regions: Iterable[str] = (),
    display_name: str = "",
    rules: AuthRules = AuthRules(),
    actor: str | None = None,
) -> UserView:
    """A new login; the username must be new, a department user needs at least one unit."""
    unit_list = sorted(set(units))
    region_list = sorted(set(regions))
    if not _USERNAME.match(username):
        raise InvalidInput("用户名须为2–100个字母、数字或 . _ @ -")
    _check_fields(role, unit_list, rules, password, region_list)
    if session.exec(select(User.id).where(User.username == username)).first() is not None:
        raise Conflict(f"用户名已存在：{username}")
    user = User(username=username, password_hash=hash_password(password), role=role, display_name=display_name)
    session.add(user)
    session.flush()
    assert user.id is not None
    _set_places(session, user, region_list, unit_list, actor)
    return _view(session, user)


def update_user(
    *,
    session: Session,
    username: str,
    role: str | None = None,
    units: Iterable[str] | None = None,
    active: bool | None = None,
    password: str | None = None,
    rules: AuthRules = AuthRules(),
    regions: Iterable[str] | None = None,
    actor: str | None = None,
) -> UserView:
    """Change a login's role, places, active flag or password; a change of rights ends its sessions."""
    user = get_user(session, username)
    assert user.id is not None
    new_role = role if role is not None else user.role
    new_units = sorted(set(units)) if units is not None else _units(session, user.id)
    old_regions = _regions(session, user.id)
    new_regions = sorted(set(regions)) if regions is not None else old_regions
    if units is not None and regions is None and units and not old_regions:
        new_regions = sorted({r for r, _ in _unit_keys(session, user.id)})[:1]
    _check_fields(new_role, new_units, rules, password, new_regions)
    if user.role == "admin" and (new_role != "admin" or active is False) and _last_active_admin(session, user):
        raise Conflict("至少要保留一个启用的管理员")
    places_changed = new_units != _units(session, user.id) or new_regions != old_regions
    rights_changed = new_role != user.role or places_changed or active is False
    user.role = new_role
    if active is not None:
        user.active = active
    if password is not None:
        user.password_hash = hash_password(password)
    if rights_changed or password is not None:
        user.token_version += 1
    if places_changed:
        _set_places(session, user, new_regions, new_units, actor)
    session.flush()
    return _view(session, user)


def _last_active_admin(session: Session, user: User) -> bool:
    others = select(func.count()).where(User.role == "admin", col(User.active), User.id != user.id)
    return session.exec(others).one() == 0


def _view(session: Session, user: User) -> UserView:
    assert user.id is not None
    return UserView(
        id=user.id,
        username=user.username,
        role=user.role,
        display_name=user.display_name,
        units=tuple(_units(session, user.id)),
        active=user.active,
        created_at=user.created_at,
        regions=tuple(_regions(session, user.id)),
        unit_keys=tuple(_unit_keys(session, user.id)),
    )


def list_users(*, session: Session) -> list[UserView]:
    """Every login, by username (the CLI's list; pages use `page_users`)."""
    return [_view(session, u) for u in session.exec(select(User).order_by(col(User.username)))]


def page_users(
    *, session: Session, search: str | None = None, limit: int = 100, offset: int = 0
) -> tuple[list[UserView], int]:
    """One page of logins by username, and how many match; `search` is part of a username or display name."""
    query = select(User)
    if search and (term := search.strip()):
        query = query.where(
            or_(
                col(User.username).contains(term, autoescape=True),
                col(User.display_name).contains(term, autoescape=True),
            )
        )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    users = session.exec(query.order_by(col(User.username)).offset(offset).limit(limit))
    return [_view(session, u) for u in users], int(total)


def ensure_admin(*, session: Session, password: str | None, rules: AuthRules = AuthRules()) -> str | None:
    """Make sure `admin` exists; with a password given it is (re)set to it. Returns a generated password."""
    user = session.exec(select(User).where(User.username == "admin")).first()
    if user is None:
        generated = None if password else generate_password()
        create_user(session=session, username="admin", password=password or str(generated), role="admin", rules=rules)
        return generated
    if password and not verify_password(user.password_hash, password):
        update_user(session=session, username="admin", password=password, active=True, rules=rules)
    return None
