"""Build every other layout of a target file (DOMAIN.md §1.2) from the tab-indented 昌黎县 text.

The builders start from the text's cells (for the text-like layouts) or from its parsed projects
(for the budget system's one-row-per-indicator export), the way a bureau's own files hold the same
tables, so that a test can read each one back and compare it with the text reading.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from tracker.core.project import ProjectData
from tracker.core.values import Comparator, Kind
from tracker.targets.cells import Document
from tracker.targets.parsing import ParsedFile

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
SIGNS = {Comparator.GE: "≥", Comparator.LE: "≤", Comparator.GT: ">", Comparator.LT: "<", Comparator.EQ: "="}
EXPORT_PROJECT = ["单位编码", "单位名称", "项目编码", "项目名称", "预算数", "财政资金", "其他资金", "资金用途"]
EXPORT_INDICATOR = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标性质", "指标值", "度量单位"]
EXPORT_TAIL = ["指标值确定依据", "分值"]


def _one_paragraph(text: str) -> str:
    """A cell's text without blank lines inside (a blank line would end the cell in the plain layout)."""
    return re.sub(r"\n\s*\n+", "\n", text.strip())


def plain_text(doc: Document) -> str:
    """The plain layout: one cell per line (or block of lines), one blank line between cells."""
    out: list[str] = []
    for line in doc.preamble:
        if line.strip():
            out += [line.strip(), ""]
    for table in doc.tables:
        out += [f"{table.number}.{table.title}", ""]
        for cell in table.cells:
            out += [_one_paragraph(cell.text), ""]
    return "\n".join(out)


def docx_bytes(doc: Document, parsed: ParsedFile) -> bytes:
    """A Word document: a heading paragraph and a 6-column table per project, with merged cells.

    The cells above the indicator header sit two to a row, the second merged across five columns;
    a 一级指标 or 二级指标 that continues from the row above is merged down into it.
    """
    from docx import Document as new_docx

    word = new_docx()
    for line in doc.preamble:
        if line.strip():
            word.add_paragraph(line.strip())
    for table, project in zip(doc.tables, parsed.projects, strict=True):
        word.add_paragraph(f"{table.number}.{table.title}")
        header_at = next(i for i, c in enumerate(table.cells) if c.key == "一级指标")
        head = [c.text for c in table.cells[:header_at]]
        pairs = [head[i : i + 2] for i in range(0, len(head), 2)]
        rows = len(pairs) + 1 + len(project.indicators)
        grid = word.add_table(rows=rows, cols=6)
        for r, pair in enumerate(pairs):
            grid.cell(r, 0).text = pair[0]
            merged = grid.cell(r, 1).merge(grid.cell(r, 5))
            merged.text = pair[1] if len(pair) > 1 else ""
        top = len(pairs)
        for c, label in enumerate(["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]):
            grid.cell(top, c).text = label
        _indicator_rows(grid, project, top + 1)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _indicator_rows(grid: Any, project: ProjectData, first: int) -> None:
    inds = project.indicators
    for n, ind in enumerate(inds):
        for c, text in enumerate([ind.level1, ind.level2, ind.level3, ind.description, ind.target.text, ind.basis]):
            grid.cell(first + n, c).text = text
    for c, key in ((0, lambda i: i.level1), (1, lambda i: (i.level1, i.level2))):
        top = 0
        for n in range(1, len(inds) + 1):
            if n == len(inds) or key(inds[n]) != key(inds[top]):
                if n - 1 > top:
                    text = grid.cell(first + top, c).text
                    grid.cell(first + top, c).merge(grid.cell(first + n - 1, c)).text = text
                top = n


def export_rows(parsed: ParsedFile, *, weights: bool = False) -> tuple[list[str], list[list[object]]]:
    """The budget system's export: header and one row per indicator (target split into three columns)."""
    months = sorted({c.month for p in parsed.projects for c in p.plan})
    header = [*EXPORT_PROJECT, *(f"{m}月底" for m in months), "绩效目标", *EXPORT_INDICATOR, *EXPORT_TAIL]
    rows: list[list[object]] = []
    for p in parsed.projects:
        plan = {c.month: float(c.cumulative_pct) for c in p.plan}
        objectives = "\n".join(f"{n}.{o}" for n, o in enumerate(p.objectives, start=1))
        money = [p.budget_fen / 1_000_000, p.fiscal_fen / 1_000_000, p.other_fen / 1_000_000]
        project = [p.dept_code, p.dept_name, p.code, p.name, *money, p.purpose]
        for ind in p.indicators:
            t = ind.target
            if t.kind is Kind.QUALITATIVE:
                target: list[object] = ["定性", t.text, ""]
            else:
                target = [SIGNS[t.comparator or Comparator.EQ], str(t.value), t.unit or ""]
            level = [ind.level1, ind.level2, ind.level3, ind.description, *target, ind.basis]
            weight = [float(ind.seq) if weights else ""]
            rows.append([*project, *(plan.get(m, "") for m in months), objectives, *level, *weight])
    return header, rows


def _project_span(rows: list[list[object]]) -> list[tuple[int, int]]:
    """(first, last) row index of each project's block, for merging its cells down."""
    spans: list[tuple[int, int]] = []
    for i, row in enumerate(rows):
        if i and row[:3] == rows[i - 1][:3]:
            spans[-1] = (spans[-1][0], i)
        else:
            spans.append((i, i))
    return spans


def xlsx_bytes(parsed: ParsedFile, *, weights: bool = False) -> bytes:
    """The export as .xlsx, the project's cells merged down over its indicator rows, under a title row."""
    from openpyxl import Workbook

    header, rows = export_rows(parsed, weights=weights)
    book = Workbook()
    ws = book.active
    ws.title = "绩效目标"
    ws.append([parsed.region_name])
    ws.append(header)
    project_columns = len(header) - len(EXPORT_INDICATOR) - len(EXPORT_TAIL)
    for row in rows:
        ws.append(row)
    for first, last in _project_span(rows):
        for c in range(1, project_columns + 1):
            for r in range(first + 4, last + 4):
                ws.cell(r, c).value = None
            if last > first:
                ws.merge_cells(start_row=first + 3, end_row=last + 3, start_column=c, end_column=c)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xls_bytes(parsed: ParsedFile) -> bytes:
    """The export as the older .xls (xlwt), the project's cells repeated on every row."""
    import xlwt

    header, rows = export_rows(parsed)
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("目标")
    ws.write(0, 0, parsed.region_name)
    for c, name in enumerate(header):
        ws.write(1, c, name)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _wrap(line: str, width: int) -> list[str]:
    """Split a long line for the page, never just before a digit (a new line starting 2. is an objective)."""
    out: list[str] = []
    while len(line) > width:
        cut = width
        while cut > 1 and line[cut].isdigit():
            cut -= 1
        out.append(line[:cut])
        line = line[cut:]
    return [*out, line]


def pdf_bytes(text: str) -> bytes:
    """A PDF with a text layer holding `text` line by line (blank lines kept as space), CJK font embedded."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("wqy", str(FONT), subfontIndex=0))
    out = io.BytesIO()
    width, height = landscape(A4)
    page = canvas.Canvas(out, pagesize=(width, height))
    size, leading, margin = 8, 11, 30
    y = height - margin
    lines = [part for line in text.split("\n") for part in _wrap(line, int((width - 2 * margin) / size) - 2)]
    for line in lines:
        if y < margin:
            page.showPage()
            y = height - margin
        page.setFont("wqy", size)
        x = margin + (12 if line.startswith("\t") else 0)
        page.drawString(x, y, line.lstrip("\t"))
        y -= leading
    page.save()
    return out.getvalue()
