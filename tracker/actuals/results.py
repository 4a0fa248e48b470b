"""Indicator result rows (指标): checked row by row (a unit reports tens of them), then compared with
what is stored, so that an unchanged value writes nothing and a changed one supersedes the old row.

上年值 (baseline, optional) is last year's value, read like an actual number. It is what lets a
qualitative target with a direction (较上年提高, 进一步降低) take a number as its actual: the year-end
score then follows the direction (DOMAIN.md §5). Such a number without 上年值 is refused, as before.
Each cell of a row is read in result_cells.py (which indicator it names, the actual, 上年值, the score);
this module places rows, puts the readings into a ResultRow, and compares and stores them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from tracker.actuals import superseding
from tracker.actuals.chunks import Chunk
from tracker.actuals.columns import FILLED
from tracker.actuals.columns import Kind as SheetKind
from tracker.actuals.context import Context, ProjectRef, parse_day, quarter_of
from tracker.actuals.report import RowIssue
from tracker.actuals.result_cells import (
    CENT,
    Bad,
    beyond_limits,
    find_indicator,
    read_actual,
    read_category,
    read_forecast,
    read_likelihood,
    read_score,
    require,
)
from tracker.actuals.scoring_points import indicator_points
from tracker.bulk import matching
from tracker.models import Indicator, IndicatorResult
from tracker.rules import Rules, reason_categories
from tracker.targets.stored import indicator_target

AUDITED = ("actual_text", "baseline_text", "score", "likelihood", "reason_category", "reason", "measures",
           "forecast_text")  # fmt: skip


@dataclass(slots=True)
class ResultRow:
    """A good row, ready to be stored."""

    row: int
    sheet: str | None
    project: ProjectRef
    indicator: Indicator
    as_of: date
    actual_text: str
    actual_value: Decimal | None
    baseline_text: str
    baseline_value: Decimal | None
    grade: str | None
    score: Decimal | None
    likelihood: str | None
    reason_category: str | None
    reason: str
    measures: str
    forecast_text: str = ""  # 全年预计完成值 as written (optional)
    forecast_value: Decimal | None = None  # in the target's unit; None for a qualitative target

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in AUDITED}


@dataclass(slots=True)
class Change:
    row: ResultRow
    old: IndicatorResult | None
    fields: list[tuple[str, str | None, str | None]]  # name, old, new (as text)


@dataclass(slots=True)
class ResultCheck:
    ctx: Context
    pending: list[tuple[Chunk, dict[str, str]]] = field(default_factory=list)
    rows: int = 0
    skipped: int = 0
    periods: set[tuple[str, str, int, int]] = field(default_factory=set)  # (region, unit, year, quarter)
    points: dict[int, dict[int, Decimal]] = field(default_factory=dict)  # per project: points per seq

    def add(self, chunk: Chunk) -> None:
        for record in chunk.frame.to_dict("records"):
            cells = {str(k): str(v).strip() for k, v in record.items() if k != "row"}
            cells["row"] = str(record["row"])
            if not any(cells[name] for name in FILLED[SheetKind.RESULTS]):
                self.skipped += 1
                continue
            self.rows += 1
            self.pending.append((chunk, cells))

    def check(self, session: Session) -> list[ResultRow]:
        """Every good row; the bad ones go to ctx.errors."""
        self.ctx.load(
            depts={cells["dept_code"] for _, cells in self.pending},
            codes={cells["project_code"] for _, cells in self.pending},
        )
        indicators = _indicators(session, self._project_ids())
        good: list[ResultRow] = []
        first_of: dict[tuple[int, date], int] = {}
        for chunk, cells in self.pending:
            issues: list[RowIssue] = []

            def bad(
                column: str, message: str, c: Chunk = chunk, row: dict[str, str] = cells, out: list[RowIssue] = issues
            ) -> None:
                out.append(RowIssue(int(row["row"]), c.headers.get(column, column), message, c.sheet))

            result = self._row(cells, indicators, bad)
            if result is not None and not issues:
                key = (result.indicator.id or 0, result.as_of)
                if key in first_of:
                    bad("as_of", f"与第{first_of[key]}行是同一指标、同一截至日期")
                else:
                    first_of[key] = result.row
                    result.sheet = chunk.sheet
                    good.append(result)
                    self.periods.add(
                        (
                            result.project.region_code,
                            result.project.dept_code,
                            result.as_of.year,
                            quarter_of(result.as_of),
                        )
                    )
            self.ctx.errors.extend(issues)
        return good

    def _project_ids(self) -> set[int]:
        ids: set[int] = set()
        for _chunk, cells in self.pending:
            pair = (cells["dept_code"], cells["project_code"])
            ids.update(self.ctx.projects[(*pair, year)].id for year in self.ctx.years.get(pair, []))
        return ids

    def _row(self, cells: dict[str, str], indicators: dict[int, list[Indicator]], bad: Bad) -> ResultRow | None:
        """One row read in named steps: where it belongs, which indicator, what was reached, and the words."""
        require(cells, bad)
        placed = place_row(self.ctx, cells, bad)
        if placed is None:
            return None
        project, day = placed
        indicator = find_indicator(cells, indicators.get(project.id, []), bad)
        if indicator is None or not cells["actual"]:
            return None
        target = indicator_target(indicator)
        for name in ("actual", "baseline", "forecast"):
            if problem := beyond_limits(cells[name]):
                bad(name, problem)
                return None
        value, grade, baseline = read_actual(cells["actual"], cells["baseline"], target, bad)
        place = self.ctx.rules.for_place(project.region_code, project.year)  # the project's weights, bands, categories
        points = self._points(project.id, indicator, indicators, place)
        score = read_score(cells, points, grade, target.kind, value, place, bad)
        likelihood = read_likelihood(cells, bad)
        category = read_category(cells, reason_categories(place), bad)
        return ResultRow(
            row=int(cells["row"]),
            sheet=None,
            project=project,
            indicator=indicator,
            as_of=day,
            actual_text=cells["actual"],
            actual_value=value,
            baseline_text=cells["baseline"],
            baseline_value=baseline,
            grade=grade.value if grade else None,
            score=score,
            likelihood=likelihood,
            reason_category=category,
            reason=cells["reason"],
            measures=cells["measures"],
            forecast_text=cells["forecast"],
            forecast_value=read_forecast(cells["forecast"], target, bad),
        )

    def _points(
        self, project_id: int, indicator: Indicator, indicators: dict[int, list[Indicator]], place: Rules
    ) -> Decimal:
        """The indicator's points (三级分值) by its place's weights, computed once per project."""
        if project_id not in self.points:
            self.points[project_id] = indicator_points(indicators[project_id], place)
        return self.points[project_id].get(indicator.seq, Decimal(100))


def place_row(ctx: Context, cells: dict[str, str], bad: Bad) -> tuple[ProjectRef, date] | None:
    """A row's project and date: a unit and project the uploader may report for, a date in its year, an open quarter."""
    dept, code = cells["dept_code"], cells["project_code"]
    if not _known(ctx, dept, code, bad):
        return None
    day, problem = parse_day(cells["as_of"], ctx.today) if cells["as_of"] else (None, None)
    if problem:
        bad("as_of", problem)
    if not (dept and code and day):
        return None
    project, problem = ctx.project_in_year(dept, code, day.year)
    if project is None:
        bad("as_of", problem or "")
        return None
    if lock := ctx.lock_problem(project.region_code, dept, day.year, quarter_of(day)):
        bad("as_of", lock)
    return project, day


def _known(ctx: Context, dept: str, code: str, bad: Bad) -> bool:
    """False (with the row message) when the unit or the project is not one the uploader may report for."""
    if dept and (problem := ctx.dept_problem(dept)):
        bad("dept_code", problem)
        return False
    if dept and code and (problem := ctx.project_problem(dept, code)):
        bad("project_code", problem)
        return False
    return True


def _indicators(session: Session, project_ids: set[int]) -> dict[int, list[Indicator]]:
    out: dict[int, list[Indicator]] = {}
    if not project_ids:
        return out
    for among in matching(session, col(Indicator.project_id), sorted(project_ids)):
        for ind in session.exec(select(Indicator).where(among).order_by(col(Indicator.seq))):
            out.setdefault(ind.project_id, []).append(ind)
    return out


def shown(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return str(value.quantize(CENT))
    return str(value)


def compare(session: Session, rows: list[ResultRow]) -> list[Change]:
    """What each good row would change against the current stored result (empty `fields` = unchanged)."""
    ids = {r.indicator.id for r in rows}
    current: dict[tuple[int, date], IndicatorResult] = {}
    query = select(IndicatorResult).where(IndicatorResult.is_current == True)  # noqa: E712
    for among in matching(session, col(IndicatorResult.indicator_id), sorted(i for i in ids if i is not None)):
        current.update({(r.indicator_id, r.as_of): r for r in session.exec(query.where(among))})
    changes = []
    for row in rows:
        old = current.get((row.indicator.id or 0, row.as_of))
        fields = []
        for name, new in row.values().items():
            before = getattr(old, name) if old is not None else None
            if shown(before) != shown(new):
                fields.append((name, shown(before), shown(new)))
        changes.append(Change(row, old, fields))
    return changes


def store(session: Session, changes: list[Change], batch_id: int) -> list[tuple[Change, IndicatorResult]]:
    """Write the changed results; the superseded rows stay as history (is_current False)."""

    def build(change: Change) -> IndicatorResult:
        r = change.row
        return IndicatorResult(
            indicator_id=r.indicator.id or 0,
            batch_id=batch_id,
            as_of=r.as_of,
            actual_text=r.actual_text,
            actual_value=r.actual_value,
            baseline_text=r.baseline_text,
            baseline_value=r.baseline_value,
            grade=r.grade,
            score=r.score,
            likelihood=r.likelihood,
            reason_category=r.reason_category,
            reason=r.reason,
            measures=r.measures,
            forecast_text=r.forecast_text,
            forecast_value=r.forecast_value,
            row_no=r.row,
        )

    return superseding.store(session, changes, build)
