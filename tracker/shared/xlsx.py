"""Shared XlsxWriter plumbing for the exports: CJK formats, safe text, numeric cells, A4 pages.

Text is always written with `write_string`, so nothing a user typed becomes a formula or a link.
Text that starts with = + - @ (or a tab or carriage return) also gets Excel's own apostrophe, the
`quotePrefix` cell style, so it stays text even after someone edits the cell in Excel.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from functools import lru_cache
from typing import IO, Any

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

FONT = "宋体"  # the name Chinese Excel writes for SimSun; LibreOffice maps it too
RISKY_START = ("=", "+", "-", "@", "\t", "\r")
MAX_TEXT = 32767  # Excel's limit on one cell
WAN = "0.00"
PCT = "0.00%"
SCORE = "0.00"

_BASE: dict[str, Any] = {"font_name": FONT, "font_size": 10, "valign": "vcenter", "text_wrap": True}
_BOX: dict[str, Any] = {**_BASE, "border": 1}
STYLES: dict[str, dict[str, Any]] = {
    "title": {**_BASE, "font_size": 16, "bold": True, "align": "center", "text_wrap": False},
    "subtitle": {**_BASE, "align": "left", "text_wrap": False},
    "header": {**_BOX, "bold": True, "align": "center", "bg_color": "#D9E1F2"},
    "label": {**_BOX, "bold": True, "align": "center"},
    "text": {**_BOX, "align": "left"},
    "center": {**_BOX, "align": "center"},
    "wan": {**_BOX, "align": "right", "num_format": WAN},
    "wan_estimated": {**_BOX, "align": "right", "num_format": WAN + '"（测算）"'},  # a forecast estimated here
    "pct": {**_BOX, "align": "right", "num_format": PCT},
    "score": {**_BOX, "align": "right", "num_format": SCORE},
    "int": {**_BOX, "align": "center", "num_format": "0"},
    "flag": {**_BOX, "align": "left", "bg_color": "#FFEB9C"},  # lost points, no reason given
    "flag_center": {**_BOX, "align": "center", "bg_color": "#FFEB9C"},
    "missing": {**_BOX, "align": "center", "font_color": "#9C0006", "bg_color": "#FFC7CE"},  # 未填报
    "total_label": {**_BOX, "bold": True, "align": "center", "bg_color": "#F2F2F2"},
    "total_wan": {**_BOX, "bold": True, "align": "right", "num_format": WAN, "bg_color": "#F2F2F2"},
    "total_score": {**_BOX, "bold": True, "align": "right", "num_format": SCORE, "bg_color": "#F2F2F2"},
    "total_pct": {**_BOX, "bold": True, "align": "right", "num_format": PCT, "bg_color": "#F2F2F2"},
    "total_text": {**_BOX, "bold": True, "align": "center", "bg_color": "#F2F2F2"},
    "note": {**_BASE, "align": "left"},
    "green": {**_BOX, "align": "center", "bg_color": "#C6EFCE"},
    "yellow": {**_BOX, "align": "center", "bg_color": "#FFEB9C"},
    "red": {**_BOX, "align": "center", "bg_color": "#FFC7CE"},
}


def new_workbook(target: str | IO[bytes], *, large: bool = False) -> Workbook:
    """A workbook that never turns strings into formulas, numbers or links.

    `large` (summaries) streams rows to disk with constant_memory; small per-project books stay in
    memory, which is faster than a temporary file per sheet.
    """
    options: dict[str, Any] = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    options.update({"constant_memory": True} if large else {"in_memory": True})
    return Workbook(target, options)


class Sheet:
    """One worksheet with the export's formats; every write goes through the typed helpers here."""

    def __init__(self, book: Workbook, ws: Worksheet, formats: Formats) -> None:
        self.book, self.ws, self.f = book, ws, formats

    def text(self, row: int, col: int, value: str | None, style: str = "text") -> None:
        shown = (value or "")[:MAX_TEXT]
        quoted = shown.startswith(RISKY_START)
        self.ws.write_string(row, col, shown, self.f.get(style, quoted=quoted))

    def number(self, row: int, col: int, value: Decimal | int | float | None, style: str = "wan") -> None:
        if value is None:
            self.ws.write_blank(row, col, None, self.f.get(style))
        else:
            self.ws.write_number(row, col, float(value), self.f.get(style))

    def quantity(self, row: int, col: int, value: Decimal, unit: str | None, style: str = "center") -> None:
        """A number shown with its unit (2480人) that stays numeric in the cell."""
        self.ws.write_number(row, col, float(value), self.f.unit(unit, style))

    def merge_text(self, first_row: int, first_col: int, last_row: int, last_col: int, value: str | None,
                   style: str = "text") -> None:  # fmt: skip
        """A merged block holding text, written as a string (merge_range alone would parse it)."""
        if first_row == last_row and first_col == last_col:
            self.text(first_row, first_col, value, style)
            return
        fmt = self.f.get(style, quoted=(value or "").startswith(RISKY_START))
        self.ws.merge_range(first_row, first_col, last_row, last_col, "", fmt)
        self.ws.write_string(first_row, first_col, (value or "")[:MAX_TEXT], fmt)

    def merge_number(self, first_row: int, first_col: int, last_row: int, last_col: int, value: Decimal | None,
                     style: str) -> None:  # fmt: skip
        fmt = self.f.get(style)
        self.ws.merge_range(first_row, first_col, last_row, last_col, "", fmt)
        if value is not None:
            self.ws.write_number(first_row, first_col, float(value), fmt)


class Formats:
    """The export's formats of one workbook, created on first use (XlsxWriter formats are per book)."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self._made: dict[tuple[str, bool], Format] = {}
        self._units: dict[tuple[str | None, str], Format] = {}

    def get(self, style: str, *, quoted: bool = False) -> Format:
        key = (style, quoted)
        fmt = self._made.get(key)
        if fmt is None:
            props = STYLES[style] | ({"quote_prefix": True} if quoted else {})
            fmt = self._made[key] = self.book.add_format(props)
        return fmt

    def unit(self, unit: str | None, style: str) -> Format:
        key = (unit, style)
        fmt = self._units.get(key)
        if fmt is None:
            suffix = (unit or "").replace('"', "")
            props = STYLES[style] | {"num_format": f'General"{suffix}"' if suffix else "General"}
            fmt = self._units[key] = self.book.add_format(props)
        return fmt


def add_sheet(book: Workbook, formats: Formats, name: str) -> Sheet:
    return Sheet(book, book.add_worksheet(name), formats)


class _CharWidths(dict[str, int]):
    """Columns per character, looked up once per distinct character (a few thousand at most)."""

    def __missing__(self, ch: str) -> int:
        width = self[ch] = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        return width


_WIDTHS = _CharWidths()


@lru_cache(maxsize=1 << 16)  # a project's texts are measured again in its unit's workbook
def display_width(text: str) -> int:
    """Columns a line takes on screen: CJK and full-width characters count double."""
    return len(text) if text.isascii() else sum(map(_WIDTHS.__getitem__, text))


def fit_width(values: list[str], *, low: float = 6, high: float = 40) -> float:
    """A column width that shows the longest line of `values`, between `low` and `high`."""
    widest = max((display_width(line) for v in values for line in v.splitlines()), default=0)
    return max(low, min(high, widest * 1.1 + 2))


def a4(ws: Worksheet, *, landscape: bool, repeat_rows: tuple[int, int] | None = None) -> None:
    """A4, fit to one page wide, centred, page numbers in the footer, print titles repeated."""
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
    if repeat_rows is not None:
        ws.repeat_rows(*repeat_rows)


_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def sheet_name(label: str, taken: set[str]) -> str:
    """A unique Excel sheet name (31 characters, none of []:*?/\\), remembered in `taken`."""
    base = label.translate(_BAD_SHEET_CHARS).strip("'") or "Sheet"
    name, n = base[:31], 1
    while name.lower() in taken:
        n += 1
        tail = f"({n})"
        name = base[: 31 - len(tail)] + tail
    taken.add(name.lower())
    return name


_BAD_FILE_CHARS = str.maketrans({c: "_" for c in '<>:"/\\|?*\n\r\t'})


def file_stem(*parts: str, limit: int = 80) -> str:
    """A file name stem safe on Windows and Linux, made of `parts` joined by '-'."""
    return "-".join(p.translate(_BAD_FILE_CHARS).strip(" .") for p in parts if p)[:limit]
