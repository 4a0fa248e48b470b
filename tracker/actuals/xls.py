"""Reading legacy .xls uploads (the budget system's older treasury exports) with xlrd, every cell as text.

The same sheets as a workbook (支出 and 指标, or the only sheet), the same header reading; an .xls holds at
most 65,536 rows, so a sheet is read whole and then cut into chunks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd

from tracker.actuals.chunks import Chunk, Progress
from tracker.actuals.columns import SHEETS, normalise_header
from tracker.actuals.report import file_error
from tracker.actuals.treasury import HEADER_ROWS, header_at, reading_for
from tracker.actuals.workbook import cell_text
from tracker.shared.files import Source, open_source


def _text(cell: Any, datemode: int) -> str:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        return cell_text(xlrd.xldate.xldate_as_datetime(cell.value, datemode))
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    return cell_text(cell.value)


def _column(ws: Any, pos: int, first: int, last: int, datemode: int) -> list[str]:
    return [_text(ws.cell(r, pos), datemode) if pos < ws.row_len(r) else "" for r in range(first, last)]


def xls_chunks(source: Source, chunk_rows: int, progress: Progress | None) -> Iterator[Chunk]:
    """The workbook's 支出 and 指标 sheets (or its only sheet) in chunks of canonical text columns."""
    import xlrd

    with open_source(source) as fh:
        data = fh.read()
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except Exception:  # xlrd raises many kinds on a damaged or encrypted file
        raise file_error("无法读取 .xls 工作簿（已损坏或已加密）：请另存为 .xlsx 或 CSV（UTF-8）") from None
    try:
        sheets = [s for s in book.sheets() if normalise_header(s.name) in SHEETS]
        if not sheets and book.nsheets == 1:
            sheets = [book.sheet_by_index(0)]
        if not sheets:
            raise file_error("工作簿中没有“支出”或“指标”工作表")
        for ws in sheets:
            named = SHEETS.get(normalise_header(ws.name))
            if ws.nrows == 0:
                continue
            top = [[_text(c, book.datemode).strip() for c in ws.row(r)] for r in range(min(ws.nrows, HEADER_ROWS))]
            at = header_at(top)  # title lines above the header of a treasury export
            headers = top[at]
            if not any(headers):
                continue
            reading = reading_for(headers, ws.name, named)
            for first in range(at + 1, ws.nrows, chunk_rows):
                last = min(first + chunk_rows, ws.nrows)
                columns = {
                    name: _column(ws, pos, first, last, book.datemode) for pos, name in reading.positions.items()
                }
                frame = reading.finish(pd.DataFrame(columns, dtype=str), first + 1)
                if progress:
                    progress("检查", last, ws.nrows)
                export = reading.mapping is not None
                yield Chunk(reading.kind, ws.name, frame, reading.written, [], reading.unit, export)
    finally:
        book.release_resources()
