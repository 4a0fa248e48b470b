"""Engine and sessions. One transaction per request, command or job: services never commit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, SQLAlchemyError
from sqlmodel import Session, create_engine

from tracker.config import get_settings
from tracker.errors import Conflict, DomainError, InvalidInput, Unavailable


def make_engine(url: str) -> Engine:
    """An engine for SQLite (foreign keys on, WAL) or PostgreSQL (psycopg 3)."""
    settings = get_settings()
    # PostgreSQL: each web worker keeps pool_size connections open and may open max_overflow more
    # under a burst; size them so that workers × (pool + overflow) stays under max_connections.
    kwargs: dict[str, Any] = {
        "pool_pre_ping": True,
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout,
        "pool_recycle": settings.db_pool_recycle,
    }
    if url.startswith("sqlite"):
        # a writer waits for the one before it (a small upload behind a large one) instead of failing;
        # past the wait it is a 503 with a message (database_problem), never a bare 500
        busy = get_settings().sqlite_busy_seconds
        kwargs = {"connect_args": {"check_same_thread": False, "timeout": busy}}
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        # pysqlite opens its transaction lazily, just before the first write, so that readers never
        # hold a snapshot that a lock upgrade would have to break. The price: a SAVEPOINT that opens
        # a transaction commits on RELEASE. Do not use begin_nested(); roll back the whole request.
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

    return engine


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().db_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits once at the end, or rolls back on any error."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def get_session() -> Iterator[Session]:
    """FastAPI dependency: one transaction per request, committed before the answer is sent."""
    with session_scope() as session:
        yield session


def database_problem(exc: SQLAlchemyError) -> DomainError:
    """What a client is told when the database refuses the request's work (nothing of it was kept)."""
    if isinstance(exc, OperationalError):
        if "locked" in str(exc.orig).lower():
            return Unavailable("数据库正忙（另一项写入尚未完成），本次操作未保存，请稍后重试")
        return Unavailable("数据库暂时不可用，本次操作未保存，请稍后重试")
    if isinstance(exc, IntegrityError):
        return Conflict("数据与已有记录冲突（可能是同时提交了同样的内容），本次操作未保存，请刷新后重试")
    if isinstance(exc, DataError):
        return InvalidInput("数值或文字超出数据库可保存的范围，本次操作未保存")
    return Unavailable("数据库出错，本次操作未保存，请稍后重试")
