"""Text layouts: cells as tab-indented lines (the published .txt), or one cell per line without tabs.

Tab layout: every cell is a line that starts with a tab; a line without a leading tab continues the
cell above (so cells may hold blank lines); a table starts at a heading line such as
`3.城乡低保资金县级配套绩效目标表` that is followed by the unit cell `314001昌黎县民政局本级`.

Plain layout (copied from Word or PDF without the tabs): one blank line between cells; an empty cell
is a line holding nothing or a single space, so k empty cells in a row make 2k+1 blank lines.
Consecutive non-blank lines are one cell of several lines.
"""

from __future__ import annotations

from tracker.shared.files import decode_text
from tracker.targets.cells import HEADING, UNIT_CELL, Cell, Document, RawTable, TableFormatError, split_stream, unquote

TAB_LAYOUT = "制表符缩进的文本"
PLAIN_LAYOUT = "不带制表符的文本"


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
        cell.text = unquote(cell.text.strip())
    return cells


def _first_cell(lines: list[str], start: int) -> tuple[int, str] | None:
    """The first cell line after `start`, skipping blank lines; None when a non-cell line comes first."""
    for i in range(start, len(lines)):
        if not lines[i].strip():
            continue
        if lines[i].startswith("\t"):
            return i, lines[i][1:].strip()
        return None
    return None


def read_tab_text(text: str) -> Document:
    """The tab layout; a Document without tables when no heading with a table under it is found."""
    lines = text.split("\n")
    doc = Document(TAB_LAYOUT, [], [])
    found: list[tuple[int, int | None, str]] = []
    for i, raw in enumerate(lines):
        if raw.startswith("\t") or not (m := HEADING.match(raw)):
            continue
        nxt = _first_cell(lines, i + 1)
        if nxt and UNIT_CELL.match(nxt[1]):
            found.append((i, int(m.group(1)) if m.group(1) else None, m.group(2)))
        else:
            doc.warnings.append(f"第{i + 1}行：标题“{raw.strip()}”下没有表格，已忽略")
    if not found:
        return doc
    doc.preamble = lines[: found[0][0]]
    bounds = [h[0] for h in found] + [len(lines)]
    for n, (start, number, title) in enumerate(found):
        doc.tables.append(RawTable(start + 1, number, title, _cells(lines, start + 1, bounds[n + 1])))
    return doc


def plain_cells(lines: list[str]) -> list[Cell]:
    """Cells of the plain layout: blocks of non-blank lines, with (n-1)/2 empty cells in a run of n blanks."""
    cells: list[Cell] = []
    block: list[str] = []
    blanks: list[int] = []  # 1-based line numbers of the current run of blank lines
    start = 0
    for i, raw in enumerate(lines, start=1):
        if raw.strip():
            if blanks and cells:
                cells.extend(Cell("", blanks[2 * k + 1]) for k in range((len(blanks) - 1) // 2))
            blanks = []
            if not block:
                start = i
            block.append(raw.strip())
            continue
        if block:
            cells.append(Cell("\n".join(block), start))
            block = []
        blanks.append(i)
    if block:
        cells.append(Cell("\n".join(block), start))
    return cells


def read_plain_text(text: str) -> Document:
    """The plain layout (no tabs); a Document without tables when no heading with a table is found."""
    return split_stream(PLAIN_LAYOUT, plain_cells(text.split("\n")))
