"""Reported rows that supersede one another (indicator results, the 项目 sheet's reports), stated once.

A later report for the same key and date supersedes the current one, which stays as history
(is_current False); withdrawing a batch steps its current rows down and brings back, per key, the newest
earlier row of a live batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

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


def revert(
    session: Session, model: type[Row], batch_id: int, same: Callable[[Row], Sequence[Any]]
) -> list[tuple[Row, Row | None]]:
    """The batch's current rows step down; each one's newest earlier row of a live batch comes back.

    `same(row)` gives the conditions naming the rows of the same key and date. Answers (withdrawn, restored).
    """
    out: list[tuple[Row, Row | None]] = []
    current = select(model).where(col(model.batch_id) == batch_id, col(model.is_current) == True)  # noqa: E712
    for row in session.exec(current).all():
        row.is_current = False
        session.add(row)
        previous = session.exec(
            select(model)
            .join(UploadBatch, col(UploadBatch.id) == col(model.batch_id))
            .where(
                *same(row),
                col(model.id) < (row.id or 0),
                UploadBatch.status == "applied",
                col(model.batch_id) != batch_id,
            )
            .order_by(col(model.id).desc())
        ).first()
        if previous is not None:
            previous.is_current = True
            session.add(previous)
        out.append((row, previous))
    return out
