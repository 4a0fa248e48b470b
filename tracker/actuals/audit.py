"""The audit trail: who, when, which batch, old → new, for values that actually changed."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, func, select

from tracker.access import visible_batch, visible_project, visible_submission
from tracker.actuals.schemas import AuditOut
from tracker.bulk import insert_rows
from tracker.errors import InvalidInput
from tracker.models import AuditEntry
from tracker.models.base import utcnow
from tracker.scope import Scope


def record(
    session: Session,
    *,
    actor: str | None,
    action: str,
    entity: str,
    entity_id: int | None = None,
    batch_id: int | None = None,
    project_id: int | None = None,
    field: str = "",
    old: str | None = None,
    new: str | None = None,
    note: str = "",
) -> None:
    """Add one entry in the caller's transaction; a value that did not change is not recorded."""
    if field and old == new:
        return
    session.add(
        AuditEntry(
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            batch_id=batch_id,
            project_id=project_id,
            field=field,
            old=old,
            new=new,
            note=note,
        )
    )


def record_many(session: Session, entries: list[dict[str, Any]]) -> None:
    """Add many entries (keyword arguments of `record`) as one bulk INSERT; unchanged values are left out."""
    at = utcnow()
    rows = [
        {"at": at, "entity_id": None, "batch_id": None, "project_id": None, "field": "", "old": None, "new": None,
         "note": ""} | e
        for e in entries
        if not (e.get("field") and e.get("old") == e.get("new"))
    ]  # fmt: skip
    # plain rows, not the ORM's bulk insert: COPY on PostgreSQL, one prepared executemany elsewhere
    insert_rows(session, AuditEntry.__table__, rows)  # type: ignore[attr-defined]


def audit_out(e: AuditEntry) -> AuditOut:
    assert e.id is not None
    return AuditOut(
        id=e.id,
        at=e.at,
        actor=e.actor,
        action=e.action,
        batch_id=e.batch_id,
        project_id=e.project_id,
        entity=e.entity,
        entity_id=e.entity_id,
        field=e.field,
        old=e.old,
        new=e.new,
        note=e.note,
    )


def list_audit(
    *,
    session: Session,
    scope: Scope,
    project_id: int | None = None,
    batch_id: int | None = None,
    submission_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[AuditOut], int]:
    """Entries of a project, a batch or a quarter, newest first; a unit sees only its own."""
    query = select(AuditEntry)
    if project_id is not None:
        visible_project(session=session, scope=scope, project_id=project_id)
        query = query.where(AuditEntry.project_id == project_id)
    if batch_id is not None:
        visible_batch(session=session, scope=scope, batch_id=batch_id)
        query = query.where(AuditEntry.batch_id == batch_id)
    if submission_id is not None:
        visible_submission(session=session, scope=scope, submission_id=submission_id)
        query = query.where(AuditEntry.entity == "submission", AuditEntry.entity_id == submission_id)
    if project_id is None and batch_id is None and submission_id is None and scope.limited:
        raise InvalidInput("请指定项目、批次或季度报送")
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc()).offset(offset).limit(limit)
    )
    return [audit_out(e) for e in rows], int(total)


def audit_history(
    *, session: Session, scope: Scope, project_id: int, limit: int = 100, offset: int = 0
) -> tuple[list[AuditOut], int]:
    """A project's audit trail, newest first (another unit's project answers NotFound)."""
    return list_audit(session=session, scope=scope, project_id=project_id, limit=limit, offset=offset)
