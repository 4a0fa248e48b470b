"""The outbox as the API shows it: messages with delivery state, scoped by the caller's units."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from tracker.alerts.schemas import AlertPage
from tracker.alerts.service import list_alerts
from tracker.db import SessionDep
from tracker.deps import ScopeDep

router = APIRouter(tags=["alerts"])


@router.get("/alerts", response_model=AlertPage)
def get_alerts(
    session: SessionDep,
    scope: ScopeDep,
    state: Annotated[str | None, Query(pattern="^(queued|sending|sent|failed)$")] = None,
    dept_code: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> AlertPage:
    items, total = list_alerts(
        session=session, scope=scope, state=state, dept_code=dept_code, limit=limit, offset=offset
    )
    return AlertPage(items=items, total=total)
