"""What the upload readers hand on: chunks of canonical text columns, and how a header is read.

Both readers (CSV in parsing.py, workbooks in workbook.py) build on this module, never on each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from tracker.actuals.columns import COLUMNS, Kind, map_headers
from tracker.actuals.report import RowIssue, file_error

Progress = Callable[[str, int, int | None], None]  # stage, done, total (None when unknown)


@dataclass(slots=True)
class Chunk:
    """Up to `chunk_rows` rows of one sheet: a text column per canonical name plus `row`."""

    kind: Kind
    sheet: str | None
    frame: pd.DataFrame
    headers: dict[str, str]  # canonical name -> header as written in the file
    issues: list[RowIssue] = field(default_factory=list)  # formula cells met while reading
    unit: str = "万元"  # the money unit of amount_wan's text: 万元 (template) or 元 (treasury export)
    export: bool = False  # a treasury export (actuals/treasury.py): every row needs its voucher


def read_header(kind: Kind | None, headers: list[str], sheet: str | None) -> tuple[Kind, dict[int, str]]:
    """The file's kind and column positions, or UploadRejected naming the header problem."""
    if kind is None:
        raise file_error(
            "无法判断文件内容：支出文件应有“金额（万元）”列，指标文件应有“实际完成值”列",
            column="表头",
            row=1,
            sheet=sheet,
        )
    positions, problems, _ignored = map_headers(kind, headers)
    if problems:
        raise file_error("；".join(problems), column="表头", row=1, sheet=sheet)
    return kind, positions


def finish_frame(kind: Kind, frame: pd.DataFrame, first_row: int) -> pd.DataFrame:
    """Add the canonical columns the file lacks (empty) and the spreadsheet row numbers."""
    for name in COLUMNS[kind]:
        if name not in frame.columns:
            frame[name] = ""
    frame["row"] = range(first_row, first_row + len(frame))
    return frame
