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

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col, func

from tracker.models import AuditEntry, Project, VarianceSnapshot

K = TypeVar("K")
V = TypeVar("V")
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


class Memo(Generic[K, V]):
    """A small least-recently-used map shared by the threads of one process."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
