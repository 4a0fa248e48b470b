"""A project's rows as an import writes them: the project's and each indicator's fields from the table, the
plan, objective and indicator rows already stored, and the new rows written in bulk. importer.py compares
a stored project with the table and drives the import."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from tracker.bulk import insert_rows, matching
from tracker.core.project import IndicatorData, ProjectData
from tracker.models import Indicator, Objective, PlanCheckpoint


def project_fields(data: ProjectData) -> dict[str, Any]:
    """The project row's columns the published table sets."""
    return {
        "name": data.name,
        "heading_no": data.heading_no,
        "purpose": data.purpose,
        "budget_fen": data.budget_fen,
        "fiscal_fen": data.fiscal_fen,
        "other_fen": data.other_fen,
        "incomplete": data.incomplete,
        "source_line": data.source_line,
    }


def indicator_fields(ind: IndicatorData) -> dict[str, Any]:
    """The indicator row's columns the published table sets."""
    t = ind.target
    return {
        "level1": ind.level1,
        "level2": ind.level2,
        "level3": ind.level3,
        "description": ind.description,
        "target_text": t.text,
        "kind": t.kind.value,
        "comparator": t.comparator.value if t.comparator else None,
        "value": t.value,
        "unit": t.unit,
        "norm_value": t.norm_value,
        "norm_unit": t.norm_unit,
        "direction": t.direction.value,
        "value_high": t.high,
        "approximate": t.approximate,
        "basis": ind.basis,
    }


# The fields of a target; a target the finance bureau corrected keeps them on a re-import.
TARGET_FIELDS = ("target_text", "kind", "comparator", "value", "unit", "norm_value", "norm_unit", "direction",
                 "value_high", "approximate")  # fmt: skip


@dataclass(slots=True)
class Existing:
    """The stored plan, objectives and indicators of the projects an import updates, by project id."""

    plans: dict[int, list[PlanCheckpoint]] = field(default_factory=dict)
    objectives: dict[int, list[Objective]] = field(default_factory=dict)
    indicators: dict[int, dict[int, Indicator]] = field(default_factory=dict)


def load_existing(session: Session, ids: list[int]) -> Existing:
    """The stored rows of these projects, read in bounded statements."""
    out = Existing({i: [] for i in ids}, {i: [] for i in ids}, {i: {} for i in ids})
    for where in matching(session, col(PlanCheckpoint.project_id), ids):
        for c in session.exec(select(PlanCheckpoint).where(where)):
            out.plans[c.project_id].append(c)
    for where in matching(session, col(Objective.project_id), ids):
        for o in session.exec(select(Objective).where(where)):
            out.objectives[o.project_id].append(o)
    for where in matching(session, col(Indicator.project_id), ids):
        for i in session.exec(select(Indicator).where(where)):
            out.indicators[i.project_id][i.seq] = i
    return out


def _defaults(model: type[SQLModel]) -> dict[str, Any]:
    """The values a model gives the optional columns that the file does not set (weight, 适用 …)."""
    fields = model.model_fields.items()
    return {k: f.default for k, f in fields if k != "id" and not f.is_required() and f.default_factory is None}


_INDICATOR_DEFAULTS = _defaults(Indicator)
_PLAN: sa.Table = PlanCheckpoint.__table__  # type: ignore[attr-defined]
_OBJECTIVE: sa.Table = Objective.__table__  # type: ignore[attr-defined]
_INDICATOR: sa.Table = Indicator.__table__  # type: ignore[attr-defined]


@dataclass(slots=True)
class Fresh:
    """New rows of a project's plan, objectives and indicators, written in bulk after the stale ones go."""

    plans: list[dict[str, Any]] = field(default_factory=list)
    objectives: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)

    def plan_and_objectives(self, project_id: int, data: ProjectData) -> None:
        self.plans += [{"project_id": project_id, "month": c.month, "cumulative_pct": c.cumulative_pct}
                       for c in data.plan]  # fmt: skip
        self.objectives += [{"project_id": project_id, "seq": n, "text": t}
                            for n, t in enumerate(data.objectives, start=1)]  # fmt: skip

    def indicator(self, project_id: int, ind: IndicatorData) -> None:
        row = {"project_id": project_id, "seq": ind.seq, "accumulation": ind.accumulation.value}
        self.indicators.append(_INDICATOR_DEFAULTS | row | indicator_fields(ind))

    def write(self, session: Session) -> None:
        for table, rows in ((_PLAN, self.plans), (_OBJECTIVE, self.objectives), (_INDICATOR, self.indicators)):
            insert_rows(session, table, rows)
