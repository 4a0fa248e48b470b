"""Turn a Document (cells of each table in reading order, cells.py) into plain ProjectData values.

The same builder serves every layout (DOMAIN.md §1.2), so every layout gives the same projects,
plans and indicators. Tables are read by their labels (项目编码, 预算数, 资金支出计划 …), not by
fixed positions, so that the variations of other counties' files (other checkpoint months, five
checkpoints, omitted empty cells, 元 instead of 万元) still read. `_parse_table` runs named steps:
unit, identity, money, purpose, plan, objectives, indicators, completeness.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from tracker import limits
from tracker.core.money import FEN_PER_WAN, MoneyError, parse_wan
from tracker.core.project import IndicatorData, ProjectData
from tracker.targets.cells import UNIT_CELL, Cell, Document, RawTable, TableFormatError
from tracker.targets.layouts.text import decode, read_tab_text
from tracker.targets.table_cursor import Cursor, Table, sized
from tracker.targets.table_rows import parse_indicators, parse_plan

__all__ = ["Cell", "ParsedFile", "TableFormatError", "build", "decode", "parse_text"]


@dataclass(slots=True)
class ParsedFile:
    projects: list[ProjectData] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    region_name: str = ""
    year: int | None = None
    layout: str = ""


BUDGET_LABELS = ("预算数", "年度预算数", "预算金额", "资金总额", "年度资金总额", "项目资金总额", "预算总额")
YEAR_IN_TEXT = re.compile(r"(20\d{2})年")
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
        table = Table(raw, doc.where, result.warnings, is_last=n == len(doc.tables) - 1)
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


def _parse_table(t: Table, doc_year: int | None, year: int | None) -> ProjectData:
    cur = t.cur
    dept_code, dept_name = _unit(t)
    code_at, code = _code(t)
    name_at = cur.after("项目名称")
    name = name_at[1].text.strip() if name_at else t.raw.title.removesuffix("绩效目标表")
    name = sized(name_at[1] if name_at else None, name, limits.PROJECT_NAME, "项目名称", t.raw.line)
    money = _read_money(t, code_at)
    plan_label = cur.find(lambda k: k.startswith("资金支出计划"), money.last)
    objectives_label = cur.find(lambda k: k in ("绩效目标", "年度绩效目标"), money.last)
    purpose = _purpose(cur, money.last, plan_label if plan_label is not None else objectives_label)
    purpose = sized(None, purpose, limits.FREE_TEXT, "资金用途", cur.line_of(money.last))
    plan = parse_plan(cur, plan_label, objectives_label, t.label, t.is_last)
    header_at = cur.find(lambda k: k == "一级指标", objectives_label or 0)
    objectives = _objectives(cur, objectives_label, header_at)
    indicators, cut = parse_indicators(t, header_at)
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


def _unit(t: Table) -> tuple[str, str]:
    unit = UNIT_CELL.match(t.raw.cells[0].text.split("\n")[0]) if t.raw.cells else None
    if unit is None:
        raise TableFormatError(t.raw.line, f"{t.label}的第一格应为单位编码和名称（如“314001昌黎县民政局本级”）")
    first = t.raw.cells[0]
    code = sized(first, unit.group(1), limits.DEPT_CODE, "单位编码", t.raw.line)
    return code, sized(first, unit.group(2).strip(), limits.DEPT_NAME, "单位名称", t.raw.line)


def _code(t: Table) -> tuple[int, str]:
    code_at = t.cur.after("项目编码")
    if code_at is None:
        if t.is_last:
            raise TableFormatError(t.cur.line_of(len(t.raw.cells)), f"{t.label}在“项目编码”之前中断")
        raise TableFormatError(t.cur.line_of(1), f"{t.label}缺少“项目编码”")
    return code_at[0], sized(code_at[1], code_at[1].key, limits.PROJECT_CODE, "项目编码", t.raw.line)


def _read_money(t: Table, code_at: int) -> _Money:
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


def _purpose(cur: Cursor, after_money: int, end: int | None) -> str:
    cells = cur.cells[after_money + 1 : end] if end is not None else []
    return "\n".join(c.text for c in cells if c.text and c.key not in ("资金用途", "项目资金用途"))


def _objectives(cur: Cursor, label: int | None, header_at: int | None) -> list[str]:
    if label is None:
        return []
    end = header_at if header_at is not None else len(cur.cells)
    return _split_objectives("\n".join(c.text for c in cur.cells[label + 1 : end]))


def _incomplete(t: Table, indicators: list[IndicatorData], *, cut: bool) -> bool:
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


def _split_objectives(text: str) -> list[str]:
    text = text.strip()
    if not text:
        return []
    parts = re.split(r"(?m)^\s*(?=\d{1,2}\s*[.．、])", text)
    items = [re.sub(r"^\d{1,2}\s*[.．、]\s*", "", p).strip() for p in parts]
    return [re.sub(r"\s*\n\s*", "", it) for it in items if it]
