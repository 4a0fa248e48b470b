"""`GET /api/v1/projects`: one page of projects as JSON bytes, built from table rows (issue 14).

The list is the API's busiest answer (a hundred projects, about a thousand indicators, half a megabyte),
so it reads only the columns it answers with, in the JSON's key order, one statement per table, and
encodes with orjson. The values are `ProjectOut`'s JSON value for value and key for key
(tests/targets/test_list_json.py pins the two, bytes included); one project, `tracker targets show`
and the pages keep `service.project_out`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import Table
from sqlalchemy.types import NullType
from sqlmodel import Session, col

from tracker.budget.service import load_budgets_by_id
from tracker.core.money import wan_str
from tracker.models import BudgetChange, Dept, Project, Region
from tracker.scope import Scope
from tracker.targets.loading import INDICATOR, OBJECTIVE, ORDER, PLAN, usable_checkpoint, where
from tracker.targets.schemas import INDICATOR_KEYS, json_number
from tracker.targets.service import clamped, today

log = logging.getLogger(__name__)
PROJECT: Table = Project.__table__  # type: ignore[attr-defined]
P = PROJECT.c
_REGION_NAME = sa.select(col(Region.name)).where(col(Region.code) == P.region_code).scalar_subquery()
_DEPT_NAME = (
    sa.select(col(Dept.name))
    .where(col(Dept.region_code) == P.region_code, col(Dept.code) == P.dept_code)
    .scalar_subquery()
)
_HEAD = (P.id, P.year, P.region_code, _REGION_NAME, P.dept_code, _DEPT_NAME, P.code, P.name, P.budget_fen,
         P.fiscal_fen, P.other_fen, P.purpose, P.incomplete)  # fmt: skip
# The indicator columns as the driver hands them (no SQLAlchemy result processing: on SQLite, turning each
# NUMERIC into a Decimal and each 0/1 into a bool took more than reading the rows); _indicator does it once.
_INDICATORS = sa.select(INDICATOR.c.project_id, *(sa.type_coerce(INDICATOR.c[k], NullType()) for k in INDICATOR_KEYS))
_NUMBERS = tuple(INDICATOR_KEYS.index(k) + 1 for k in ("value", "norm_value", "value_high"))
_WEIGHT = INDICATOR_KEYS.index("weight") + 1
_FLAGS = tuple(INDICATOR_KEYS.index(k) + 1 for k in ("applicable", "approximate", "target_corrected"))
SCALES = {"value": 6, "norm_value": 6, "value_high": 6, "weight": 2}  # the columns' NUMERIC scales (a test pins them)


def list_project_dicts(
    *,
    session: Session,
    scope: Scope,
    year: int | None = None,
    dept_code: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    region_code: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """The projects the scope may see, in table order, as ProjectOut's JSON values, with their total count."""
    filtered = where(scope, sa.select(P.id).select_from(PROJECT), year=year, dept_code=dept_code,
                     region_code=region_code)  # fmt: skip
    total = int(session.execute(filtered.with_only_columns(sa.func.count())).scalar_one())
    query = filtered.with_only_columns(*_HEAD).order_by(*ORDER).offset(offset)
    heads = session.execute(query if limit is None else query.limit(limit)).all()
    return _assemble(session, heads), total


def project_page_json(**kwargs: Any) -> bytes:
    """`{"items": [...], "total": N}` encoded: the list API's answer."""
    items, total = list_project_dicts(**kwargs)
    return orjson.dumps({"items": items, "total": total})


def _assemble(session: Session, heads: Sequence[Any]) -> list[dict[str, Any]]:
    ids = [h[0] for h in heads]
    if not ids:
        return []
    plans, objectives, indicators = _children(session, ids)
    changed = set(session.execute(sa.select(col(BudgetChange.project_id)).where(col(BudgetChange.project_id).in_(ids))
                                  .distinct()).scalars())  # fmt: skip
    budgets = load_budgets_by_id(session=session, project_ids=changed) if changed else {}
    on = today()
    out = []
    for pid, year, region, region_name, dept, dept_name, code, name, budget, fiscal, other, purpose, bad in heads:
        budget_wan = wan_str(budget)
        effective = wan_str(budgets[pid].on(clamped(on, year))) if pid in budgets else budget_wan
        out.append({
            "id": pid, "year": year, "region_code": region, "region_name": region_name or "", "dept_code": dept,
            "dept_name": dept_name or "", "code": code, "name": name, "budget_wan": budget_wan,
            "effective_budget_wan": effective, "fiscal_wan": wan_str(fiscal), "other_wan": wan_str(other),
            "purpose": purpose, "objectives": objectives.get(pid, []), "plan": plans.get(pid, []),
            "incomplete": bad, "indicators": indicators.get(pid, []),
        })  # fmt: skip
    return out


def _children(
    session: Session, ids: list[int]
) -> tuple[dict[int, list[dict[str, Any]]], dict[int, list[str]], dict[int, list[dict[str, Any]]]]:
    """The plan points, objectives and indicators of these projects: one statement each."""
    plans: dict[int, list[dict[str, Any]]] = defaultdict(list)
    query = sa.select(PLAN.c.project_id, PLAN.c.month, PLAN.c.cumulative_pct, PLAN.c.id)
    for c in session.execute(query.where(PLAN.c.project_id.in_(ids)).order_by(PLAN.c.month)):
        if usable_checkpoint(c):
            plans[c.project_id].append({"month": c.month, "cumulative_pct": float(c.cumulative_pct)})
        else:  # stored before the reader refused it (loading.children says the same)
            log.warning("plan checkpoint %s of project %s ignored: %r%% in month %r", c.id, c.project_id,
                        c.cumulative_pct, c.month)  # fmt: skip
    objectives: dict[int, list[str]] = defaultdict(list)
    query = sa.select(OBJECTIVE.c.project_id, OBJECTIVE.c.text).where(OBJECTIVE.c.project_id.in_(ids))
    for pid, text in session.execute(query.order_by(OBJECTIVE.c.seq)):
        objectives[pid].append(text)
    indicators: dict[int, list[dict[str, Any]]] = defaultdict(list)
    query = _INDICATORS.where(INDICATOR.c.project_id.in_(ids)).order_by(INDICATOR.c.project_id, INDICATOR.c.seq)
    for row in session.execute(query).tuples():
        indicators[row[0]].append(_indicator(row))
    return plans, objectives, indicators


def _indicator(row: Sequence[Any]) -> dict[str, Any]:
    """An indicator row (project_id, then IndicatorOut's fields in order, as the driver hands them) as
    IndicatorOut's JSON value."""
    out = dict(zip(INDICATOR_KEYS, row[1:], strict=True))
    for key, at in zip(("value", "norm_value", "value_high"), _NUMBERS, strict=True):
        out[key] = json_number(_decimal(row[at], SCALES[key]))
    weight = _decimal(row[_WEIGHT], SCALES["weight"])
    out["weight"] = float(weight) if weight is not None else None
    for key, at in zip(("applicable", "approximate", "target_corrected"), _FLAGS, strict=True):
        out[key] = bool(row[at])  # SQLite hands back 0 and 1
    return out


def _decimal(stored: Decimal | float | None, scale: int) -> Decimal | None:
    """A NUMERIC as SQLAlchemy reads it: PostgreSQL hands back a Decimal, SQLite an int or a float (read
    through the column's scale, as SQLAlchemy's own SQLite processor does)."""
    if stored is None or isinstance(stored, Decimal):
        return stored
    if isinstance(stored, int):
        return Decimal(stored)
    return Decimal(f"{stored:.{scale}f}")
