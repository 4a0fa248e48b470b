"""The dashboard's numbers: every project the user may see, its spend against plan and its indicator lights."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from tracker.actuals.read import ResultView, result_history
from tracker.config import get_settings
from tracker.core.lights import project_light
from tracker.core.progress import IndicatorProgress
from tracker.core.project import IndicatorData, ProjectData
from tracker.core.variance import VarianceResult
from tracker.models import Project
from tracker.monitoring import board, board_memo, selection
from tracker.monitoring.board import BoardRow, RegionLine
from tracker.monitoring.service import project_variances
from tracker.rules import Rules
from tracker.scope import Scope
from tracker.shared.memo import Memo
from tracker.targets.loading import load_core
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
    rules: Rules,
    dept_code: str | None = None,
    region_code: str | None = None,
) -> list[ProjectRow]:
    """Every project of the year in scope, measured by the monitoring service on `as_of`, with its table."""
    measured = {
        v.project_id: v
        for v in project_variances(
            session=session,
            scope=scope,
            year=year,
            dept_code=dept_code,
            as_of=as_of,
            region_code=region_code,
            rules=rules,
        )
    }
    loaded = load_core(session=session, scope=scope, year=year, dept_code=dept_code, region_code=region_code)
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


PAGE_SIZE = 100
# a selection's summary per database stamp, in this process (a few KB each)
_Key = tuple[board_memo.Stamp, selection.Selection, str | None, int]
_KEPT: Memo[_Key, tuple[board.Summary, list[tuple[str, str]]]] = Memo(256)


@dataclass(slots=True)
class Overview:
    year: int
    as_of: date
    rows: list[BoardRow]  # one page
    counts: dict[str | None, int]
    units: list[tuple[str, str]]
    budget_fen: int = 0
    planned_fen: int = 0
    actual_fen: int = 0
    shown: int = 0  # after the light filter, all pages
    total: int = 0  # before the light filter
    offset: int = 0
    limit: int = PAGE_SIZE
    regions: list[RegionLine] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=dict)


def _sort_key(sort: str) -> Callable[[BoardRow], Any]:
    keys: dict[str, Callable[[BoardRow], Any]] = {
        "budget": lambda r: r.budget_fen,
        "actual_pct": lambda r: r.actual_pct if r.actual_pct is not None else Decimal(-1),
        "ratio": lambda r: r.ratio if r.ratio is not None else Decimal(10**9),
        "light": lambda r: (_SEVERITY[r.light], r.heading_no or 0),
        "name": lambda r: r.name,
    }
    return keys.get(sort, lambda r: (r.heading_no or 0, r.id))


def board_row(r: ProjectRow) -> BoardRow:
    """A live-measured row in the dashboard's flat form (the same fields a snapshot gives)."""
    v = r.variance
    return BoardRow(
        id=r.id, heading_no=r.data.heading_no, dept_code=r.data.dept_code, dept_name=r.data.dept_name,
        name=r.data.name, incomplete=r.data.incomplete, budget_fen=r.data.budget_fen, planned_fen=v.planned_fen,
        planned_pct=v.planned_pct, actual_fen=v.actual_fen, actual_pct=v.actual_pct,
        time_progress_pct=v.time_progress_pct, ratio=v.ratio, spend_light=r.spend_light,
        early_warning=v.early_warning, indicator_light=r.indicator_light, reported=r.reported,
        indicator_total=len(r.indicators), light=r.light,
    )  # fmt: skip


def overview(
    *,
    session: Session,
    scope: Scope,
    year: int,
    as_of: date,
    rules: Rules,
    dept_code: str | None = None,
    region_code: str | None = None,
    light: str | None = None,
    query: str | None = None,
    sort: str = "no",
    descending: bool = False,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> Overview:
    """The dashboard: counts per light (before the light filter), totals, regions and one page of rows.

    A user's year of up to `dashboard_live_limit` projects is measured live; a larger one (a province)
    is read from the variance snapshots of the day, refreshed where the data changed (monitoring/board.py).
    Its summary (counts, totals, regions, units) is kept while the database's stamp is unchanged
    (monitoring/board_memo.py), so a view then reads three index entries and one page.
    """
    sel = selection.Selection(scope, year, as_of, dept_code, region_code, query)
    live_limit = get_settings().dashboard_live_limit
    key = (board_memo.stamp(session, as_of), sel, light, live_limit)
    kept = _KEPT.get(key)
    if kept is None:
        everything = selection.Selection(scope, year, as_of)
        visible = selection.count(session, everything)
        if visible <= live_limit:
            return _live(session, sel, rules=rules, light=light, sort=sort, descending=descending, offset=offset,
                         limit=limit)  # fmt: skip
        whole = board.summary(session, sel, light)  # also what refresh needs to see that nothing changed
        held, selected = sum(whole.counts.values()), visible if sel == everything else None
        if board.refresh(session, sel, rules, held=held, oldest=whole.oldest, selected=selected):
            whole = board.summary(session, sel, light)
            key = (board_memo.stamp(session, as_of), sel, light, live_limit)  # the snapshots just written moved it
        kept = (whole, board.units(session, sel))
        _KEPT.put(key, kept)
    whole, units = kept
    counts = whole.counts
    return Overview(
        year=year,
        as_of=as_of,
        rows=board.page(session, sel, light=light, sort=sort, descending=descending, limit=limit, offset=offset),
        counts={k: counts.get(k, 0) for k in LIGHT_ORDER},
        units=units,
        budget_fen=whole.budget_fen,
        planned_fen=whole.planned_fen,
        actual_fen=whole.actual_fen,
        shown=whole.shown,
        total=sum(counts.values()),
        offset=offset,
        limit=limit,
        regions=whole.regions,
    )


def _live(
    session: Session,
    sel: selection.Selection,
    *,
    rules: Rules,
    light: str | None,
    sort: str,
    descending: bool,
    offset: int,
    limit: int,
) -> Overview:
    measured = project_rows(session=session, scope=sel.scope, year=sel.year, as_of=sel.day, rules=rules)
    units = sorted({(r.data.dept_code, r.data.dept_name) for r in measured})
    places = sel.scope.filter(select(Project.id, Project.region_code), Project.region_code, Project.dept_code)
    region_of = dict(session.exec(places.where(Project.year == sel.year)).all())
    code_of = {r.id: r.data.code.lower() for r in measured}
    rows = [board_row(r) for r in measured]
    if sel.dept_code:
        rows = [r for r in rows if r.dept_code == sel.dept_code]
    if sel.region_code:
        rows = [r for r in rows if region_of.get(r.id) == sel.region_code]
    if sel.query:
        q = sel.query.strip().lower()
        rows = [r for r in rows if q in f"{r.name} {code_of[r.id]} {r.dept_name} {r.dept_code}".lower()]
    counts = Counter(r.light for r in rows)
    total = len(rows)
    if light:
        wanted = None if light == "none" else light
        rows = [r for r in rows if r.light == wanted]
    rows = sorted(rows, key=_sort_key(sort), reverse=descending)
    return Overview(
        year=sel.year,
        as_of=sel.day,
        rows=rows[offset : offset + limit],
        counts={k: counts.get(k, 0) for k in LIGHT_ORDER},
        units=units,
        budget_fen=sum(r.budget_fen for r in rows),
        planned_fen=sum(r.planned_fen for r in rows),
        actual_fen=sum(r.actual_fen for r in rows),
        shown=len(rows),
        total=total,
        offset=offset,
        limit=limit,
        regions=_regions(session, rows, region_of),
    )


def _regions(
    session: Session, rows: Sequence[BoardRow], region_of: Mapping[int | None, str | None]
) -> list[RegionLine]:
    from tracker.models import Region

    names = dict(session.exec(select(Region.code, Region.name)).all())
    grouped: dict[str, list[BoardRow]] = {}
    for r in rows:
        grouped.setdefault(region_of.get(r.id) or "", []).append(r)
    return [
        RegionLine(code, names.get(code, ""), len(rs), sum(r.light == "red" for r in rs),
                   sum(r.light == "yellow" for r in rs), sum(r.budget_fen for r in rs), sum(r.actual_fen for r in rs))
        for code, rs in sorted(grouped.items())
    ]  # fmt: skip


def find_row(rows: Sequence[ProjectRow], project_id: int) -> ProjectRow | None:
    return next((r for r in rows if r.id == project_id), None)
