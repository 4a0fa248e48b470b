"""Who a valid sign-in is: the user, their units and their regions read in one statement.

Every API call and page view asks this (tracker/deps.py), so it is one round trip instead of three:
the user's row with each of their units (outer join: a user without units still has one row), and
the user's row with each of their regions, as one UNION ALL.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from tracker.auth.principal import Principal, principal_for
from tracker.models import User, UserRegion, UserUnit

_U = User.__table__.c  # type: ignore[attr-defined]
_UNIT = UserUnit.__table__  # type: ignore[attr-defined]
_REGION = UserRegion.__table__  # type: ignore[attr-defined]
_TEXT = sa.String()


def _rows(username: str) -> sa.CompoundSelect[Any]:
    head = (_U.role, _U.active, _U.token_version)
    units = (
        sa.select(*head, sa.literal("unit", _TEXT).label("kind"), _UNIT.c.region_code, _UNIT.c.dept_code)
        .select_from(User.__table__.outerjoin(_UNIT, _UNIT.c.user_id == _U.id))  # type: ignore[attr-defined]
        .where(_U.username == username)
    )
    regions = (
        sa.select(*head, sa.literal("region", _TEXT), _REGION.c.region_code, sa.cast(sa.null(), _TEXT))
        .select_from(User.__table__.join(_REGION, _REGION.c.user_id == _U.id))  # type: ignore[attr-defined]
        .where(_U.username == username)
    )
    return sa.union_all(units, regions)


def load_principal(*, session: Session, username: str, token_version: int) -> Principal | None:
    """The principal of an active user whose sign-in is still valid (same token version), else None."""
    rows = session.execute(_rows(username)).all()
    if not rows:
        return None
    role, active, version = rows[0][:3]
    if not active or version != token_version:
        return None
    units = frozenset((r, d) for *_, kind, r, d in rows if kind == "unit" and d is not None)
    regions = frozenset(r for *_, kind, r, _d in rows if kind == "region")
    return principal_for(username=username, role=role, units=units, regions=regions)
