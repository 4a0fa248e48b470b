"""Sign-in credentials: check a password with rate limiting, change one's own, end every sign-in of a user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session, col, delete, func, select

from tracker.auth.passwords import verify_password, waste_time_like_a_check
from tracker.auth.principal import Principal
from tracker.auth.rules import AuthRules
from tracker.auth.service import get_user, update_user
from tracker.auth.signed_in import load_principal
from tracker.errors import InvalidInput
from tracker.models import LoginAttempt, User, utcnow


@dataclass(frozen=True, slots=True)
class LoginResult:
    """A principal on success; `locked` when too many recent failures stop this attempt being checked."""

    principal: Principal | None
    locked: bool = False
    token_version: int = 0


def revoke_sign_ins(*, session: Session, username: str) -> None:
    """Sign-out: every cookie and token issued to the user stops working, copies of them included.

    The cookie is signed, not stored, so the only server-side way to end it is the user's token version.
    """
    user = session.exec(select(User).where(User.username == username)).first()
    if user is not None:
        user.token_version += 1
        session.add(user)


def token_version(*, session: Session, username: str) -> int:
    return get_user(session, username).token_version


def authenticate(
    *, session: Session, username: str, password: str, ip: str, rules: AuthRules, now: datetime | None = None
) -> LoginResult:
    """Check a password unless this username and address failed too often lately; record the attempt."""
    now = now or utcnow()
    since = now - rules.window
    _one_check_at_a_time(session, username)
    session.exec(delete(LoginAttempt).where(col(LoginAttempt.at) < now - max(rules.window * 4, rules.window)))
    recent = select(func.count()).where(
        LoginAttempt.username == username, ~col(LoginAttempt.ok), LoginAttempt.at >= since
    )
    from_here = session.exec(recent.where(LoginAttempt.ip == ip)).one()
    if from_here >= rules.max_failures or session.exec(recent).one() >= rules.max_failures_per_user:
        return LoginResult(principal=None, locked=True)
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        waste_time_like_a_check(password)
        ok = False
    else:
        ok = verify_password(user.password_hash, password) and user.active
    session.add(LoginAttempt(username=username[:100], ip=ip[:64], at=now, ok=ok))
    if ok and user is not None:
        # a success wipes the slate for this username and address
        session.exec(
            delete(LoginAttempt).where(
                col(LoginAttempt.username) == username, col(LoginAttempt.ip) == ip, ~col(LoginAttempt.ok)
            )
        )
        principal = load_principal(session=session, username=username, token_version=user.token_version)
        return LoginResult(principal=principal, token_version=user.token_version)
    session.flush()
    return LoginResult(principal=None)


def _one_check_at_a_time(session: Session, username: str) -> None:
    """Serialise the attempts on one username until the request commits, so that the count is exact.

    Without it, 40 concurrent wrong passwords all read "fewer than 5 failures" and are all checked.
    PostgreSQL: a transaction-level advisory lock per username. SQLite: the database's write lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"login:{username}"})
    else:
        session.execute(text("UPDATE login_attempt SET id = id WHERE 1 = 0"))


def change_own_password(
    *, session: Session, username: str, current: str, new: str, rules: AuthRules = AuthRules()
) -> int:
    """A user changes their own password after giving the current one; answers the new token version.

    Every other session and token of the user ends (the version goes up); the caller signs the
    current page session in again with the answered version.
    """
    user = get_user(session, username)
    if not verify_password(user.password_hash, current):
        raise InvalidInput("当前密码不正确")
    if new == current:
        raise InvalidInput("新密码不能与当前密码相同")
    update_user(session=session, username=username, password=new, rules=rules)
    return token_version(session=session, username=username)
