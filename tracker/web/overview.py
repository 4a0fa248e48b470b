"""The dashboard's numbers: every project the user may see, its spend against plan and its indicator lights."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from tracker.actuals.read import ResultView, result_history
from tracker.core.project import IndicatorData, ProjectData
from tracker.core.variance import IndicatorProgress, VarianceResult, project_light
from tracker.monitoring.service import project_variances
from tracker.scope import Scope
from tracker.targets.service import load_core
from tracker.web.format import LIGHT_ORDER

SORTS = {
    "no": "表序",
    "budget": "预算数",
    "actual_pct": "执行率",
    "ratio": "执行/计划",
    "light": "灯号",
    "name": "项目名称",
}
_SEVERITY = {"red": 0, "yellow": 1, "green": 2, None: 3}


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    data: IndicatorData
    progress: IndicatorProgress | None
    latest: ResultView | None

    @property
    def light(self) -> str | None:
        return self.progress.light.value if self.progress and self.progress.light else None


@dataclass(frozen=True, slots=True)
class ProjectRow:
    id: int
    data: ProjectData
    variance: VarianceResult
    indicators: list[IndicatorRow]

    @property
    def spend_light(self) -> str | None:
        return self.variance.light.value if self.variance.light else None

    @property
    def indicator_light(self) -> str | None:
        lights = [i.progress.light for i in self.indicators if i.progress and i.progress.light]
        worst = project_light(spend=None, indicators=lights)
        return worst.value if worst else None

    @property
    def light(self) -> str | None:
        worst = project_light(
            spend=self.variance.light,
            indicators=[i.progress.light for i in self.indicators if i.progress and i.progress.light],
        )
        return worst.value if worst else None

    @property
    def reported(self) -> int:
        return sum(1 for i in self.indicators if i.latest is not None)

    def indicator_counts(self) -> Counter[str | None]:
        return Counter(i.light for i in self.indicators)


def project_rows(
    *,
    session: Session,
    scope: Scope,
    year: int,
    as_of: date,
    dept_code: str | None = None,
    region_code: str | None = None,
) -> list[ProjectRow]:
    """Every project of the year in scope, measured by the monitoring service on `as_of`, with its table."""
    where = {"year": year, "dept_code": dept_code, "region_code": region_code}
    measured = {
        v.project_id: v
        for v in project_variances(session=session, scope=scope, as_of=as_of, **where)  # type: ignore[arg-type]
    }
    loaded = load_core(session=session, scope=scope, **where)  # type: ignore[arg-type]
    history = result_history(session=session, project_ids=list(measured), as_of=as_of)
    latest = {(views[-1].project_id, views[-1].seq): views[-1] for views in history.values() if views}
    rows = []
    for project, data in loaded:
        v = measured.get(project.id or -1)
        if v is None:
            continue
        lights = {i.seq: i for i in v.indicators}
        inds = [
            IndicatorRow(
                data=ind,
                progress=lights[ind.seq].progress if ind.seq in lights else None,
                latest=latest.get((v.project_id, ind.seq)),
            )
            for ind in data.indicators
        ]
        rows.append(ProjectRow(id=v.project_id, data=data, variance=v.spend, indicators=inds))
    return rows


@dataclass(slots=True)
class RegionTotal:
    """One region's line of the dashboard's by-region table (effective budgets on the day)."""

    code: str
    name: str
    projects: int = 0
    budget_fen: int = 0
    planned_fen: int = 0
    actual_fen: int = 0
    counts: dict[str | None, int] = field(default_factory=dict)

    @property
    def actual_pct(self) -> Decimal | None:
        return (Decimal(self.actual_fen) * 100 / self.budget_fen).quantize(Decimal("0.01")) if self.budget_fen else None


def by_region(rows: Sequence[ProjectRow]) -> list[RegionTotal]:
    """Totals and light counts per region, in code order."""
    out: dict[str, RegionTotal] = {}
    for r in rows:
        t = out.setdefault(r.data.region_code, RegionTotal(r.data.region_code, r.data.region_name))
        t.projects += 1
        t.budget_fen += r.variance.budget_fen
        t.planned_fen += r.variance.planned_fen
        t.actual_fen += r.variance.actual_fen
        t.counts[r.light] = t.counts.get(r.light, 0) + 1
    return [out[k] for k in sorted(out)]


@dataclass(slots=True)
class Overview:
    year: int
    as_of: date
    rows: list[ProjectRow]
    counts: dict[str | None, int]
    units: list[tuple[str, str]]
    regions: list[tuple[str, str]] = field(default_factory=list)
    region_totals: list[RegionTotal] = field(default_factory=list)
    budget_fen: int = 0  # the effective budgets on `as_of`
    planned_fen: int = 0
    actual_fen: int = 0
    shown: int = 0
    total: int = 0
    filters: dict[str, str] = field(default_factory=dict)


def _sort_key(sort: str) -> Callable[[ProjectRow], Any]:
    keys: dict[str, Callable[[ProjectRow], Any]] = {
        "budget": lambda r: r.variance.budget_fen,
        "actual_pct": lambda r: r.variance.actual_pct if r.variance.actual_pct is not None else Decimal(-1),
        "ratio": lambda r: r.variance.ratio if r.variance.ratio is not None else Decimal(10**9),
        "light": lambda r: (_SEVERITY[r.light], r.data.heading_no or 0),
        "name": lambda r: r.data.name,
    }
    return keys.get(sort, lambda r: (r.data.heading_no or 0, r.id))


def overview(
    *,
    session: Session,
    scope: Scope,
    year: int,
    as_of: date,
    dept_code: str | None = None,
    light: str | None = None,
    query: str | None = None,
    sort: str = "no",
    descending: bool = False,
    region_code: str | None = None,
) -> Overview:
    """The dashboard: rows filtered by region, unit, search text and light; counts per light before the light filter."""
    rows = project_rows(session=session, scope=scope, year=year, as_of=as_of)
    regions = sorted({(r.data.region_code, r.data.region_name) for r in rows})
    if region_code:
        rows = [r for r in rows if r.data.region_code == region_code]
    units = sorted({(r.data.dept_code, r.data.dept_name) for r in rows})
    if dept_code:
        rows = [r for r in rows if r.data.dept_code == dept_code]
    if query:
        q = query.strip().lower()
        rows = [
            r
            for r in rows
            if q in f"{r.data.name} {r.data.code} {r.data.dept_name} {r.data.dept_code} {r.data.region_name}".lower()
        ]
    counts = Counter(r.light for r in rows)
    total = len(rows)
    if light:
        wanted = None if light == "none" else light
        rows = [r for r in rows if r.light == wanted]
    rows = sorted(rows, key=_sort_key(sort), reverse=descending)
    return Overview(
        year=year,
        as_of=as_of,
        rows=rows,
        counts={k: counts.get(k, 0) for k in LIGHT_ORDER},
        units=units,
        regions=regions,
        region_totals=by_region(rows),
        budget_fen=sum(r.variance.budget_fen for r in rows),
        planned_fen=sum(r.variance.planned_fen for r in rows),
        actual_fen=sum(r.variance.actual_fen for r in rows),
        shown=len(rows),
        total=total,
    )


def find_row(rows: Sequence[ProjectRow], project_id: int) -> ProjectRow | None:
    return next((r for r in rows if r.id == project_id), None)
