"""重点监控 (DOMAIN.md §3): projects big enough and far enough behind at a tier's month go on the key list.

A tier is (month, minimum budget, execution rate below which the project is listed). Tiers come from
config/rules.yaml `key_monitoring.tiers`, the province's, or a region's or a year's own under `regions` and
`years` (tracker/rules/model.py; the earlier `key_monitoring.regions` form is read into those). The
listing is stored once per project and tier (a unique key), on the tier's date, measured with the
monitoring service's own variance.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Table
from sqlmodel import Session, col, select

from tracker.core.money import parse_wan, wan_str
from tracker.core.plan import checkpoint_date
from tracker.models import KeyListing, Project
from tracker.models.base import utcnow
from tracker.monitoring.per_project import checkpoint_variances
from tracker.rules import Rules
from tracker.scope import Scope
from tracker.shared.sql import insert_new
from tracker.targets.loading import load_core

KEY = ("project_id", "tier")
_ORDER = (col(KeyListing.on_date), col(KeyListing.budget_fen).desc(), col(KeyListing.id))


@dataclass(frozen=True, slots=True)
class Tier:
    month: int
    min_budget_fen: int
    below_pct: Decimal  # execution rate in percent points: listed when the rate is below it

    @property
    def name(self) -> str:
        return f"{self.month}月底·预算≥{wan_str(self.min_budget_fen)}万元·执行率<{self.below_pct.normalize():f}%"


DEFAULT_TIERS = (Tier(8, 200 * 1_000_000, Decimal(60)), Tier(9, 500 * 1_000_000, Decimal(60)))


def key_tiers(rules: Rules, *, region_code: str | None, year: int) -> tuple[Tier, ...]:
    """The tiers in force for a region and year (`rules.for_place`), else the code's default tiers."""
    tiers = rules.for_place(region_code, year).key_monitoring.tiers
    if tiers is None:
        return DEFAULT_TIERS
    return tuple(Tier(t.month, parse_wan(str(t.min_budget_wan)), t.below_rate * 100) for t in tiers)


def list_key_projects(*, session: Session, as_of: date, rules: Rules) -> list[KeyListing]:
    """Put on the key list every project a tier catches at its date (the date must have ended); answer the new ones."""
    ended = as_of - timedelta(days=1)
    pairs = [
        pair
        for year in (as_of.year - 1, as_of.year)
        for pair in load_core(session=session, scope=Scope.everything(), year=year)
    ]
    due: dict[date, list[tuple[int, Tier]]] = defaultdict(list)
    tiers_of: dict[tuple[str, int], tuple[Tier, ...]] = {}  # a place's tiers parsed once, not per project
    for p, _ in pairs:
        place = (p.region_code, p.year)
        if place not in tiers_of:
            tiers_of[place] = key_tiers(rules, region_code=p.region_code, year=p.year)
        for tier in tiers_of[place]:
            day = checkpoint_date(p.year, tier.month)
            if day <= ended and p.id is not None:
                due[day].append((p.id, tier))
    projects = {p.id: p for p, _ in pairs}
    rows: list[dict[str, Any]] = []
    for day, entries in sorted(due.items()):
        measured = checkpoint_variances(
            session=session, pairs=pairs, days={pid: day for pid, _ in entries}, rules=rules
        )
        for pid, tier in entries:
            v = measured[pid]
            if v.budget_fen < tier.min_budget_fen or v.actual_pct is None or v.actual_pct >= tier.below_pct:
                continue
            p = projects[pid]
            rows.append(
                {
                    "project_id": pid,
                    "year": p.year,
                    "dept_code": p.dept_code,
                    "region_code": p.region_code,
                    "tier": tier.name,
                    "on_date": day,
                    "budget_fen": v.budget_fen,
                    "actual_fen": v.actual_fen,
                    "rate": v.actual_pct,
                    "created_at": utcnow(),
                }
            )
    if not rows:
        return []
    table: Table = KeyListing.__table__  # type: ignore[attr-defined]
    new_ids = [r[0] for r in insert_new(session, table, rows, key=KEY, returning=("id",))]
    if not new_ids:
        return []
    return list(session.exec(select(KeyListing).where(col(KeyListing.id).in_(new_ids)).order_by(col(KeyListing.id))))


def key_listings(
    *, session: Session, scope: Scope, year: int | None = None, as_of: date | None = None
) -> list[tuple[KeyListing, Project]]:
    """The key list the scope may see (listed on or before `as_of`), biggest budget first."""
    query = _filtered(select(KeyListing, Project).join(Project, col(Project.id) == KeyListing.project_id),
                      scope, year, as_of)  # fmt: skip
    return [(k, p) for k, p in session.exec(query.order_by(*_ORDER))]


@dataclass(frozen=True, slots=True)
class KeyLine:
    """One line of the dashboard's key list: only what it shows."""

    project_id: int
    project_name: str
    tier: str
    dept_code: str
    budget_fen: int
    actual_fen: int
    rate: Decimal


def key_lines(*, session: Session, scope: Scope, year: int, as_of: date, limit: int) -> list[KeyLine]:
    """The first `limit` lines of `key_listings`, read as plain rows in SQL (the dashboard shows no more)."""
    columns = (col(KeyListing.project_id), col(Project.name), col(KeyListing.tier), col(KeyListing.dept_code),
               col(KeyListing.budget_fen), col(KeyListing.actual_fen), col(KeyListing.rate))  # fmt: skip
    query = sa.select(*columns).join(Project, col(Project.id) == KeyListing.project_id)
    query = _filtered(query, scope, year, as_of)
    return [KeyLine(*row) for row in session.execute(query.order_by(*_ORDER).limit(limit))]


def _filtered(query: Any, scope: Scope, year: int | None, as_of: date | None) -> Any:
    query = scope.filter(query, KeyListing.region_code, KeyListing.dept_code)
    if year is not None:
        query = query.where(KeyListing.year == year)
    if as_of is not None:
        query = query.where(col(KeyListing.on_date) <= as_of)
    return query
