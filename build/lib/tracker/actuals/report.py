"""Row-level findings of an upload: errors refuse the file, warnings do not."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tracker.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class RowIssue:
    """One finding, numbered as the spreadsheet shows it (header = row 1); row None is about the whole file."""

    row: int | None
    column: str
    message: str
    sheet: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"row": self.row, "column": self.column, "message": self.message}
        if self.sheet:
            out["sheet"] = self.sheet
        return out

    def line(self) -> str:
        """`row N, column C: message` (INTERFACE.md); a workbook's sheet in brackets; `file: …` for the whole file."""
        where = f"[{self.sheet}] " if self.sheet else ""
        if self.row is None:
            return f"{where}file: {self.message}"
        return f"{where}row {self.row}, column {self.column}: {self.message}"


@dataclass(slots=True)
class Issues:
    """Findings of one kind, kept up to `limit` (the count goes on) so that a million bad rows stay small.

    A cell is reported once: the first reason given for it (a formula, say) stands.
    """

    limit: int = 1000
    items: list[RowIssue] = field(default_factory=list)
    total: int = 0
    seen: set[tuple[str | None, int | None, str]] = field(default_factory=set)

    def add(self, issue: RowIssue) -> None:
        key = (issue.sheet, issue.row, issue.column)
        if key in self.seen:
            return
        self.total += 1
        if len(self.items) < self.limit:
            self.seen.add(key)
            self.items.append(issue)

    def extend(self, issues: list[RowIssue]) -> None:
        for issue in issues:
            self.add(issue)

    def add_rows(self, rows: list[int], column: str, messages: list[str], sheet: str | None) -> None:
        """Many findings at once: only those that fit the listing are built (`messages` may stop there)."""
        take = self.room()
        for row, message in zip(rows[:take], messages[:take], strict=False):
            self.add(RowIssue(int(row), column, message, sheet))
        self.total += max(len(rows) - take, 0)

    def room(self) -> int:
        return max(self.limit - len(self.items), 0)

    def sorted(self) -> list[RowIssue]:
        """By sheet as the file orders them, then row; a row's findings in the order they were found."""
        sheets: dict[str | None, int] = {}
        for issue in self.items:
            sheets.setdefault(issue.sheet, len(sheets))
        return sorted(self.items, key=lambda i: (sheets[i.sheet], i.row or 0))

    def __bool__(self) -> bool:
        return self.total > 0


class UploadRejected(InvalidInput):
    """The file is refused and nothing was written; `rows` lists every bad row (up to the listing limit)."""

    def __init__(self, detail: str, issues: list[RowIssue], total: int | None = None) -> None:
        super().__init__(detail, rows=[i.as_dict() for i in issues])
        self.issues = issues
        self.total = len(issues) if total is None else total


def file_error(message: str, column: str = "", row: int | None = None, sheet: str | None = None) -> UploadRejected:
    """A refusal about the file as a whole (empty, too large, wrong type, missing columns)."""
    return UploadRejected(message, [RowIssue(row, column, message, sheet)])
