"""The list API's answers, kept in each web process while the data behind them is unchanged (issue 14).

`GET /api/v1/projects` reads a page of projects with their plans, objectives, indicators and budget
changes, and encodes half a megabyte: most of the request. The encoded page is kept under a key of
everything that decides it: the caller's scope, every query parameter, today's date (the effective
budget is the one in force today) and a `ListStamp` of the database read on every request. Every write
the page depends on moves the stamp: only an import writes projects, plans, objectives, indicators and
the names of regions and units, and each one records itself (import_record, in the same transaction);
an indicator correction and a budget change leave an audit entry. Workers stay stateless: a moved stamp
is a miss and the page is read again; the memo (`tracker/shared/memo.py`) bounds bytes and age.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, func

from tracker.models import AuditEntry, ImportRecord
from tracker.shared.memo import MAX_AGE, Memo

MAX_BYTES = 8 * 1024 * 1024  # all kept pages of one process together
MAX_ENTRY = 2 * 1024 * 1024  # a larger page (limit=1000) is answered but not kept


@dataclass(frozen=True, slots=True)
class ListStamp:
    audit: datetime | None  # the newest audit entry: corrections, budget changes
    imports: int | None  # the newest import record: projects, plans, indicators, names of regions and units


def list_stamp(session: Session) -> ListStamp:
    """The database's state as far as the project list is concerned: one statement, two index reads."""
    audit = sa.select(func.max(col(AuditEntry.at))).scalar_subquery()
    imports = sa.select(func.max(col(ImportRecord.id))).scalar_subquery()
    return ListStamp(*session.execute(sa.select(audit, imports)).one())


PAGES: Memo[Hashable, bytes] = Memo(weigh=len, max_weight=MAX_BYTES, max_entry=MAX_ENTRY, max_age=MAX_AGE)


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
