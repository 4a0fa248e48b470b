"""The list API's answers, kept in each web process while the data behind them is unchanged (issue 14).

`GET /api/v1/projects` reads a page of projects with their plans, objectives, indicators and budget
changes, and encodes half a megabyte: most of the request. The encoded page is kept under a key of
everything that decides it: the caller's scope, every query parameter, today's date (the effective
budget is the one in force today) and a `ListStamp` of the database read on every request. Every write
the page depends on moves the stamp: only an import writes projects, plans, objectives, indicators and
the names of regions and units, and each one records itself (import_record, in the same transaction);
an indicator correction and a budget change leave an audit entry. Workers stay stateless: a moved stamp
is a miss and the page is read again; an entry older than MAX_AGE is never used, which bounds what a
write committed out of its timestamps' order (read committed) could leave unseen.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, func

from tracker.models import AuditEntry, ImportRecord

MAX_BYTES = 8 * 1024 * 1024  # all kept pages of one process together
MAX_ENTRY = 2 * 1024 * 1024  # a larger page (limit=1000) is answered but not kept
MAX_AGE = 60.0  # seconds


@dataclass(frozen=True, slots=True)
class ListStamp:
    audit: datetime | None  # the newest audit entry: corrections, budget changes
    imports: int | None  # the newest import record: projects, plans, indicators, names of regions and units


def list_stamp(session: Session) -> ListStamp:
    """The database's state as far as the project list is concerned: one statement, two index reads."""
    audit = sa.select(func.max(col(AuditEntry.at))).scalar_subquery()
    imports = sa.select(func.max(col(ImportRecord.id))).scalar_subquery()
    return ListStamp(*session.execute(sa.select(audit, imports)).one())


class ByteMemo:
    """Least-recently-used encoded answers shared by the threads of one process, bounded in bytes and age."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_entry: int = MAX_ENTRY, max_age: float = MAX_AGE) -> None:
        self._max_bytes, self._max_entry, self._max_age = max_bytes, max_entry, max_age
        self._items: OrderedDict[Hashable, tuple[float, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        """The bytes kept now."""
        return self._bytes

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            kept = self._items.get(key)
            if kept is None:
                return None
            if time.monotonic() - kept[0] > self._max_age:
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return kept[1]

    def put(self, key: Hashable, value: bytes) -> None:
        if len(value) > self._max_entry:
            return
        with self._lock:
            if key in self._items:
                self._drop(key)
            self._items[key] = (time.monotonic(), value)
            self._bytes += len(value)
            while self._bytes > self._max_bytes:
                self._drop(next(iter(self._items)))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def _drop(self, key: Hashable) -> None:
        self._bytes -= len(self._items.pop(key)[1])


PAGES = ByteMemo()


def kept_page(session: Session, key: Hashable, on: date, build: Callable[[], bytes]) -> bytes:
    """The page of `key` (scope and query) as of today: kept while the stamp holds, else built and kept.

    The stamp is read before the page: a write landing in between makes the kept page newer than its
    stamp, never older, and the next request misses on the moved stamp.
    """
    full = (list_stamp(session), on, key)
    page = PAGES.get(full)
    if page is None:
        page = build()
        PAGES.put(full, page)
    return page
