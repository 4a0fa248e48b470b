"""The one intermediate form of a target file: the cells of each table in reading order.

Every layout reader (tab-indented text, text without tabs, Word, PDF, the budget system's Excel
export) produces a `Document`; `parsing.build` turns any Document into projects, so every layout
goes through the same rules and the same checks. A cell's `line` is a position in its file that the
document's `where` turns into words for messages (第12行, 第3个表格第4行第2列, 工作表“目标”第7行).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

HEADING = re.compile(r"^\s*(?:(\d{1,3})\s*[.．、]?\s*)?(\S.*?绩效目标(?:申报|批复)?表)\s*$")
UNIT_CELL = re.compile(r"^(?:(?:预算)?单位(?:名称)?[:：]\s*)?(\d{3,12})\s*(\S.*)$")
MONTH = re.compile(r"^(?:截至|截止)?(\d{1,2})月(?:底|末|份)?(?:前)?$")
QUARTERS = {"第一季度": 3, "一季度": 3, "第二季度": 6, "二季度": 6, "上半年": 6, "第三季度": 9, "三季度": 9,
            "第四季度": 12, "四季度": 12, "全年": 12, "年底": 12, "年末": 12}  # fmt: skip

LAYOUTS = (
    "制表符缩进的文本（data/changli-2024-targets.txt 的格式）",
    "不带制表符、每格一行、格间空一行的文本",
    "Word 文档（.docx，每个项目一张表）",
    "带文字层的 PDF（文字为以上文本格式之一）",
    "预算管理一体化系统导出的 Excel（.xlsx/.xls，每个指标一行）",
)


class TableFormatError(ValueError):
    """The input is not a target table, or a table is broken; names the place (line, or sheet and row)."""

    def __init__(self, line: int, message: str, where: str | None = None) -> None:
        super().__init__(f"{where or f'第{line}行'}：{message}")
        self.line = line
        self.message = message


def unknown_layout(line: int, stopped: str) -> TableFormatError:
    """The refusal of a file in no known layout: the layouts read and where the reading stopped."""
    listed = "；".join(f"{n}. {name}" for n, name in enumerate(LAYOUTS, start=1))
    return TableFormatError(line, f"未找到绩效目标表（{stopped}）。可读取的格式：{listed}")


@dataclass(slots=True)
class Cell:
    text: str
    line: int

    @property
    def key(self) -> str:
        """The text with all white space removed and full-width forms folded, for label matching."""
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", self.text))


@dataclass(slots=True)
class RawTable:
    """One project's table: its heading and its cells in reading order (unit cell first)."""

    line: int
    number: int | None
    title: str
    cells: list[Cell]
    weights: dict[int, Decimal] = field(default_factory=dict)  # indicator seq -> 分值, where a layout has it


def checkpoint_month(key: str) -> int | None:
    """The month a plan checkpoint label names (3月底, 第二季度 …), or None when it names none."""
    if m := MONTH.match(key):
        return int(m.group(1))
    return QUARTERS.get(key)


def _line_words(line: int) -> str:
    return f"第{line}行"


@dataclass(slots=True)
class Document:
    layout: str
    preamble: list[str]  # text before the first table: the place (秦皇岛市昌黎县) and the year
    tables: list[RawTable]
    where: Callable[[int], str] = _line_words
    warnings: list[str] = field(default_factory=list)
    stopped: str = ""  # how far the reader got, for the refusal of a file in which it found no table


def unquote(text: str) -> str:
    """A cell as Excel's copy puts it ("…" with doubled quotes inside) back to its text."""
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1].replace('""', '"').strip()
    return text


def split_stream(layout: str, items: list[Cell], where: Callable[[int], str] = _line_words) -> Document:
    """Tables out of a flat run of cells: a table starts at a heading whose next non-empty cell is a unit."""
    doc = Document(layout, [], [], where)
    starts: list[tuple[int, int | None, str]] = []
    for i, cell in enumerate(items):
        m = HEADING.match(cell.text) if "\n" not in cell.text.strip() else None
        if not m:
            continue
        nxt = next((c for c in items[i + 1 :] if c.text.strip()), None)
        if nxt is not None and UNIT_CELL.match(nxt.text.strip().split("\n")[0]):
            starts.append((i, int(m.group(1)) if m.group(1) else None, m.group(2)))
        else:
            doc.warnings.append(f"{where(cell.line)}：标题“{cell.text.strip()}”下没有表格，已忽略")
    if not starts:
        return doc
    doc.preamble = [c.text for c in items[: starts[0][0]]]
    bounds = [s[0] for s in starts] + [len(items)]
    for n, (at, number, title) in enumerate(starts):
        cells = [Cell(unquote(c.text.strip()), c.line) for c in items[at + 1 : bounds[n + 1]]]
        while cells and not cells[0].text:
            cells.pop(0)  # blank lines or paragraphs between the heading and the table
        doc.tables.append(RawTable(items[at].line, number, title, cells))
    return doc
