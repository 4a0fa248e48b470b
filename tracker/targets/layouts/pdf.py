"""PDF with a text layer: its lines rebuilt as text (indentation as a tab, vertical gaps as blank lines).

The rebuilt text is then read as one of the text layouts (text.py). A line set in from the left
margin of the document stands for a tab-indented line; the gap between two lines, in multiples of
the usual line pitch, gives the blank lines between them, so the plain layout keeps its empty cells.
"""

from __future__ import annotations

import io
from collections import Counter
from itertools import pairwise
from typing import Any

from tracker.targets.cells import TableFormatError

_INDENT = 6.0  # points: more than this right of the margin is an indented (tab) line


def pdf_text(data: bytes) -> str:
    """The text of every page, lines in order, with tabs and blank lines rebuilt from the positions."""
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [page.extract_text_lines(strip=True, return_chars=False) for page in pdf.pages]
    except Exception as exc:  # pdfminer raises many kinds on a damaged or encrypted file
        raise TableFormatError(1, f"PDF 文件已损坏或已加密，无法读取（{type(exc).__name__}）") from exc
    lines = [line for page in pages for line in page]
    if not lines:
        raise TableFormatError(1, "PDF 没有文字层（可能是扫描件）：请提供 Word 文档或带文字的 PDF")
    margin = min(line["x0"] for line in lines)
    pitch = _pitch(pages)
    top = min(page[0]["top"] for page in pages if page)
    bottom = max(page[-1]["top"] for page in pages if page)
    out: list[str] = []
    for page in pages:
        if not page:
            continue
        out += [""] * _blanks(page[0]["top"] - top, pitch, first=True)
        for n, line in enumerate(page):
            if n:
                out += [""] * _blanks(line["top"] - page[n - 1]["top"], pitch)
            indent = "\t" if line["x0"] - margin > _INDENT else ""
            out.append(indent + line["text"])
        out += [""] * _blanks(bottom - page[-1]["top"], pitch, first=True)
    return "\n".join(out)


def _pitch(pages: list[list[dict[str, Any]]]) -> float:
    """The line pitch: the smallest distance between consecutive lines that occurs more than once."""
    gaps = Counter(round(b["top"] - a["top"], 1) for page in pages for a, b in pairwise(page))
    usual = [g for g, n in gaps.items() if g > 0 and n > 1] or [g for g in gaps if g > 0]
    return min(usual) if usual else 12.0


def _blanks(distance: float, pitch: float, *, first: bool = False) -> int:
    """Blank lines in a gap: between two lines one pitch means none; from the page margin, zero pitches do."""
    steps = round(distance / pitch)
    return max(steps if first else steps - 1, 0)
