"""Statements whose size does not grow with the install: membership tests with bounded parameters.

A driver allows at most 65,535 parameters per statement (PostgreSQL's wire protocol) and SQLite at most
32,766, so `column IN (:p1, …, :pN)` over every project of a province fails. On PostgreSQL a set of any
size travels as one array parameter (`= ANY(:ids)`); elsewhere the set is split into chunks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

T = TypeVar("T")
CHUNK = 5_000


def chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """Consecutive lists of at most `size` values."""
    part: list[T] = []
    for value in values:
        part.append(value)
        if len(part) == size:
            yield part
            part = []
    if part:
        yield part


def matching(session: Session, column: Any, values: Iterable[Any]) -> Iterator[sa.ColumnElement[bool]]:
    """Conditions that together select the rows whose `column` is in `values`, each with few parameters.

    Run the query once per condition and combine the answers; no condition is yielded for no values.
    """
    distinct = list(dict.fromkeys(values))
    if not distinct:
        return
    if session.get_bind().dialect.name == "postgresql":
        yield column == sa.any_(sa.bindparam(None, distinct, type_=ARRAY(column.type)))
        return
    for part in chunks(distinct):
        yield column.in_(part)
