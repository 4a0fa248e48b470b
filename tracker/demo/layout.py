"""Write projects back in the published 绩效目标表 text layout (the 昌黎县 file's, cell per tab line).

The inverse of tracker/targets/parsing.py for the shapes the generator produces: every cell is a
line starting with a tab, continuation lines carry none, an empty cell is a lone tab, and a level-1
indicator name is written only on the first row of its group, as in the published file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tracker.core.money import FEN_PER_WAN


@dataclass(frozen=True, slots=True)
class IndicatorText:
    level1: str
    level2: str
    level3: str
    description: str
    target_text: str
    basis: str


@dataclass(slots=True)
class TableText:
    dept_code: str
    dept_name: str
    code: str
    name: str
    budget_fen: int
    fiscal_fen: int
    other_fen: int
    purpose: str
    plan: list[tuple[int, int]]  # (month, cumulative %)
    objectives: list[str]
    indicators: list[IndicatorText] = field(default_factory=list)


def wan(fen: int) -> str:
    """Fen as 万元 with two places, the way the tables print budgets."""
    whole, rest = divmod(fen, FEN_PER_WAN)
    return f"{whole}.{rest * 100 // FEN_PER_WAN:02d}"


def _cell(text: str) -> list[str]:
    """One cell: the first line behind a tab, further lines without one (tabs inside are dropped)."""
    lines = text.replace("\t", " ").split("\n")
    return ["\t" + lines[0], *lines[1:]]


def table_lines(number: int, t: TableText) -> list[str]:
    """One project's table, heading to last indicator row, followed by the blank lines between tables."""
    out = [f"{number}.{t.name}绩效目标表", f"\t{t.dept_code}{t.dept_name}", "\t单位：万元", ""]
    out += ["\t项目编码", f"\t{t.code}", "\t项目名称", *_cell(t.name), ""]
    out += [
        "\t预算规模及资金用途",
        "\t预算数",
        f"\t{wan(t.budget_fen)}",
        "\t其中：财政    资金",
        f"\t{wan(t.fiscal_fen)}",
    ]
    out += ["\t其他资金", f"\t{wan(t.other_fen)}" if t.other_fen else "\t ", "", "\t", *_cell(t.purpose), ""]
    out += ["\t资金支出计划（%）", *(f"\t{m}月底" for m, _ in t.plan), "", "\t", *(f"\t{p}%" for _, p in t.plan), ""]
    objectives = "\n\n".join(f"{n}.{text}" for n, text in enumerate(t.objectives, start=1))
    out += ["\t绩效目标", *_cell(objectives), "", "", "", ""]
    out += ["\t一级指标", "\t二级指标", "\t三级指标", "\t绩效指标描述", "\t指标值", "\t指标值确定依据", ""]
    previous = ""
    for i in t.indicators:
        out.append("\t" + (i.level1 if i.level1 != previous else ""))
        previous = i.level1
        for text in (i.level2, i.level3, i.description, i.target_text, i.basis):
            out += _cell(text)
        out.append("")
    return [*out, ""]


def county_text(region_name: str, year: int, tables: Iterable[TableText]) -> str:
    """A whole county file: the title block, then the numbered tables."""
    out = [region_name, "", f"{year}年重大政策和重点项目绩效目标", "", "公开信息", ""]
    for number, table in enumerate(tables, start=1):
        out += table_lines(number, table)
    return "\n".join(out) + "\n"
