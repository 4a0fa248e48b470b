"""The dashboard of a large selection, read from the variance snapshots: counts, totals, one page, in SQL.

A province has tens of thousands of projects; measuring them all for every page view is minutes of
work. The nightly `variance` job stores each project's figures for the day (snapshots.py); here a
page view first re-measures the projects whose data changed since their snapshot of that day (an
audit entry or a re-imported table after it, or no snapshot yet), then counts, sums, groups by
region and pages with SQL. A change that leaves no audit entry (rules.yaml) shows after the next
`tracker jobs run variance`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Table
from sqlmodel import Session, col, func, select

from tracker.bulk import chunks
from tracker.models import AuditEntry, Dept, Project, VarianceSnapshot
from tracker.monitoring.per_project import variances_of
from tracker.monitoring.selection import Selection, chosen, count
from tracker.monitoring.snapshots import snapshot_row
from tracker.rules import Rules
from tracker.shared.sql import upsert

SNAPSHOT: Table = VarianceSnapshot.__table__  # type: ignore[attr-defined]
PROJECT: Table = Project.__table__  # type: ignore[attr-defined]
DEPT: Table = Dept.__table__  # type: ignore[attr-defined]
S, P, D = SNAPSHOT.c, PROJECT.c, DEPT.c
_SEVERITY = sa.case({"red": 0, "yellow": 1, "green": 2}, value=S.overall_light, else_=3)
SORTS: dict[str, list[Any]] = {
    "no": [P.year, P.heading_no],
    "budget": [S.budget_fen],
    "actual_pct": [func.coalesce(S.actual_pct, -1)],
    "ratio": [func.coalesce(S.ratio, 10**9)],
    "light": [_SEVERITY, P.heading_no],
    "name": [P.name],
}


@dataclass(frozen=True, slots=True)
class BoardRow:
    """One dashboard line, the same whether it comes from a snapshot or a live measure."""

    id: int
    heading_no: int | None
    dept_code: str
    dept_name: str
    name: str
    incomplete: bool
    budget_fen: int
    planned_fen: int
    planned_pct: Decimal | None
    actual_fen: int
    actual_pct: Decimal | None
    time_progress_pct: Decimal | None
    ratio: Decimal | None
    spend_light: str | None
    early_warning: bool
    indicator_light: str | None
    reported: int
    indicator_total: int
    light: str | None


@dataclass(frozen=True, slots=True)
class RegionLine:
    region_code: str
    region_name: str
    projects: int
    red: int
    yellow: int
    budget_fen: int
    actual_fen: int


def _joined(sel: Selection, *columns: Any) -> Any:
    on = sa.and_(S.project_id == P.id, S.as_of == sel.day)
    return chosen(sel, sa.select(*columns).select_from(PROJECT.join(SNAPSHOT, on)))


def refresh(
    session: Session,
    sel: Selection,
    rules: Rules,
    *,
    held: int | None = None,
    oldest: datetime | None = None,
    selected: int | None = None,
) -> int:
    """Measure again the selected projects whose snapshot of the day is missing or older than their data.

    `held` and `oldest` (how many of the selection have a snapshot of the day, and the oldest one's
    time) may come from the caller's own `summary`, which counts them anyway, and `selected` from its
    `count`; else they are read here.
    """
    if held is None:
        held, oldest = session.execute(_joined(sel, func.count(), func.min(S.created_at))).one()
    latest_import = sa.select(func.max(P.updated_at)).scalar_subquery()
    marks = session.execute(sa.select(func.max(AuditEntry.at), latest_import)).one()
    changed = max((t for t in marks if t is not None), default=None)
    if held == (count(session, sel) if selected is None else selected) and (
        changed is None or (oldest is not None and oldest >= changed)
    ):
        return 0  # the common case: nothing changed since the night's run, two index reads
    touched = sa.select(func.max(AuditEntry.at)).where(col(AuditEntry.project_id) == P.id).scalar_subquery()
    on = sa.and_(S.project_id == P.id, S.as_of == sel.day)
    stale = chosen(
        sel,
        sa.select(P.id)
        .select_from(PROJECT.outerjoin(SNAPSHOT, on))
        .where(sa.or_(S.id.is_(None), S.created_at < P.updated_at, S.created_at < touched)),
    )
    ids = [int(i) for i in session.execute(stale.order_by(P.id)).scalars()]
    for part in chunks(ids, 2_000):
        for measured in variances_of(session=session, project_ids=part, as_of=sel.day, rules=rules):
            upsert(session, SNAPSHOT, [snapshot_row(v, sel.day) for v in measured], key=("project_id", "as_of"))
    return len(ids)


@dataclass(frozen=True, slots=True)
class Summary:
    counts: dict[str | None, int]  # per overall light, the whole selection
    shown: int  # after the light filter
    budget_fen: int
    planned_fen: int
    actual_fen: int
    regions: list[RegionLine]
    oldest: datetime | None = None  # the oldest snapshot of the selection (what `refresh` compares)


def summary(session: Session, sel: Selection, light: str | None) -> Summary:
    """Counts per light, totals and the region lines in one grouped statement."""
    from tracker.models import Region

    sums = (
        func.count(),
        func.sum(S.budget_fen),
        func.sum(S.planned_fen),
        func.sum(S.actual_fen),
        func.min(S.created_at),
    )
    query = _joined(sel, P.region_code, S.overall_light, *sums).group_by(P.region_code, S.overall_light)
    wanted = None if light == "none" else light
    counts: dict[str | None, int] = {}
    totals = [0, 0, 0, 0]
    regions: dict[str, list[int]] = {}
    oldest: datetime | None = None
    for region, lamp, n, budget, planned, actual, created in session.execute(query):
        counts[lamp] = counts.get(lamp, 0) + int(n)
        oldest = created if oldest is None or (created is not None and created < oldest) else oldest
        if light and lamp != wanted:
            continue
        for i, v in enumerate((n, budget, planned, actual)):
            totals[i] += int(v or 0)
        line = regions.setdefault(region or "", [0, 0, 0, 0, 0])
        line[0] += int(n)
        line[1] += int(n) if lamp == "red" else 0
        line[2] += int(n) if lamp == "yellow" else 0
        line[3] += int(budget or 0)
        line[4] += int(actual or 0)
    names = dict(session.exec(select(Region.code, Region.name).where(col(Region.code).in_(sorted(regions)))).all())
    lines = [RegionLine(code, names.get(code, ""), *values) for code, values in sorted(regions.items())]
    return Summary(counts, totals[0], totals[1], totals[2], totals[3], lines, oldest)


def _light(query: Any, light: str | None) -> Any:
    if not light:
        return query
    return query.where(S.overall_light.is_(None) if light == "none" else S.overall_light == light)


def page(
    session: Session, sel: Selection, *, light: str | None, sort: str, descending: bool, limit: int, offset: int
) -> list[BoardRow]:
    """One page of rows, sorted and filtered in the database."""
    keys = [k.desc() if descending else k for k in SORTS.get(sort, SORTS["no"])] + [P.id]
    names = sa.select(D.name).where(D.code == P.dept_code, D.region_code == P.region_code).scalar_subquery()
    query = _light(_joined(sel, P.id, P.heading_no, P.dept_code, names, P.name, P.incomplete, S), light)
    rows = session.execute(query.order_by(*keys).limit(limit).offset(offset)).all()
    return [
        BoardRow(id=r[0], heading_no=r[1], dept_code=r[2], dept_name=r[3] or "", name=r[4], incomplete=r[5],
                 budget_fen=r.budget_fen, planned_fen=r.planned_fen, planned_pct=r.planned_pct, actual_fen=r.actual_fen,
                 actual_pct=r.actual_pct, time_progress_pct=r.time_progress_pct, ratio=r.ratio, spend_light=r.light,
                 early_warning=r.early_warning, indicator_light=r.indicator_light, reported=r.indicators_reported,
                 indicator_total=r.indicators_total, light=r.overall_light)
        for r in rows
    ]  # fmt: skip


def units(session: Session, sel: Selection, limit: int = 500) -> list[tuple[str, str]]:
    """The units of the selection for the unit filter; none listed past `limit` (pick a region first)."""
    wide = Selection(sel.scope, sel.year, sel.day, region_code=sel.region_code)
    query = chosen(wide, sa.select(P.dept_code).select_from(PROJECT)).distinct().limit(limit + 1)
    codes = sorted(session.execute(query).scalars())
    if len(codes) > limit:
        return []
    names = dict(session.exec(select(Dept.code, Dept.name).where(col(Dept.code).in_(codes))).all()) if codes else {}
    return [(c, names.get(c, "")) for c in codes]
