"""Indicator result rows (指标): checked row by row (a unit reports tens of them), then compared with
what is stored, so that an unchanged value writes nothing and a changed one supersedes the old row.

上年值 (baseline, optional) is last year's value, read like an actual number. It is what lets a
qualitative target with a direction (较上年提高, 进一步降低) take a number as its actual: the year-end
score then follows the direction (DOMAIN.md §5). Such a number without 上年值 is refused, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from tracker import limits
from tracker.actuals import superseding
from tracker.actuals.chunks import Chunk
from tracker.actuals.columns import FILLED
from tracker.actuals.columns import Kind as SheetKind
from tracker.actuals.context import Context, ProjectRef, parse_day, quarter_of
from tracker.actuals.report import RowIssue
from tracker.actuals.scoring_points import indicator_points, qualitative_bands
from tracker.bulk import matching
from tracker.core.likelihood import LIKELIHOODS, NEEDS_REASON
from tracker.core.units import convert
from tracker.core.values import Direction, Grade, Kind, TargetValue, parse_actual, parse_grade, parse_value
from tracker.models import Indicator, IndicatorResult
from tracker.rules import Rules, reason_categories
from tracker.targets.stored import indicator_target

Bad = Callable[[str, str], None]  # (column, message): one row message
AUDITED = ("actual_text", "baseline_text", "score", "likelihood", "reason_category", "reason", "measures",
           "forecast_text")  # fmt: skip
_CENT = Decimal("0.01")


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
        _require(cells, bad)
        placed = place_row(self.ctx, cells, bad)
        if placed is None:
            return None
        project, day = placed
        indicator = _find_indicator(cells, indicators.get(project.id, []), bad)
        if indicator is None or not cells["actual"]:
            return None
        target = indicator_target(indicator)
        for name in ("actual", "baseline", "forecast"):
            if problem := _beyond_limits(cells[name]):
                bad(name, problem)
                return None
        value, grade, baseline = _read_actual(cells["actual"], cells["baseline"], target, bad)
        place = self.ctx.rules.for_place(project.region_code, project.year)  # the project's weights, bands, categories
        points = self._points(project.id, indicator, indicators, place)
        score = _score(cells, points, grade, target.kind, value, place, bad)
        likelihood = _likelihood(cells, bad)
        category = _category(cells, reason_categories(place), bad)
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
            forecast_value=_read_forecast(cells["forecast"], target, bad),
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


def _require(cells: dict[str, str], bad: Bad) -> None:
    for name in ("dept_code", "project_code", "as_of", "actual"):
        if not cells[name]:
            bad(name, "必填，不能为空")


def _likelihood(cells: dict[str, str], bad: Bad) -> str | None:
    """完成目标可能性, one of the three; 有可能 and 完全不可能 need 偏差原因 and 改进措施 (DOMAIN.md §4)."""
    likelihood = cells["likelihood"] or None
    if likelihood and likelihood not in LIKELIHOODS:
        bad("likelihood", f"完成目标可能性应为 {'、'.join(LIKELIHOODS)} 之一")
    if likelihood in NEEDS_REASON:
        for name, label in (("reason", "偏差原因"), ("measures", "改进措施")):
            if not cells[name]:
                bad(name, f"完成目标可能性为“{likelihood}”时必须填写{label}")
    return likelihood


def _category(cells: dict[str, str], categories: Sequence[str], bad: Bad) -> str | None:
    category = cells["reason_category"] or None
    if category and category not in categories:
        bad("reason_category", f"偏差原因类别应为 {'、'.join(categories)} 之一")
    return category


def _read_forecast(text: str, target: TargetValue, bad: Bad) -> Decimal | None:
    """全年预计完成值 read like an actual, in the target's unit; a grade or words for a qualitative target stay text."""
    if not text or target.kind is Kind.QUALITATIVE:
        return None
    read = parse_actual(text, target)
    if read.error is not None or read.value is None:
        bad("forecast", f"全年预计完成值无法识别：{read.error or text}")
        return None
    return read.value


def _read_actual(
    text: str, baseline_text: str, target: TargetValue, bad: Bad
) -> tuple[Decimal | None, Grade | None, Decimal | None]:
    """The actual (a number in the target's unit, or a grade) and last year's value, read against the target.

    A qualitative target with a direction takes a number only together with 上年值; both are then kept
    in the unit the actual is written in (the target has none), 上年值 converted to it.
    """
    relative = target.kind is Kind.QUALITATIVE and target.direction is not Direction.NONE
    baseline, baseline_unit = _read_baseline(baseline_text, target, relative, bad)
    actual = parse_actual(text, target)
    if actual.error is None:
        return actual.value, actual.grade, baseline
    grades = "、".join(Grade)
    number = _number(text) if relative else None
    if number is None:
        if target.kind is Kind.QUALITATIVE:
            numbers = "，或填写数值并同时填写上年值" if relative else ""
            bad("actual", f"定性指标应填写评价等级（{grades}）{numbers}，填写的是“{text}”")
        else:
            bad("actual", actual.error)
        return None, None, baseline
    if not baseline_text:
        bad(
            "actual", f"指标值“{target.text}”为定性指标：填写数值“{text}”时须同时填写上年值，或改填评价等级（{grades}）"
        )
        return None, None, None
    if baseline is None:  # 上年值 given but unreadable: already reported on its column
        return None, None, None
    value, unit = number
    converted = convert(baseline, baseline_unit, unit)
    if converted is None:
        bad("baseline", f"上年值无法识别：单位“{baseline_unit}”无法换算为实际完成值的单位“{unit}”")
        return None, None, None
    return value, None, converted


def _read_baseline(text: str, target: TargetValue, relative: bool, bad: Bad) -> tuple[Decimal | None, str | None]:
    """Last year's value and its unit (the target's, when it has one); (None, None) when blank or bad."""
    if not text:
        return None, None
    if parse_grade(text) is not None:
        bad("baseline", f"上年值无法识别：应填写上年的数值（如 1200人），评价等级“{text}”不是上年值")
        return None, None
    if target.kind is Kind.QUALITATIVE and not relative:
        bad("baseline", f"上年值无法识别：指标值“{target.text}”没有提高或降低的方向，不按上年值评分，请删去上年值")
        return None, None
    number = _number(text)
    if number is None:
        bad("baseline", f"上年值无法识别：“{text}”不是数值，应填写如 1200人、95%")
        return None, None
    if target.kind is Kind.QUALITATIVE:
        return number
    read = parse_actual(text, target)
    if read.value is None:
        bad("baseline", f"上年值无法识别：单位“{number[1]}”无法换算为指标单位“{target.unit}”")
        return None, None
    return read.value, target.unit


def _beyond_limits(text: str) -> str | None:
    """Why a number written in the cell is beyond what is stored (tracker/limits.py), or None."""
    try:
        parse_value(text)
    except limits.OutOfRange as exc:
        return str(exc)
    return None


def _number(text: str) -> tuple[Decimal, str | None] | None:
    """A number with its unit as written (a comparator before it is ignored), or None."""
    read = parse_value(text)
    return (read.value, read.unit) if read.kind is Kind.QUANTITATIVE and read.value is not None else None


def _find_indicator(cells: dict[str, str], candidates: list[Indicator], bad: Bad) -> Indicator | None:
    """By sequence number (checked against the name when both are given), else by a name unique in the project."""
    seq_text, name = cells.get("seq", ""), cells.get("indicator", "")
    if seq_text:
        try:  # digits only: int(Decimal("1e1200000")) would hold the worker for minutes
            seq = limits.bounded_int(seq_text, low=1, high=limits.MAX_SEQ, what="指标序号")
        except limits.OutOfRange as exc:
            bad("seq", str(exc))
            return None
        except ValueError:
            bad("seq", f"指标序号“{limits.shorten(seq_text)}”不是整数")
            return None
        found = next((i for i in candidates if i.seq == seq), None)
        if found is None:
            bad("seq", f"项目中没有第{seq}项指标")
            return None
        if name and "".join(name.split()) != "".join(found.level3.split()):
            bad("indicator", f"第{seq}项指标是“{found.level3}”，与填写的“{name}”不符")
            return None
        return found
    if not name:
        bad("seq", "请填写指标序号或三级指标")
        return None
    matches = [i for i in candidates if "".join(i.level3.split()) == "".join(name.split())]
    if not matches:
        bad("indicator", f"项目中没有名为“{name}”的指标")
        return None
    if len(matches) > 1:
        seqs = "、".join(str(i.seq) for i in matches)
        bad("indicator", f"指标“{name}”在项目中出现多次（第{seqs}项），请填写指标序号")
        return None
    return matches[0]


def _score(
    cells: dict[str, str],
    points: Decimal,
    grade: Any,
    kind: Kind,
    value: Decimal | None,
    rules: Rules,
    bad: Bad,
) -> Decimal | None:
    """The score of a graded actual, inside its grade's band of the indicator's points."""
    text = cells.get("score", "")
    if not text:
        return None
    try:
        score = limits.bounded_decimal(text, int_digits=3, decimals=limits.PCT_DECIMALS, what="得分")
    except limits.OutOfRange:
        bad("score", f"得分“{limits.shorten(text)}”应为0–100、最多两位小数的数")
        return None
    except ValueError:
        bad("score", f"得分“{limits.shorten(text)}”不是数字")
        return None
    if score < 0 or score > limits.MAX_SCORE:
        bad("score", f"得分“{text}”应为0–100、最多两位小数的数")
        return None
    if grade is None:
        if kind is Kind.QUANTITATIVE and value is not None:
            bad("score", "定量指标按公式计分，不填写得分")
            return None
        if value is not None:
            bad("score", "实际完成值为数值时按与上年值的比较计分，不填写得分")
            return None
        bad("score", "填写得分时实际完成值应为评价等级")
        return None
    low, high = qualitative_bands(rules)[grade]
    inside = low * points <= score and (score < high * points or (high == 1 and score == points))
    if not inside:
        closing = "]" if high == 1 else ")"
        span = f"[{(low * points).quantize(_CENT)}, {(high * points).quantize(_CENT)}{closing}"
        bad("score", f"得分 {text} 不在“{grade.value}”的分值区间 {span} 内（该指标分值 {points}）")
        return None
    return score


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
        return str(value.quantize(_CENT))
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
