"""`GET /api/v1/projects/{id}/budget` and `POST …/budget/changes`: budget versions (DOMAIN.md §3)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from sqlmodel import Session

from tracker.budget import service
from tracker.budget.schemas import BudgetOut, ChangeIn, budget_out
from tracker.clock import today
from tracker.deps import PrincipalDep, SessionDep
from tracker.errors import NotFound
from tracker.models import Project
from tracker.scope import Scope

router = APIRouter(tags=["budget"])


def _visible(session: Session, scope: Scope, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None or not scope.sees(project):
        raise NotFound(f"项目{project_id}不存在")
    return project


def _out(session: Session, project: Project, as_of: date | None) -> BudgetOut:
    assert project.id is not None
    rows = service.change_rows(session=session, project_ids=[project.id]).get(project.id, [])
    return budget_out(project, service.budget_of(project, rows), rows, as_of or today())


@router.get("/projects/{project_id}/budget", response_model=BudgetOut)
def get_budget(project_id: int, session: SessionDep, principal: PrincipalDep, as_of: date | None = None) -> BudgetOut:
    """年初, the effective budget on `as_of` (default today) and at year end, and every change."""
    return _out(session, _visible(session, principal.scope, project_id), as_of)


@router.post("/projects/{project_id}/budget/changes", response_model=BudgetOut, status_code=201)
def post_change(project_id: int, body: ChangeIn, session: SessionDep, principal: PrincipalDep) -> BudgetOut:
    """Record an adjustment, transfer or carry-over (the finance bureau only); answers the budget after it."""
    project = _visible(session, principal.scope, project_id)
    principal.require_admin()
    kind, amount, source = service.parse_change(kind=body.kind, amount_wan=body.amount_wan, source=body.source)
    service.record_budget_change(
        session=session,
        project_id=project_id,
        kind=kind,
        amount_fen=amount,
        on=body.on,
        doc=body.doc,
        reason=body.reason,
        source=source,
        by=principal.username,
    )
    session.flush()
    return _out(session, project, body.on)
