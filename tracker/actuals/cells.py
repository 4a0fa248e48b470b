"""The stored-size limits of upload cells (tracker/limits.py), checked on every chunk before any rule runs."""

from __future__ import annotations

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
    "voucher": 60,  # Payment.voucher
    "reason": limits.FREE_TEXT,
    "measures": limits.FREE_TEXT,
}
OTHER = 100  # dates, numbers and choices: far longer than any valid one


def cell_issues(chunk: Chunk) -> list[RowIssue]:
    """A finding per cell that holds a NUL character or is longer than its column keeps."""
    out: list[RowIssue] = []
    rows = chunk.frame["row"].to_numpy()
    for name, header in chunk.headers.items():
        values: list[str] = chunk.frame[name].astype(str).tolist()
        width = WIDTH.get(name, OTHER)
        if max(map(len, values), default=0) <= width and "\x00" not in "".join(values):
            continue  # the usual column, screened in C: every cell fits and none holds a NUL
        # one pass in Python: pandas' .str methods on string columns cost several times more per cell
        for at in [at for at, v in enumerate(values) if len(v) > width or "\x00" in v]:
            problem = limits.text_problem(values[at].strip(), width, header)
            if problem:
                out.append(RowIssue(int(rows[at]), header, problem, chunk.sheet))
    return out
