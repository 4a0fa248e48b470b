"""The rows of a 绩效目标表 below its head: the 资金支出计划 checkpoints and the indicator rows, each
indicator with the accumulation its target implies (DOMAIN.md §4). parsing.py reads the head and runs both."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

from tracker import limits
from tracker.core.project import LEVEL1_LEVEL2, Accumulation, Checkpoint, IndicatorData
from tracker.core.value_parsing import parse_value
from tracker.core.values import Kind, TargetValue
from tracker.targets.cells import Cell, TableFormatError, checkpoint_month
from tracker.targets.table_cursor import Cursor, Table, sized

LEVEL2_TO_LEVEL1 = {l2: l1 for l1, l2s in LEVEL1_LEVEL2.items() for l2 in l2s}
HEADER_NAMES = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "level3",
    "绩效指标描述": "description",
    "指标描述": "description",
    "指标内容": "description",
    "指标值": "value",
    "目标值": "value",
    "指标值确定依据": "basis",
    "指标值设定依据": "basis",
    "确定依据": "basis",
}
COUNT_UNITS = ("人", "人次", "户", "个", "次", "场", "场次", "所", "家", "名", "件", "套", "头", "只", "亩", "株")


def parse_plan(cur: Cursor, label: int | None, end: int | None, where: str, is_last: bool) -> list[Checkpoint] | None:
    """The 资金支出计划 checkpoints after `label`; None for a last table cut off before its plan."""
    if label is None:
        if is_last and end is None:
            return None
        raise TableFormatError(cur.line_of(end), f"{where}缺少“资金支出计划”")
    stop = end if end is not None else len(cur.cells)
    months: list[int] = []
    i = label + 1
    while i < stop and (month := checkpoint_month(cur.cells[i].key)) is not None:
        months.append(month)
        i += 1
    if not months:
        raise TableFormatError(cur.line_of(label), f"{where}资金支出计划没有月份（如“3月底”）")
    if any(a >= b for a, b in itertools.pairwise(months)):
        # a cumulative plan read against months out of order would put each share at the wrong checkpoint
        shown = "、".join(f"{m}月" for m in months)
        raise TableFormatError(cur.line_of(label + 1), f"{where}资金支出计划的月份应从早到晚且不重复（现为{shown}）")
    values = cur.cells[i:stop]
    if len(values) == len(months) + 1 and not values[0].key:
        values = values[1:]  # the empty label cell in front of the percentages
    elif len(values) == len(months) and values and not values[0].key and all(v.key for v in values[1:]):
        # the empty label cell and one percentage too few: read as is, every month would shift by one
        raise TableFormatError(
            cur.line_of(i),
            f"{where}资金支出计划有{len(months)}个月份，却只有{len(values) - 1}个百分比（没有计划的月份请写“-”）",
        )
    if end is None and len(values) < len(months):
        return None
    if len(values) != len(months):
        raise TableFormatError(cur.line_of(i), f"{where}资金支出计划有{len(months)}个月份，却有{len(values)}个百分比")
    plan: list[Checkpoint] = []
    for month, cell in zip(months, values, strict=True):
        raw = cell.key.rstrip("%")
        if raw in ("", "-", "—", "/"):
            continue
        # digits only: Decimal would take NaN, Infinity and 1e400, which no later rule can compare
        if not re.fullmatch(r"\d{1,3}(?:\.\d{1,2})?", raw) or Decimal(raw) > 100:
            shown = f"{where}{month}月底的支出计划“{limits.shorten(cell.text)}”"
            raise TableFormatError(cell.line, f"{shown}不是0–100之间、最多两位小数的百分比")
        pct = Decimal(raw)
        if not 1 <= month <= 12:
            raise TableFormatError(cell.line, f"{where}支出计划月份{month}不在1-12之间")
        plan.append(Checkpoint(month=month, cumulative_pct=pct))
    return plan


def parse_indicators(t: Table, header_at: int | None) -> tuple[list[IndicatorData], bool]:
    """Indicator rows after the header; the bool says whether the table was cut off mid-row."""
    cur = t.cur
    if header_at is None:
        return [], True
    columns: list[str] = []
    i = header_at
    while i < len(cur.cells) and cur.cells[i].key in HEADER_NAMES:
        columns.append(HEADER_NAMES[cur.cells[i].key])
        i += 1
    for needed in ("level1", "level2", "level3", "value"):
        if needed not in columns:
            raise TableFormatError(cur.line_of(header_at), f"{t.label}指标表头缺少“{_label(needed)}”列")
    rows, cut = _rows(cur.cells[i:], columns)
    indicators: list[IndicatorData] = []
    level1 = level2 = ""
    for seq, row in enumerate(rows, start=1):
        first = row["level1"]
        level1 = first.text or level1
        level2 = row["level2"].text or level2
        if not level1:
            raise TableFormatError(first.line, f"{t.label}第{seq}个指标没有一级指标")
        if level1 not in LEVEL1_LEVEL2:
            t.warn(first.line, f"{t.label}一级指标“{level1}”不是产出/效益/满意度指标")
        for column, limit, label in SIZED_COLUMNS:
            if column in row:
                sized(row[column], row[column].text, limit, f"{t.label}第{seq}个指标的{label}", first.line)
        try:
            target = parse_value(row["value"].text)
        except limits.OutOfRange as exc:
            raise TableFormatError(row["value"].line, f"{t.label}第{seq}个指标的指标值：{exc}") from exc
        indicators.append(
            IndicatorData(
                seq=seq,
                level1=level1,
                level2=level2,
                level3=row["level3"].text,
                description=row["description"].text if "description" in row else "",
                target=target,
                basis=row["basis"].text if "basis" in row else "",
                accumulation=default_accumulation(level2, target),
                weight=t.raw.weights.get(seq),
            )
        )
    return indicators, cut


SIZED_COLUMNS = (
    ("level1", limits.LEVEL_NAME, "一级指标"),
    ("level2", limits.LEVEL_NAME, "二级指标"),
    ("level3", limits.INDICATOR_NAME, "三级指标"),
    ("value", limits.TARGET_TEXT, "指标值"),
    ("description", limits.FREE_TEXT, "指标描述"),
    ("basis", limits.FREE_TEXT, "指标值确定依据"),
)


def _label(column: str) -> str:
    return next(k for k, v in HEADER_NAMES.items() if v == column)


def _rows(cells: list[Cell], columns: list[str]) -> tuple[list[dict[str, Cell]], bool]:
    """Group cells into rows; a row whose empty 一级 cell was left out entirely is re-aligned."""
    width = len(columns)
    rows: list[dict[str, Cell]] = []
    i = 0
    while i < len(cells):
        chunk = cells[i : i + width]
        if columns[0] == "level1" and chunk and chunk[0].key in LEVEL2_TO_LEVEL1:
            chunk = [Cell("", chunk[0].line), *cells[i : i + width - 1]]
            i -= 1
        if len(chunk) < width:
            if all(not c.key for c in chunk):
                break
            return rows, True
        rows.append(dict(zip(columns, chunk, strict=True)))
        i += width
    return rows, False


def default_accumulation(level2: str, target: TargetValue) -> Accumulation:
    """Counts of people, households or items add up over the year; rates, costs and grades stand."""
    if target.kind is Kind.QUANTITATIVE and level2 == "数量指标" and target.unit:
        unit = target.unit.removeprefix("万")
        if unit in COUNT_UNITS:
            return Accumulation.CUMULATIVE
    return Accumulation.LEVEL
