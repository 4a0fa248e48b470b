"""People: logins with a role, the units a department user may see, and sign-in attempts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.models.base import parent_column, timestamp_column, utcnow

ROLES = ("admin", "department", "viewer")


class User(SQLModel, table=True):
    """A login. `role`: admin (finance bureau), department (its units) or viewer (read only)."""

    __tablename__ = "app_user"  # "user" is a reserved word in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100, unique=True)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=20)
    display_name: str = Field(default="", max_length=100)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))
    token_version: int = 0  # raised when the password changes or the login is disabled: old tokens stop working


class UserRegion(SQLModel, table=True):
    """One region (行政区划) a user is limited to: a county admin or viewer; none means province-wide.

    No foreign key to `region`: a county's users may be set up before its first table is imported.
    """

    __tablename__ = "user_region"
    __table_args__ = (UniqueConstraint("user_id", "region_code", name="uq_user_region_user_region"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=parent_column("app_user.id"))
    region_code: str = Field(max_length=12, index=True)


class UserUnit(SQLModel, table=True):
    """One unit (region, unit code) a user is limited to; a department user may have several."""

    __tablename__ = "user_unit"
    __table_args__ = (UniqueConstraint("user_id", "region_code", "dept_code", name="uq_user_unit_user_region_dept"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=parent_column("app_user.id"))
    region_code: str = Field(max_length=12)
    dept_code: str = Field(max_length=20, index=True)


class LoginAttempt(SQLModel, table=True):
    """One sign-in attempt; recent failures per username and address slow down password guessing."""

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100, index=True)
    ip: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False, index=True))
    ok: bool = False
