"""Turn a Document (cells of each table in reading order, cells.py) into plain ProjectData values.

The same builder serves every layout (DOMAIN.md §1.2), so every layout gives the same projects,
plans and indicators. Tables are read by their labels (项目编码, 预算数, 资金支出计划 …), not by
fixed positions, so that the variations of other counties' files (other checkpoint months, five
checkpoints, omitted empty cells, 元 instead of 万元) still read. `_parse_table` runs named steps:
unit, identity, money, purpose, plan, objectives, indicators, completeness.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from tracker import limits
from tracker.core.money import FEN_PER_WAN, MoneyError, parse_wan
from tracker.core.project import LEVEL1_LEVEL2, Accumulation, Checkpoint, IndicatorData, ProjectData
from tracker.core.values import Kind, TargetValue, parse_value
from tracker.targets.cells import UNIT_CELL, Cell, Document, RawTable, TableFormatError, checkpoint_month
from tracker.targets.layouts.text import decode, read_tab_text

__all__ = ["Cell", "ParsedFile", "TableFormatError", "build", "decode", "default_accumulation", "parse_text"]


@dataclass(slots=True)
class ParsedFile:
    projects: list[ProjectData] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    region_name: str = ""
    year: int | None = None
    layout: str = ""


BUDGET_LABELS = ("预算数", "年度预算数", "预算金额", "资金总额", "年度资金总额", "项目资金总额", "预算总额")
YEAR_IN_TEXT = re.compile(r"(20\d{2})年")
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
_BLANK = ("", "-", "—", "/")


def parse_text(text: str, *, year: int | None = None) -> ParsedFile:
    """Parse a whole tab-indented publication; raises TableFormatError naming the line when it is not one."""
    doc = read_tab_text(text)
    if not doc.tables:
        raise TableFormatError(1, "未找到绩效目标表（应有“…绩效目标表”标题，其下为单位编码和名称）")
    return build(doc, year=year)


def build(doc: Document, *, year: int | None = None) -> ParsedFile:
    """Projects of every table of a document, in order; TableFormatError names the place of a broken table."""
    result = ParsedFile(warnings=list(doc.warnings), layout=doc.layout)
    if m := YEAR_IN_TEXT.search("\n".join(doc.preamble)):
        result.year = int(m.group(1))
    result.region_name = next((ln.strip() for text in doc.preamble for ln in text.split("\n") if ln.strip()), "")
    seen: dict[tuple[int, str, str], int] = {}
    for n, raw in enumerate(doc.tables):
        table = _Table(raw, doc.where, result.warnings, is_last=n == len(doc.tables) - 1)
        try:
            _no_nul(raw)
            project = _parse_table(table, result.year, year)
            key = (project.year, project.dept_code, project.code)
            if key in seen:  # one project is one table: a second copy would contradict or duplicate the first
                first = doc.where(seen[key])
                message = f"{table.label}与{first}的表是同一单位的同一项目（{project.code}），请删除重复的表"
                raise TableFormatError(raw.line, message)
            seen[key] = raw.line
            result.projects.append(project)
        except TableFormatError as exc:
            raise TableFormatError(exc.line, exc.message, doc.where(exc.line)) from exc
    return result


def _no_nul(raw: RawTable) -> None:
    """PostgreSQL cannot store a NUL character, and no published table has one."""
    for cell in raw.cells:
        if "\x00" in cell.text:
            raise TableFormatError(cell.line, "含有空字符（\\x00），不是正常的文本")


def _sized(cell: Cell | None, text: str, limit: int, what: str, line: int) -> str:
    """The text when the product can keep it (tracker/limits.py), else TableFormatError naming the line."""
    if problem := limits.text_problem(text, limit, what):
        raise TableFormatError(cell.line if cell else line, problem)
    return text


class _Cursor:
    def __init__(self, cells: list[Cell], heading_line: int) -> None:
        self.cells = cells
        self.heading_line = heading_line

    def find(self, pred: Callable[[str], bool], start: int = 0) -> int | None:
        for i in range(start, len(self.cells)):
            if pred(self.cells[i].key):
                return i
        return None

    def after(self, label: str, start: int = 0) -> tuple[int, Cell] | None:
        i = self.find(lambda k: k == label, start)
        if i is None or i + 1 >= len(self.cells):
            return None
        return i + 1, self.cells[i + 1]

    def line_of(self, i: int | None) -> int:
        if i is None or not self.cells:
            return self.heading_line
        return self.cells[min(i, len(self.cells) - 1)].line


class _Table:
    """One table being read: its cells, how to name places in it, and where its warnings go."""

    def __init__(self, raw: RawTable, where: Callable[[int], str], warnings: list[str], *, is_last: bool) -> None:
        self.raw, self.where_of, self.warnings, self.is_last = raw, where, warnings, is_last
        self.cur = _Cursor(raw.cells, raw.line)
        self.label = f"表{raw.number or ''}“{raw.title}”"

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(f"{self.where_of(line)}：{message}")


@dataclass(slots=True)
class _Money:
    budget: int
    fiscal: int
    other: int
    last: int  # index of the last money cell: the purpose follows it


def _money(cell: Cell, label: str, scale: int) -> int:
    text = cell.key.removesuffix("万元").removesuffix("元")
    if text in _BLANK:
        return 0
    plain = text.replace(",", "").replace("，", "")
    # digits first: Decimal would take 1e1200000 or NaN, and the product then overflows or fails later
    int_digits = limits.AMOUNT_WAN_DIGITS + (4 if scale == 0 else 0)
    decimals = limits.AMOUNT_DECIMALS - (4 if scale == 0 else 0)
    if problem := limits.digits_problem(plain, int_digits=int_digits, decimals=decimals, what=label):
        raise TableFormatError(cell.line, f"{problem}：“{limits.shorten(text)}”")
    if not re.fullmatch(r"\d+(?:\.\d*)?", plain):
        if re.fullmatch(r"-\d+(?:\.\d*)?", plain):
            raise TableFormatError(cell.line, f"{label}“{text}”不能为负数")
        raise TableFormatError(cell.line, f"{label}“{limits.shorten(text)}”不是金额")
    try:
        if scale == 1:
            return parse_wan(plain)
        return int((Decimal(plain) * 100).to_integral_value())
    except (MoneyError, InvalidOperation) as exc:
        raise TableFormatError(cell.line, f"{label}“{text}”不是金额") from exc


def _parse_table(t: _Table, doc_year: int | None, year: int | None) -> ProjectData:
    cur = t.cur
    dept_code, dept_name = _unit(t)
    code_at, code = _code(t)
    name_at = cur.after("项目名称")
    name = name_at[1].text.strip() if name_at else t.raw.title.removesuffix("绩效目标表")
    name = _sized(name_at[1] if name_at else None, name, limits.PROJECT_NAME, "项目名称", t.raw.line)
    money = _read_money(t, code_at)
    plan_label = cur.find(lambda k: k.startswith("资金支出计划"), money.last)
    objectives_label = cur.find(lambda k: k in ("绩效目标", "年度绩效目标"), money.last)
    purpose = _purpose(cur, money.last, plan_label if plan_label is not None else objectives_label)
    purpose = _sized(None, purpose, limits.FREE_TEXT, "资金用途", cur.line_of(money.last))
    plan = _parse_plan(cur, plan_label, objectives_label, t.label, t.is_last)
    header_at = cur.find(lambda k: k == "一级指标", objectives_label or 0)
    objectives = _objectives(cur, objectives_label, header_at)
    indicators, cut = _parse_indicators(t, header_at)
    incomplete = _incomplete(t, indicators, cut=cut or plan is None or header_at is None)
    return ProjectData(
        year=_year(code, year, doc_year, t.raw.title, cur.line_of(code_at)),
        dept_code=dept_code,
        dept_name=dept_name,
        code=code,
        name=name,
        budget_fen=money.budget,
        fiscal_fen=money.fiscal,
        other_fen=money.other,
        purpose=purpose,
        objectives=objectives,
        plan=plan or [],
        indicators=indicators,
        incomplete=incomplete,
        heading_no=t.raw.number,
        source_line=t.raw.line,
    )


def _unit(t: _Table) -> tuple[str, str]:
    unit = UNIT_CELL.match(t.raw.cells[0].text.split("\n")[0]) if t.raw.cells else None
    if unit is None:
        raise TableFormatError(t.raw.line, f"{t.label}的第一格应为单位编码和名称（如“314001昌黎县民政局本级”）")
    first = t.raw.cells[0]
    code = _sized(first, unit.group(1), limits.DEPT_CODE, "单位编码", t.raw.line)
    return code, _sized(first, unit.group(2).strip(), limits.DEPT_NAME, "单位名称", t.raw.line)


def _code(t: _Table) -> tuple[int, str]:
    code_at = t.cur.after("项目编码")
    if code_at is None:
        if t.is_last:
            raise TableFormatError(t.cur.line_of(len(t.raw.cells)), f"{t.label}在“项目编码”之前中断")
        raise TableFormatError(t.cur.line_of(1), f"{t.label}缺少“项目编码”")
    return code_at[0], _sized(code_at[1], code_at[1].key, limits.PROJECT_CODE, "项目编码", t.raw.line)


def _read_money(t: _Table, code_at: int) -> _Money:
    cur = t.cur
    money_unit = cur.find(lambda k: k.startswith(("单位:", "金额单位:")))
    scale = 0 if money_unit is not None and cur.cells[money_unit].key.endswith(":元") else 1
    budget_at = next((at for label in BUDGET_LABELS if (at := cur.after(label))), None)
    if budget_at is None:
        raise TableFormatError(cur.line_of(code_at), f"{t.label}缺少“预算数”")
    budget = _money(budget_at[1], "预算数", scale)
    fiscal_label = cur.find(lambda k: (k.startswith("其中") and "财政" in k) or k in ("财政资金", "财政拨款"))
    other_label = cur.find(lambda k: k.startswith("其他资金"))
    for label in (fiscal_label, other_label):
        if label is not None and label + 1 >= len(cur.cells):
            raise TableFormatError(cur.cells[label].line, f"{t.label}在“{cur.cells[label].text}”之后中断，没有金额")
    fiscal = _money(cur.cells[fiscal_label + 1], "财政资金", scale) if fiscal_label is not None else budget
    other = _money(cur.cells[other_label + 1], "其他资金", scale) if other_label is not None else 0
    if fiscal + other != budget:
        t.warn(budget_at[1].line, f"{t.label}财政资金{_wan(fiscal)}+其他资金{_wan(other)}≠预算数{_wan(budget)}")
    last = max([budget_at[0]] + [label + 1 for label in (fiscal_label, other_label) if label is not None])
    return _Money(budget, fiscal, other, last)


def _purpose(cur: _Cursor, after_money: int, end: int | None) -> str:
    cells = cur.cells[after_money + 1 : end] if end is not None else []
    return "\n".join(c.text for c in cells if c.text and c.key not in ("资金用途", "项目资金用途"))


def _objectives(cur: _Cursor, label: int | None, header_at: int | None) -> list[str]:
    if label is None:
        return []
    end = header_at if header_at is not None else len(cur.cells)
    return _split_objectives("\n".join(c.text for c in cur.cells[label + 1 : end]))


def _incomplete(t: _Table, indicators: list[IndicatorData], *, cut: bool) -> bool:
    incomplete = cut
    if t.is_last and not incomplete and "满意度指标" not in {ind.level1 for ind in indicators}:
        incomplete = True  # the file ends inside the table: the 满意度 rows were cut off
    if incomplete:
        t.warn(t.raw.line, f"{t.label}不完整（文件在表内结束，仅有{len(indicators)}个指标），已导入并标记为不完整")
    return incomplete


def _wan(fen: int) -> str:
    return f"{Decimal(fen) / FEN_PER_WAN:.2f}"


def _year(code: str, given: int | None, doc_year: int | None, title: str, line: int) -> int:
    if given:
        return given
    m = re.match(r"^\d{6}(\d{2})", code)
    if m:
        return 2000 + int(m.group(1))
    if t := YEAR_IN_TEXT.search(title):
        return int(t.group(1))
    if doc_year:
        return doc_year
    raise TableFormatError(line, "无法从项目编码或标题确定年度，请用 --year 指定")


def _parse_plan(cur: _Cursor, label: int | None, end: int | None, where: str, is_last: bool) -> list[Checkpoint] | None:
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


def _split_objectives(text: str) -> list[str]:
    text = text.strip()
    if not text:
        return []
    parts = re.split(r"(?m)^\s*(?=\d{1,2}\s*[.．、])", text)
    items = [re.sub(r"^\d{1,2}\s*[.．、]\s*", "", p).strip() for p in parts]
    return [re.sub(r"\s*\n\s*", "", it) for it in items if it]


def _parse_indicators(t: _Table, header_at: int | None) -> tuple[list[IndicatorData], bool]:
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
                _sized(row[column], row[column].text, limit, f"{t.label}第{seq}个指标的{label}", first.line)
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
