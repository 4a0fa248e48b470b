"""Reading XLSX uploads with openpyxl in read-only mode: sheets 支出, 指标 and 项目, every cell as the text it shows.

A formula cell is refused (its value is whatever Excel last computed, which nobody checked).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pandas as pd

from tracker.actuals.chunks import Chunk, Progress
from tracker.actuals.columns import SHEETS, Kind, normalise_header
from tracker.actuals.report import RowIssue, file_error
from tracker.actuals.treasury import HEADER_ROWS, Reading, header_at, reading_for
from tracker.core.units import tidy
from tracker.errors import DomainError
from tracker.shared.files import Source, open_source

UNREADABLE = "工作簿内容无法读取（已损坏，或含有不允许的 XML 实体定义）：请在 Excel 中另存为 .xlsx 后重试"


def cell_text(value: Any) -> str:
    """A cell as the text it shows: integral numbers without '.0', dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _shown(cell: Any) -> str:
    """A cell's text; a number formatted as a percentage reads as Excel shows it (0.97 → '97%')."""
    if cell is None:
        return ""
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        return f"{tidy(Decimal(repr(value)) * 100)}%"
    return cell_text(value)


def xlsx_chunks(source: Source, chunk_rows: int, progress: Progress | None) -> Iterator[Chunk]:
    """The workbook's 支出 and 指标 sheets (or its only sheet) in chunks of canonical text columns."""
    from openpyxl import load_workbook

    with open_source(source) as fh:
        try:
            book = load_workbook(fh, read_only=True, data_only=False)
        except Exception:  # openpyxl raises many kinds on a damaged file
            raise file_error("工作簿已损坏，无法读取") from None
        try:
            sheets: list[tuple[Any, Kind | None]] = [
                (ws, SHEETS[normalise_header(ws.title)]) for ws in book if normalise_header(ws.title) in SHEETS
            ]
            if not sheets and len(book.worksheets) == 1:
                sheets = [(book.worksheets[0], None)]
            if not sheets:
                raise file_error("工作簿中没有“支出”、“指标”或“项目”工作表")
            for ws, named_kind in sheets:
                yield from _sheet_chunks(ws, named_kind, chunk_rows, progress)
        except DomainError:
            raise
        except Exception:  # a sheet's XML is read lazily: a DTD, an entity or a broken part fails here
            raise file_error(
                "工作簿内容无法读取（已损坏，或含有不允许的 XML 实体定义）：请在 Excel 中另存为 .xlsx 后重试"
            ) from None
        finally:
            book.close()


def _sheet_chunks(ws: Any, named_kind: Kind | None, chunk_rows: int, progress: Progress | None) -> Iterator[Chunk]:
    estimate = ws.max_row if isinstance(ws.max_row, int) else None
    ws.reset_dimensions()
    rows = ws.iter_rows()
    top = list(itertools.islice(rows, HEADER_ROWS))  # a treasury export's title lines come before its header
    at = header_at([[cell_text(c.value) for c in cells] for cells in top])
    headers = [cell_text(c.value).strip() for c in (top[at] if top else ())]
    if not any(headers):
        return  # an empty sheet holds nothing to upload
    rows = itertools.chain(top[at + 1 :], rows)
    reading = reading_for(headers, ws.title, named_kind)
    positions, written = reading.positions, reading.written
    columns: dict[str, list[str]] = {name: [] for name in positions.values()}
    issues: list[RowIssue] = []
    first = row_no = at + 2  # rows numbered as Excel shows them
    for row_no, cells in enumerate(rows, start=first):
        for pos, name in positions.items():
            cell = cells[pos] if pos < len(cells) else None
            if cell is not None and cell.data_type == "f":
                issues.append(RowIssue(row_no, written[name], "不能使用公式，请粘贴为数值", ws.title))
                columns[name].append("")
            else:
                columns[name].append(_shown(cell))
        if row_no - first + 1 == chunk_rows:
            yield _sheet_chunk(reading, ws.title, columns, issues, first)
            if progress:
                progress("检查", row_no, estimate)
            columns, issues, first = {name: [] for name in positions.values()}, [], row_no + 1
    if any(columns.values()) and len(next(iter(columns.values()))):
        yield _sheet_chunk(reading, ws.title, columns, issues, first)


def _sheet_chunk(
    reading: Reading, sheet: str, columns: dict[str, list[str]], issues: list[RowIssue], first: int
) -> Chunk:
    frame = reading.finish(pd.DataFrame(columns, dtype=str), first)
    return Chunk(reading.kind, sheet, frame, reading.written, issues, reading.unit, reading.mapping is not None)
