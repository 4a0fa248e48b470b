"""The budget system's export (.xlsx/.xls): one row per indicator, the project's cells repeated or merged down.

Each sheet is read as a grid of texts (a merged range gives its value to every cell it covers), the
header row is found by its names, and each project's rows become the cells of its table in the
order the published text has them, so that the one builder reads them. The target is put together
from 指标性质 + 指标值 + 度量单位; 分值 becomes the indicator's weight.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from tracker.targets.cells import Cell, Document, RawTable, TableFormatError, checkpoint_month

LAYOUT = "预算管理一体化系统导出的 Excel"
_ROW = 1_000_000  # cell line = sheet index × _ROW + row number
_HEADER_SEARCH = 30
COLUMNS = {
    "dept_code": ("单位编码", "预算单位编码", "单位代码"),
    "dept_name": ("单位名称", "预算单位名称"),
    "unit": ("预算单位", "单位"),  # a code and a name in one cell
    "code": ("项目编码", "项目代码"),
    "name": ("项目名称",),
    "budget": ("预算数", "年度预算数", "预算金额", "资金总额"),
    "fiscal": ("财政资金", "其中:财政资金", "其中财政资金", "财政拨款"),
    "other": ("其他资金", "其中:其他资金"),
    "purpose": ("资金用途", "项目资金用途"),
    "objectives": ("绩效目标", "年度绩效目标"),
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "level3": ("三级指标",),
    "description": ("绩效指标描述", "指标描述", "指标内容"),
    "nature": ("指标性质", "指标方向"),
    "value": ("指标值", "目标值"),
    "measure": ("度量单位", "计量单位"),
    "basis": ("指标值确定依据", "指标值设定依据", "确定依据"),
    "weight": ("分值", "权重", "指标分值"),
}
_LOOKUP = {spelling: name for name, spellings in COLUMNS.items() for spelling in spellings}
INDICATOR_LABELS = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")


def _key(text: str) -> str:
    folded = "".join(unicodedata.normalize("NFKC", text).split())
    for suffix in ("(万元)", "(元)", "(%)"):
        folded = folded.removesuffix(suffix)
    return folded


def value_text(value: Any, percent: bool = False) -> str:
    """A cell value as the text it shows: integral numbers without '.0', a percentage format as '25%'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        text = format(Decimal(repr(value)) * (100 if percent else 1), "f")
        text = text.rstrip("0").rstrip(".") if "." in text else text
        return f"{text}%" if percent else text
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


@dataclass(slots=True)
class _Header:
    row: int
    columns: dict[str, int]  # canonical name -> column index
    months: list[tuple[int, str]]  # column index, label (3月底 …)
    in_yuan: bool


def _header(grid: list[list[str]]) -> _Header | None:
    for r, row in enumerate(grid[:_HEADER_SEARCH]):
        columns: dict[str, int] = {}
        months: list[tuple[int, str]] = []
        in_yuan = False
        for c, text in enumerate(row):
            key = _key(text)
            if (name := _LOOKUP.get(key)) is not None and name not in columns:
                columns[name] = c
                in_yuan = in_yuan or (name == "budget" and "(元)" in unicodedata.normalize("NFKC", text))
            elif checkpoint_month(key) is not None:
                months.append((c, text.strip()))
        if {"code", "level1", "level3", "value"} <= columns.keys():
            return _Header(r, columns, months, in_yuan)
    return None


def tables_of(grid: list[list[str]], sheet_no: int, number_from: int) -> tuple[list[str], list[RawTable]] | None:
    """Preamble and tables of one sheet's grid; None when the sheet has no header row."""
    header = _header(grid)
    if header is None:
        return None
    preamble = [t for row in grid[: header.row] for t in row if t]
    groups: list[list[tuple[int, list[str]]]] = []
    last: tuple[str, str] | None = None
    for r in range(header.row + 1, len(grid)):
        row = grid[r]
        if not any(row):
            continue
        get = _getter(row, header)
        key = (get("dept_code") or get("unit"), get("code"))
        if key[1] and key != last:
            groups.append([])
            last = key
        if groups:
            groups[-1].append((sheet_no * _ROW + r + 1, row))
    tables = [_table(rows, header, number_from + n) for n, rows in enumerate(groups)]
    return preamble, tables


def _getter(row: list[str], header: _Header) -> Any:
    def get(name: str) -> str:
        c = header.columns.get(name)
        return row[c] if c is not None and c < len(row) else ""

    return get


def _table(rows: list[tuple[int, list[str]]], header: _Header, number: int) -> RawTable:
    line, first = rows[0]
    get = _getter(first, header)
    unit = f"{get('dept_code')}{get('dept_name')}" if get("dept_code") else get("unit")
    cells = [Cell(unit, line), Cell("单位：元" if header.in_yuan else "单位：万元", line)]
    fields = (("项目编码", "code"), ("项目名称", "name"), ("预算数", "budget"), ("其中：财政资金", "fiscal"),
              ("其他资金", "other"), ("资金用途", "purpose"))  # fmt: skip
    for label, name in fields:
        if name in header.columns:
            cells += [Cell(label, line), Cell(get(name), line)]
    if header.months:
        cells.append(Cell("资金支出计划（%）", line))
        cells += [Cell(label, line) for _, label in header.months]
        cells.append(Cell("", line))
        cells += [Cell(first[c] if c < len(first) else "", line) for c, _ in header.months]
    cells += [Cell("绩效目标", line), Cell(get("objectives"), line)]
    cells += [Cell(label, line) for label in INDICATOR_LABELS]
    weights: dict[int, Decimal] = {}
    for seq, (at, row) in enumerate(rows, start=1):
        g = _getter(row, header)
        target = _target(g("nature"), g("value"), g("measure"))
        texts = (g("level1"), g("level2"), g("level3"), g("description"), target, g("basis"))
        cells += [Cell(t, at) for t in texts]
        if weight := _weight(g("weight"), at):
            weights[seq] = weight
    return RawTable(line, number, f"{get('name')}绩效目标表", cells, weights)


def _target(nature: str, value: str, measure: str) -> str:
    """指标性质 + 指标值 + 度量单位 as the target is written in the published table."""
    sign = "".join(unicodedata.normalize("NFKC", nature).split())
    if sign in ("定性", "") or not value:
        return value if sign == "定性" else f"{value}{measure}"
    if sign in ("=", "==", "等于"):
        sign = ""
    sign = {">=": "≥", "<=": "≤"}.get(sign, sign)
    return f"{sign}{value}{measure}"


def _weight(text: str, line: int) -> Decimal | None:
    if not text.strip():
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation as exc:
        raise TableFormatError(line, f"分值“{text}”不是数字") from exc


def _document(sheets: Iterator[tuple[str, list[list[str]]]]) -> Document:
    names: list[str] = []
    doc = Document(LAYOUT, [], [])
    for n, (title, grid) in enumerate(sheets):
        names.append(title)
        found = tables_of(grid, n, len(doc.tables) + 1)
        if found is None:
            continue
        doc.preamble = doc.preamble or found[0]
        doc.tables += found[1]

    def where(line: int) -> str:
        return f"工作表“{names[line // _ROW]}”第{line % _ROW}行"

    doc.where = where
    listed = "、".join(f"“{t}”" for t in names)
    doc.stopped = f"工作表{listed}的前{_HEADER_SEARCH}行中没有含“项目编码”“一级指标”“三级指标”“指标值”的表头"
    return doc


def read_xlsx(data: bytes) -> Document:
    """The export as .xlsx (openpyxl; merged ranges filled from their first cell)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise TableFormatError(1, f"Excel 工作簿已损坏，无法读取（{type(exc).__name__}）") from exc

    def sheets() -> Iterator[tuple[str, list[list[str]]]]:
        for ws in book.worksheets:
            grid = [[value_text(c.value, "%" in (c.number_format or "")) for c in row] for row in ws.iter_rows()]
            for rng in ws.merged_cells.ranges:
                top = grid[rng.min_row - 1][rng.min_col - 1]
                for r in range(rng.min_row - 1, rng.max_row):
                    for c in range(rng.min_col - 1, rng.max_col):
                        grid[r][c] = top
            yield ws.title, grid

    return _document(sheets())


def read_xls(data: bytes) -> Document:
    """The export as the older .xls (xlrd; merged ranges filled from their first cell)."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    except Exception as exc:  # xlrd raises many kinds on a damaged file
        raise TableFormatError(1, f"Excel（.xls）工作簿已损坏或已加密，无法读取（{type(exc).__name__}）") from exc

    def text(sheet: Any, r: int, c: int) -> str:
        cell = sheet.cell(r, c)
        if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            return ""
        if cell.ctype == xlrd.XL_CELL_DATE:
            day: datetime = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)  # xlrd has no types
            return day.strftime("%Y-%m-%d")
        fmt = book.format_map.get(book.xf_list[cell.xf_index].format_key)
        return value_text(cell.value, fmt is not None and "%" in fmt.format_str)

    def sheets() -> Iterator[tuple[str, list[list[str]]]]:
        for sheet in book.sheets():
            grid = [[text(sheet, r, c) for c in range(sheet.ncols)] for r in range(sheet.nrows)]
            for rlo, rhi, clo, chi in sheet.merged_cells:
                for r in range(rlo, rhi):
                    for c in range(clo, chi):
                        grid[r][c] = grid[rlo][clo]
            yield sheet.name, grid

    return _document(sheets())
