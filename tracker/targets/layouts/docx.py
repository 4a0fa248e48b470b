"""Word documents (.docx): paragraphs and tables in body order, every table cell once, in reading order.

A cell merged across columns (gridSpan) is read once, at its place; a cell merged down (vMerge) reads
as empty in the rows it continues into, which is how the published text shows it (an indicator row
that continues the 一级指标 above has an empty first cell).
"""

from __future__ import annotations

import io
from typing import Any

from tracker.targets.cells import Cell, Document, TableFormatError, split_stream

LAYOUT = "Word 文档"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BREAKS = {f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}tab": "\t"}
_TAGS = (f"{_W}t", *_BREAKS)


def _text(element: Any) -> str:
    """The text of a paragraph or cell element: paragraphs and line breaks (w:br) as new lines."""
    paragraphs = element.iter(f"{_W}p") if element.tag != f"{_W}p" else [element]
    return "\n".join("".join(_BREAKS.get(n.tag, n.text or "") for n in p.iter(*_TAGS)) for p in paragraphs)


def read_docx(data: bytes) -> Document:
    """The cells of a .docx; TableFormatError when the file cannot be opened as one."""
    from docx import Document as open_docx

    try:
        body = open_docx(io.BytesIO(data)).element.body
    except Exception as exc:  # python-docx raises many kinds on a damaged file
        raise TableFormatError(1, f"Word 文档已损坏，无法读取（{type(exc).__name__}）") from exc
    items: list[Cell] = []
    places: dict[int, str] = {}
    paragraphs = tables = 0
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            paragraphs += 1
            if text := _text(child).strip():
                items.append(Cell(text, len(items) + 1))
                places[len(items)] = f"第{paragraphs}段"
        elif child.tag == f"{_W}tbl":
            tables += 1
            for r, row in enumerate(child.iterchildren(f"{_W}tr"), start=1):
                for c, tc in enumerate(row.iterchildren(f"{_W}tc"), start=1):
                    items.append(Cell("" if _continues_down(tc) else _text(tc), len(items) + 1))
                    places[len(items)] = f"第{tables}个表格第{r}行第{c}格"

    def where(n: int) -> str:
        return places.get(n, f"第{n}格")

    doc = split_stream(LAYOUT, items, where)
    doc.stopped = f"读完 {paragraphs} 段文字和 {tables} 个表格"
    return doc


def _continues_down(tc: Any) -> bool:
    """A cell that continues a vertical merge from the row above (vMerge without restart)."""
    pr = tc.find(f"{_W}tcPr")
    merge = pr.find(f"{_W}vMerge") if pr is not None else None
    return merge is not None and merge.get(f"{_W}val", "continue") != "restart"
