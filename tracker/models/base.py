"""Shared column helpers and the naming convention Alembic relies on."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Integer, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def money_column(**kwargs: Any) -> Any:
    """Integer fen (分), 64-bit: a county's year fits many times over."""
    return Column(BigInteger, **kwargs)


def decimal_column(precision: int = 20, scale: int = 6, **kwargs: Any) -> Any:
    return Column(Numeric(precision, scale, asdecimal=True), **kwargs)


class UtcDateTime(TypeDecorator[datetime]):
    """A UTC timestamp, read back with its zone on every database (SQLite hands back naive values, and the
    API would then answer `2024-03-05T08:00:00`, which is not the RFC 3339 date-time its document states)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def timestamp_column(**kwargs: Any) -> Any:
    return Column(UtcDateTime(), **kwargs)


def parent_column(target: str, *, nullable: bool = False) -> Any:
    """A foreign key to a parent row that its children are deleted with."""
    return Column(Integer, ForeignKey(target, ondelete="CASCADE"), nullable=nullable, index=True)
