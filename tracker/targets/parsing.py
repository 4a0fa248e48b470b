"""Read the published 绩效目标表 text layout (DOMAIN.md §1) into plain ProjectData values.

The layout: every cell is a line that starts with a tab; a line without a leading tab continues the
cell above (so cells may hold blank lines); a table starts at a heading line such as
`3.城乡低保资金县级配套绩效目标表` that is followed by the unit cell `314001昌黎县民政局本级`.
Tables are found by their labels (项目编码, 预算数, 资金支出计划 …), not by fixed positions, so that
the variations of other counties' files (other checkpoint months, five checkpoints, omitted empty
cells, 元 instead of 万元) still read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from tracker.core.money import FEN_PER_WAN, MoneyError, parse_wan
from tracker.core.project import LEVEL1_LEVEL2, Accumulation, Checkpoint, IndicatorData, ProjectData
from tracker.core.values import Kind, TargetValue, parse_value
from tracker.shared.files import decode_text


class TableFormatError(ValueError):
    """The input is not a target table, or a table is broken; names the line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"第{line}行：{message}")
        self.line = line
        self.message = message


@dataclass(slots=True)
class Cell:
    text: str
    line: int

    @property
    def key(self) -> str:
        """The text with all white space removed and full-width forms folded, for label matching."""
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", self.text))


@dataclass(slots=True)
class ParsedFile:
    projects: list[ProjectData] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    region_name: str = ""
    year: int | None = None


HEADING = re.compile(r"^\s*(?:(\d{1,3})\s*[.．、]?\s*)?(\S.*?绩效目标(?:申报|批复)?表)\s*$")
UNIT_CELL = re.compile(r"^(?:(?:预算)?单位(?:名称)?[:：]\s*)?(\d{3,12})\s*(\S.*)$")
MONTH = re.compile(r"^(?:截至|截止)?(\d{1,2})月(?:底|末|份)?(?:前)?$")
QUARTERS = {"第一季度": 3, "一季度": 3, "第二季度": 6, "二季度": 6, "上半年": 6, "第三季度": 9, "三季度": 9,
            "第四季度": 12, "四季度": 12, "全年": 12, "年底": 12, "年末": 12}  # fmt: skip
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
COUNT_UNITS = (
    "人",
    "人次",
    "户",
    "个",
    "次",
    "场",
    "场次",
    "所",
    "家",
    "名",
    "件",
    "套",
    "头",
    "只",
    "亩",
    "株",
)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030; line endings folded to LF."""
    try:
        text = decode_text(data)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TableFormatError(line, "文件编码无法识别（应为 UTF-8 或 GB18030）") from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _cells(lines: list[str], start: int, end: int) -> list[Cell]:
    """Cells of lines[start:end] (0-based); continuation lines join the cell above."""
    cells: list[Cell] = []
    for i in range(start, end):
        raw = lines[i]
        if raw.startswith("\t"):
            cells.append(Cell(raw[1:], i + 1))
        elif cells:
            cells[-1].text += "\n" + raw
    for cell in cells:
        cell.text = _unquote(cell.text.strip())
    return cells


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1].replace('""', '"').strip()
    return text


def _first_cell(lines: list[str], start: int) -> tuple[int, str] | None:
    """The first cell line after `start`, skipping blank lines; None when a non-cell line comes first."""
    for i in range(start, len(lines)):
        if not lines[i].strip():
            continue
        if lines[i].startswith("\t"):
            return i, lines[i][1:].strip()
        return None
    return None


def _find_headings(lines: list[str], warnings: list[str]) -> list[tuple[int, int | None, str]]:
    """(0-based line, number, title) of every heading that has a table under it."""
    found: list[tuple[int, int | None, str]] = []
    for i, raw in enumerate(lines):
        if raw.startswith("\t"):
            continue
        m = HEADING.match(raw)
        if not m:
            continue
        nxt = _first_cell(lines, i + 1)
        if nxt and UNIT_CELL.match(nxt[1]):
            found.append((i, int(m.group(1)) if m.group(1) else None, m.group(2)))
        else:
            warnings.append(f"第{i + 1}行：标题“{raw.strip()}”下没有表格，已忽略")
    return found


def parse_text(text: str, *, year: int | None = None) -> ParsedFile:
    """Parse a whole publication; raises TableFormatError naming the line when it is not one."""
    lines = text.split("\n")
    result = ParsedFile()
    headings = _find_headings(lines, result.warnings)
    if not headings:
        raise TableFormatError(1, "未找到绩效目标表（应有“…绩效目标表”标题，其下为单位编码和名称）")
    preamble = "\n".join(lines[: headings[0][0]])
    if m := YEAR_IN_TEXT.search(preamble):
        result.year = int(m.group(1))
    result.region_name = next((ln.strip() for ln in lines[: headings[0][0]] if ln.strip()), "")
    bounds = [h[0] for h in headings] + [len(lines)]
    for n, (start, number, title) in enumerate(headings):
        cells = _cells(lines, start + 1, bounds[n + 1])
        is_last = n == len(headings) - 1
        project = _parse_table(cells, start + 1, number, title, is_last, result, year)
        result.projects.append(project)
    return result


class _Cursor:
    def __init__(self, cells: list[Cell], heading_line: int) -> None:
        self.cells = cells
        self.heading_line = heading_line

    def find(self, pred: object, start: int = 0) -> int | None:
        for i in range(start, len(self.cells)):
            if callable(pred) and pred(self.cells[i].key):
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


def _money(cell: Cell, label: str, scale: int) -> int:
    text = cell.key.removesuffix("万元").removesuffix("元")
    if text in ("", "-", "—", "/"):
        return 0
    try:
        if scale == 1:
            return parse_wan(text)
        return int((Decimal(text.replace(",", "")) * 100).to_integral_value())
    except (MoneyError, InvalidOperation) as exc:
        raise TableFormatError(cell.line, f"{label}“{text}”不是金额") from exc


def _parse_table(
    cells: list[Cell],
    heading_line: int,
    number: int | None,
    title: str,
    is_last: bool,
    result: ParsedFile,
    year: int | None,
) -> ProjectData:
    cur = _Cursor(cells, heading_line)
    where = f"表{number or ''}“{title}”"
    unit = UNIT_CELL.match(cells[0].text.split("\n")[0])
    assert unit is not None  # guaranteed by _find_headings
    dept_code, dept_name = unit.group(1), unit.group(2).strip()
    money_unit = cur.find(lambda k: k.startswith("单位:") or k.startswith("金额单位:"))
    scale = 1
    if money_unit is not None and cells[money_unit].key.endswith(":元"):
        scale = 0
    code_at = cur.after("项目编码")
    if code_at is None:
        if is_last:
            raise TableFormatError(cur.line_of(len(cells)), f"{where}在“项目编码”之前中断")
        raise TableFormatError(cur.line_of(1), f"{where}缺少“项目编码”")
    code = code_at[1].key
    name_at = cur.after("项目名称")
    name = name_at[1].text.strip() if name_at else title.removesuffix("绩效目标表")
    budget_at = next((at for label in BUDGET_LABELS if (at := cur.after(label))), None)
    if budget_at is None:
        raise TableFormatError(cur.line_of(code_at[0]), f"{where}缺少“预算数”")
    budget = _money(budget_at[1], "预算数", scale)
    fiscal_label = cur.find(lambda k: (k.startswith("其中") and "财政" in k) or k in ("财政资金", "财政拨款"))
    fiscal = _money(cells[fiscal_label + 1], "财政资金", scale) if fiscal_label is not None else budget
    other_label = cur.find(lambda k: k.startswith("其他资金"))
    other = _money(cells[other_label + 1], "其他资金", scale) if other_label is not None else 0
    if fiscal + other != budget:
        result.warnings.append(
            f"第{budget_at[1].line}行：{where}财政资金{_wan(fiscal)}+其他资金{_wan(other)}≠预算数{_wan(budget)}"
        )
    money_cells = [budget_at[0]] + [label + 1 for label in (fiscal_label, other_label) if label is not None]
    after_money = max(money_cells)
    plan_label = cur.find(lambda k: k.startswith("资金支出计划"), after_money)
    objectives_label = cur.find(lambda k: k == "绩效目标" or k == "年度绩效目标", after_money)
    purpose_end = plan_label if plan_label is not None else objectives_label
    purpose_cells = cells[after_money + 1 : purpose_end] if purpose_end is not None else []
    purpose = "\n".join(c.text for c in purpose_cells if c.text and c.key not in ("资金用途", "项目资金用途"))
    plan = _parse_plan(cur, plan_label, objectives_label, where, is_last)
    header_at = cur.find(lambda k: k == "一级指标", objectives_label or 0)
    objectives: list[str] = []
    if objectives_label is not None:
        obj_end = header_at if header_at is not None else len(cells)
        objectives = _split_objectives("\n".join(c.text for c in cells[objectives_label + 1 : obj_end]))
    indicators, cut = _parse_indicators(cur, header_at, where, result.warnings)
    project_year = _year(code, year, result.year, title, cur.line_of(code_at[0]))
    incomplete = cut or plan is None or header_at is None
    if is_last and not incomplete and "满意度指标" not in {ind.level1 for ind in indicators}:
        incomplete = True  # the file ends inside the table: the 满意度 rows were cut off
    if incomplete:
        result.warnings.append(
            f"第{heading_line}行：{where}不完整（文件在表内结束，仅有{len(indicators)}个指标），已导入并标记为不完整"
        )
    return ProjectData(
        year=project_year,
        dept_code=dept_code,
        dept_name=dept_name,
        code=code,
        name=name,
        budget_fen=budget,
        fiscal_fen=fiscal,
        other_fen=other,
        purpose=purpose,
        objectives=objectives,
        plan=plan or [],
        indicators=indicators,
        incomplete=incomplete,
        heading_no=number,
        source_line=heading_line,
    )


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
    while i < stop and (month := _month(cur.cells[i].key)) is not None:
        months.append(month)
        i += 1
    if not months:
        raise TableFormatError(cur.line_of(label), f"{where}资金支出计划没有月份（如“3月底”）")
    values = cur.cells[i:stop]
    if len(values) == len(months) + 1 and not values[0].key:
        values = values[1:]  # the empty label cell in front of the percentages
    if end is None and len(values) < len(months):
        return None
    if len(values) != len(months):
        raise TableFormatError(cur.line_of(i), f"{where}资金支出计划有{len(months)}个月份，却有{len(values)}个百分比")
    plan: list[Checkpoint] = []
    for month, cell in zip(months, values, strict=True):
        raw = cell.key.rstrip("%")
        if raw in ("", "-", "—", "/"):
            continue
        try:
            pct = Decimal(raw)
        except InvalidOperation as exc:
            raise TableFormatError(cell.line, f"{where}{month}月底的支出计划“{cell.text}”不是百分比") from exc
        if not 1 <= month <= 12:
            raise TableFormatError(cell.line, f"{where}支出计划月份{month}不在1-12之间")
        plan.append(Checkpoint(month=month, cumulative_pct=pct))
    return plan


def _month(key: str) -> int | None:
    if m := MONTH.match(key):
        return int(m.group(1))
    return QUARTERS.get(key)


def _split_objectives(text: str) -> list[str]:
    text = text.strip()
    if not text:
        return []
    parts = re.split(r"(?m)^\s*(?=\d{1,2}\s*[.．、])", text)
    items = [re.sub(r"^\d{1,2}\s*[.．、]\s*", "", p).strip() for p in parts]
    return [re.sub(r"\s*\n\s*", "", it) for it in items if it]


def _parse_indicators(
    cur: _Cursor, header_at: int | None, where: str, warnings: list[str]
) -> tuple[list[IndicatorData], bool]:
    """Indicator rows after the header; the bool says whether the table was cut off mid-row."""
    if header_at is None:
        return [], True
    columns: list[str] = []
    i = header_at
    while i < len(cur.cells) and cur.cells[i].key in HEADER_NAMES:
        columns.append(HEADER_NAMES[cur.cells[i].key])
        i += 1
    for needed in ("level1", "level2", "level3", "value"):
        if needed not in columns:
            raise TableFormatError(cur.line_of(header_at), f"{where}指标表头缺少“{_label(needed)}”列")
    rows, cut = _rows(cur.cells[i:], columns)
    indicators: list[IndicatorData] = []
    level1 = level2 = ""
    for seq, row in enumerate(rows, start=1):
        first = row["level1"]
        level1 = first.text or level1
        level2 = row["level2"].text or level2
        if not level1:
            raise TableFormatError(first.line, f"{where}第{seq}个指标没有一级指标")
        if level1 not in LEVEL1_LEVEL2:
            warnings.append(f"第{first.line}行：{where}一级指标“{level1}”不是产出/效益/满意度指标")
        value_cell = row["value"]
        target = parse_value(value_cell.text)
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
            )
        )
    return indicators, cut


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
