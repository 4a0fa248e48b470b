"""Reported rows that supersede one another (indicator results, the 项目 sheet's reports), stated once.

A later report for the same key and date supersedes the current one, which stays as history
(is_current False); withdrawing a batch steps its current rows down and brings back, per key, the newest
earlier row of a live batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from tracker.models import IndicatorResult, ProjectReport, UploadBatch

Row = TypeVar("Row", IndicatorResult, ProjectReport)


class _Superseded(Protocol):
    is_current: bool


class _Change(Protocol):
    """A compared row: what it changes (empty: nothing) and the current stored row it replaces."""

    @property
    def fields(self) -> Sequence[object]: ...

    @property
    def old(self) -> _Superseded | None: ...


C = TypeVar("C", bound=_Change)


def store(session: Session, changes: list[C], build: Callable[[C], Row]) -> list[tuple[C, Row]]:
    """Write the changes that change something (`build` makes the new row); the old rows stay as history."""
    written = []
    for change in changes:
        if not change.fields:
            continue
        if change.old is not None:
            change.old.is_current = False
            session.add(change.old)
        new = build(change)
        session.add(new)
        written.append((change, new))
    session.flush()
    return written


def revert(session: Session, model: type[Row], batch_id: int, keys: Sequence[str]) -> list[tuple[Row, Row | None]]:
    """The batch's current rows step down; each one's newest earlier row of a live batch comes back.

    `keys` names the columns of a row's key and date. Two statements whatever the batch's size: the batch's
    current rows, then every earlier row of a live batch sharing a key with one of them. Answers
    (withdrawn, restored).
    """
    current = session.exec(
        select(model).where(col(model.batch_id) == batch_id, col(model.is_current) == True)  # noqa: E712
    ).all()
    if not current:
        return []
    cur = aliased(model)
    earlier = session.exec(
        select(model, col(cur.id))
        .join(cur, sa.and_(*(getattr(cur, k) == getattr(model, k) for k in keys), col(model.id) < col(cur.id)))
        .join(UploadBatch, col(UploadBatch.id) == col(model.batch_id))
        .where(
            col(cur.batch_id) == batch_id,
            col(cur.is_current) == True,  # noqa: E712
            UploadBatch.status == "applied",
            col(model.batch_id) != batch_id,
        )
    ).all()
    newest: dict[int, Row] = {}
    for row, replaced_id in earlier:
        step = replaced_id or 0  # stored rows always have an id
        if step not in newest or (row.id or 0) > (newest[step].id or 0):
            newest[step] = row
    out: list[tuple[Row, Row | None]] = []
    for row in current:
        row.is_current = False
        session.add(row)
        previous = newest.get(row.id or 0)
        if previous is not None:
            previous.is_current = True
            session.add(previous)
        out.append((row, previous))
    return out
