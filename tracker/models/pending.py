"""A checked file waiting for its "确认导入", kept in the database so that any web worker can confirm it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

from tracker.models.base import timestamp_column, utcnow


class PendingFile(SQLModel, table=True):
    """The bytes of a dry-run file, named by a random token, for one user, until it expires."""

    __tablename__ = "pending_file"

    token: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=20)  # "targets" or "actuals": what the confirm will do with it
    username: str = Field(max_length=100)
    filename: str = Field(max_length=500)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp_column(nullable=False))
    expires_at: datetime = Field(sa_column=timestamp_column(nullable=False, index=True))
