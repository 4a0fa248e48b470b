"""The dashboard's numbers: every project the user may see, its spend against plan and its indicator lights."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from tracker.actuals.read import ResultView, cumulative_paid, result_history
from tracker.config import load_rules
from tracker.core.money import parse_wan
from tracker.core.project import IndicatorData, ProjectData
from tracker.core.values import Grade, Kind
from tracker.core.variance import (
    IndicatorProgress,
    LightRules,
    VarianceResult,
    compute_variance,
    indicator_progress,
    project_light,
)
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
class Rules:
    spend: LightRules
    indicators: LightRules


def light_rules() -> Rules:
    """The light thresholds of config/rules.yaml (`variance:` and `indicators:`)."""
    data = load_rules()
    v, i = data.get("variance") or {}, data.get("indicators") or {}
    d = LightRules()
    spend = LightRules(
        green=Decimal(str(v.get("green", d.green))),
        yellow=Decimal(str(v.get("yellow", d.yellow))),
        min_gap_fen=parse_wan(str(v["min_gap_wan"])) if "min_gap_wan" in v else d.min_gap_fen,
        warn_days=int(v.get("early_warning_days", d.warn_days)),
    )
    ind = LightRules(green=Decimal(str(i.get("green", d.green))), yellow=Decimal(str(i.get("yellow", d.yellow))))
    return Rules(spend=spend, indicators=ind)


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


def indicator_rows(
    data: ProjectData, history: dict[int, list[ResultView]], as_of: date, rules: LightRules
) -> list[IndicatorRow]:
    """Each indicator with its light from the reports up to `as_of` (by sequence number)."""
    rows = []
    for ind in data.indicators:
        reports = history.get(ind.seq, [])
        reported: list[tuple[date, Decimal | Grade | str]] = []
        for r in reports:
            if ind.target.kind == Kind.QUALITATIVE and r.grade:
                reported.append((r.as_of, r.grade))
            elif ind.target.kind == Kind.QUANTITATIVE and r.actual_value is not None:
                reported.append((r.as_of, r.actual_value))
        progress = None
        if reported:
            try:
                progress = indicator_progress(
                    target=ind.target, reported=reported, accumulation=ind.accumulation, as_of=as_of, rules=rules
                )
            except ValueError:
                progress = None
        rows.append(IndicatorRow(data=ind, progress=progress, latest=reports[-1] if reports else None))
    return rows


def project_rows(
    *, session: Session, scope: Scope, year: int, as_of: date, dept_code: str | None = None, rules: Rules
) -> list[ProjectRow]:
    """Every project of the year in scope with its variance and indicator lights on `as_of`."""
    loaded = load_core(session=session, scope=scope, year=year, dept_code=dept_code)
    ids = [p.id for p, _ in loaded if p.id is not None]
    paid = cumulative_paid(session=session, project_ids=ids, as_of=as_of)
    by_seq: dict[int, dict[int, list[ResultView]]] = defaultdict(dict)
    for views in result_history(session=session, project_ids=ids, as_of=as_of).values():
        if views:
            by_seq[views[0].project_id][views[0].seq] = views
    rows = []
    for project, data in loaded:
        assert project.id is not None
        variance = compute_variance(
            budget_fen=data.budget_fen,
            plan=data.plan,
            actual_fen=paid.get(project.id, 0),
            as_of=as_of,
            year=year,
            rules=rules.spend,
        )
        inds = indicator_rows(data, by_seq.get(project.id, {}), as_of, rules.indicators)
        rows.append(ProjectRow(id=project.id, data=data, variance=variance, indicators=inds))
    return rows


@dataclass(slots=True)
class Overview:
    year: int
    as_of: date
    rows: list[ProjectRow]
    counts: dict[str | None, int]
    units: list[tuple[str, str]]
    budget_fen: int = 0
    planned_fen: int = 0
    actual_fen: int = 0
    shown: int = 0
    total: int = 0
    filters: dict[str, str] = field(default_factory=dict)


def _sort_key(sort: str) -> Callable[[ProjectRow], Any]:
    keys: dict[str, Callable[[ProjectRow], Any]] = {
        "budget": lambda r: r.data.budget_fen,
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
) -> Overview:
    """The dashboard: rows filtered by unit, search text and light; counts per light before the light filter."""
    rows = project_rows(session=session, scope=scope, year=year, as_of=as_of, rules=light_rules())
    units = sorted({(r.data.dept_code, r.data.dept_name) for r in rows})
    if dept_code:
        rows = [r for r in rows if r.data.dept_code == dept_code]
    if query:
        q = query.strip().lower()
        rows = [r for r in rows if q in f"{r.data.name} {r.data.code} {r.data.dept_name} {r.data.dept_code}".lower()]
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
        budget_fen=sum(r.data.budget_fen for r in rows),
        planned_fen=sum(r.variance.planned_fen for r in rows),
        actual_fen=sum(r.variance.actual_fen for r in rows),
        shown=len(rows),
        total=total,
    )


def find_row(rows: Sequence[ProjectRow], project_id: int) -> ProjectRow | None:
    return next((r for r in rows if r.id == project_id), None)
