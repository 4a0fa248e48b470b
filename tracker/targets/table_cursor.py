"""One table being read by its labels: a cursor over its cells, how to name places in it, where its
warnings go, and the check that a cell's text fits what the product keeps (parsing.py and table_rows.py)."""

from __future__ import annotations

from collections.abc import Callable

from tracker import limits
from tracker.targets.cells import Cell, RawTable, TableFormatError


def sized(cell: Cell | None, text: str, limit: int, what: str, line: int) -> str:
    """The text when the product can keep it (tracker/limits.py), else TableFormatError naming the line."""
    if problem := limits.text_problem(text, limit, what):
        raise TableFormatError(cell.line if cell else line, problem)
    return text


class Cursor:
    """The cells of one table in reading order, found by their labels."""

    def __init__(self, cells: list[Cell], heading_line: int) -> None:
        self.cells = cells
        self.heading_line = heading_line

    def find(self, pred: Callable[[str], bool], start: int = 0) -> int | None:
        for i in range(start, len(self.cells)):
            if pred(self.cells[i].key):
                return i
        return None

    def after(self, label: str, start: int = 0) -> tuple[int, Cell] | None:
        i = self.find(lambda k: k == label, start)
        if i is None or i + 1 >= len(self.cells):
            return None
        return i + 1, self.cells[i + 1]

    def line_of(self, i: int | None) -> int:
        if i is None or not self.cells:
            return self.heading_line
        return self.cells[min(i, len(self.cells) - 1)].line


class Table:
    """One table being read: its cells, how to name places in it, and where its warnings go."""

    def __init__(self, raw: RawTable, where: Callable[[int], str], warnings: list[str], *, is_last: bool) -> None:
        self.raw, self.where_of, self.warnings, self.is_last = raw, where, warnings, is_last
        self.cur = Cursor(raw.cells, raw.line)
        self.label = f"表{raw.number or ''}“{raw.title}”"

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(f"{self.where_of(line)}：{message}")
