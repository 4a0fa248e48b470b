"""Liveness and readiness: `/health` (the process answers) and `/ready` (the database is there and current)."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from tracker.db import get_engine
from tracker.migrate import alembic_config

router = APIRouter(tags=["health"])


@router.get("/health")
def health() -> dict[str, str]:
    """The process is up; says nothing about the database (a container restart would not help it)."""
    return {"status": "ok"}


@router.get("/ready", responses={503: {"description": "数据库不可达或表结构不是最新"}})
def ready() -> JSONResponse:
    """Ready for traffic: the database answers and its schema is at the newest migration."""
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(conn).get_current_heads())
    except SQLAlchemyError as exc:
        reason = str(exc.orig if hasattr(exc, "orig") else exc).strip().splitlines()[0][:200]
        return JSONResponse({"error": "NotReady", "detail": f"数据库不可达：{reason}"}, status_code=503)
    if current != heads:
        detail = f"表结构不是最新（数据库 {sorted(current) or '空'}，代码 {sorted(heads)}），请运行 tracker db upgrade"
        return JSONResponse({"error": "NotReady", "detail": detail}, status_code=503)
    return JSONResponse({"status": "ready", "migration": ",".join(sorted(heads))})
