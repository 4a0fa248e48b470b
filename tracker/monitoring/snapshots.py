"""Daily variance snapshots: what the nightly `variance` job saw, kept so the history can be charted."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import Table
from sqlmodel import Session, col, func, select

from tracker.access import visible_project
from tracker.core.lights import Light
from tracker.models import VarianceSnapshot
from tracker.models.base import utcnow
from tracker.monitoring.measured import ProjectVariance
from tracker.monitoring.service import iter_variances
from tracker.rules import Rules
from tracker.scope import Scope
from tracker.shared.sql import upsert

_LAGGING = (Light.YELLOW, Light.RED)


def snapshot_row(v: ProjectVariance, as_of: date) -> dict[str, Any]:
    """The stored form of one project's variance on `as_of`."""
    s = v.spend
    return {
        "project_id": v.project_id,
        "as_of": as_of,
        "budget_fen": s.budget_fen,
        "planned_fen": s.planned_fen,
        "actual_fen": s.actual_fen,
        "planned_pct": s.planned_pct,
        "actual_pct": s.actual_pct,
        "time_progress_pct": s.time_progress_pct,
        "ratio": s.ratio,
        "checkpoint_month": s.last_checkpoint.month if s.last_checkpoint else None,
        "checkpoint_ratio": s.checkpoint_ratio,
        "light": s.light.value if s.light else None,
        "indicator_light": v.indicator_light.value if v.indicator_light else None,
        "overall_light": v.overall_light.value if v.overall_light else None,
        "indicators_reported": sum(1 for i in v.indicators if i.progress.light is not None),
        "indicators_lagging": sum(1 for i in v.indicators if i.progress.light in _LAGGING),
        "indicators_total": len(v.indicators),
        "early_warning": s.early_warning,
        "forecast_year_end_fen": s.forecast_year_end_fen,
        "created_at": utcnow(),
    }


def take_snapshots(*, session: Session, as_of: date, rules: Rules) -> dict[str, int]:
    """Store every project's figures of `as_of`'s year for that day; running it again replaces the day."""
    table: Table = VarianceSnapshot.__table__  # type: ignore[attr-defined]
    lights: Counter[str] = Counter()
    projects = early = 0
    for measured in iter_variances(
        session=session, scope=Scope.everything(), year=as_of.year, as_of=as_of, rules=rules
    ):
        if measured:
            upsert(session, table, [snapshot_row(v, as_of) for v in measured], key=("project_id", "as_of"))
        lights.update(v.spend.light.value if v.spend.light else "none" for v in measured)
        projects += len(measured)
        early += sum(1 for v in measured if v.spend.early_warning)
    return {
        "projects": projects,
        "green": lights["green"],
        "yellow": lights["yellow"],
        "red": lights["red"],
        "no_checkpoint_yet": lights["none"],
        "early_warning": early,
    }


def snapshot_history(
    *, session: Session, scope: Scope, project_id: int, limit: int = 100, offset: int = 0
) -> tuple[list[VarianceSnapshot], int]:
    """A project's stored snapshots, newest first, with their count."""
    visible_project(session=session, scope=scope, project_id=project_id)
    query = select(VarianceSnapshot).where(VarianceSnapshot.project_id == project_id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(VarianceSnapshot.as_of).desc()).offset(offset).limit(limit)).all()
    return list(rows), int(total)
