"""What the dashboard of a large selection sums up, kept in each web process while the data behind it is unchanged.

The counts, totals, region lines and unit list of a selection are aggregates over every project of it
(a province: tens of thousands of snapshot rows); one page of rows is not. Web workers are stateless
and several, so whether a kept summary still holds is asked of the database on every view: its `Stamp`
is the newest snapshot of the day, the newest audit entry and the newest imported project (three index
reads). Every change a summary depends on moves one of them: the `variance` job and a view's own
re-measuring write snapshots (created now), payments, results, budget changes and corrections leave an
audit entry, an import stamps its projects; projects are never deleted. A stamp that moved is a miss,
and the summary is computed again (board.py) and kept under the new stamp.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, func

from tracker.models import AuditEntry, Project, VarianceSnapshot

_S = VarianceSnapshot.__table__.c  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Stamp:
    snapshots: datetime | None  # the newest snapshot of the day
    audit: datetime | None  # the newest audit entry
    imported: datetime | None  # the newest project import or update


def stamp(session: Session, as_of: date) -> Stamp:
    """The database's state as far as a summary of `as_of` is concerned: one statement, three index reads."""
    newest = sa.select(func.max(_S.created_at)).where(_S.as_of == as_of).scalar_subquery()
    audit = sa.select(func.max(col(AuditEntry.at))).scalar_subquery()
    imported = sa.select(func.max(col(Project.updated_at))).scalar_subquery()
    return Stamp(*session.execute(sa.select(newest, audit, imported)).one())
