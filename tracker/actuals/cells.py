"""The stored-size limits of upload cells (tracker/limits.py), checked on every chunk before any rule runs."""

from __future__ import annotations

import numpy as np

from tracker import limits
from tracker.actuals.chunks import Chunk
from tracker.actuals.report import RowIssue

# canonical column -> the most characters the product keeps in it
WIDTH: dict[str, int] = {
    "dept_code": limits.DEPT_CODE,
    "project_code": limits.PROJECT_CODE,
    "indicator": limits.INDICATOR_NAME,
    "actual": limits.ACTUAL_TEXT,
    "baseline": limits.ACTUAL_TEXT,
    "note": limits.FREE_TEXT,
    "reason": limits.FREE_TEXT,
    "measures": limits.FREE_TEXT,
}
OTHER = 100  # dates, numbers and choices: far longer than any valid one


def cell_issues(chunk: Chunk) -> list[RowIssue]:
    """A finding per cell that holds a NUL character or is longer than its column keeps."""
    out: list[RowIssue] = []
    rows = chunk.frame["row"].to_numpy()
    for name, header in chunk.headers.items():
        texts = chunk.frame[name].astype(str)
        width = WIDTH.get(name, OTHER)
        lengths = texts.str.len().to_numpy()
        nul = texts.str.contains("\x00", regex=False).to_numpy()
        values: list[str] = texts.tolist()
        for at in np.flatnonzero(nul | (lengths > width)).tolist():
            problem = limits.text_problem(values[at].strip(), width, header)
            if problem:
                out.append(RowIssue(int(rows[at]), header, problem, chunk.sheet))
    return out
