"""The county summary (summary.xlsx): every project with budget, executed, rate, score, grade, rank."""

from __future__ import annotations

from decimal import Decimal
from typing import IO

from tracker.core.money import fen_to_wan
from tracker.evaluation.schemas import Evaluation
from tracker.shared.xlsx import Formats, a4, add_sheet, fit_width, new_workbook

HEADERS = (
    "序号", "单位编码", "单位名称", "项目编码", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "执行率",
    "自评得分", "评价等级", "排名", "未填报指标数", "失分未说明原因数",
)  # fmt: skip


def ranks(evaluations: list[Evaluation]) -> dict[int, int]:
    """Rank by total among graded projects, ties sharing a rank (1, 2, 2, 4); ungraded ones have none."""
    graded = sorted((e for e in evaluations if e.grade and e.total is not None), key=lambda e: -(e.total or 0))
    out: dict[int, int] = {}
    previous: Decimal | None = None
    for position, e in enumerate(graded, start=1):
        if e.total != previous:
            rank, previous = position, e.total
        out[e.project_id] = rank
    return out


def grade_text(e: Evaluation) -> str:
    if e.total is None:
        return "未评分"
    return e.grade or f"未评定（{len(e.unreported)}项未填报）"


def write_summary(target: str | IO[bytes], evaluations: list[Evaluation], *, year: int) -> None:
    """Write summary.xlsx: one row per project in table order, then the county total."""
    book = new_workbook(target, large=True)
    s = add_sheet(book, Formats(book), "汇总")
    widths = [6, 10, fit_width([e.dept_name for e in evaluations], low=14, high=30), 24,
              fit_width([e.name for e in evaluations], low=20, high=44), 12, 12, 10, 10, 14, 6, 8, 10]  # fmt: skip
    for c, w in enumerate(widths):
        s.ws.set_column(c, c, w)
    s.ws.set_row(0, 30)
    s.merge_text(0, 0, 0, len(HEADERS) - 1, f"{year}年度项目支出绩效自评结果汇总表", "title")
    for c, label in enumerate(HEADERS):
        s.text(1, c, label, "header")
    rank_of = ranks(evaluations)
    r = 2
    for n, e in enumerate(evaluations, start=1):
        s.number(r, 0, n, "int")
        s.text(r, 1, e.dept_code, "center")
        s.text(r, 2, e.dept_name)
        s.text(r, 3, e.code, "center")
        s.text(r, 4, e.name)
        s.number(r, 5, fen_to_wan(e.budget.total_fen))
        s.number(r, 6, fen_to_wan(e.executed_fen))
        s.number(r, 7, e.execution_rate, "pct")
        s.number(r, 8, e.total, "score")
        s.text(r, 9, grade_text(e), "center" if e.grade else "missing")
        rank = rank_of.get(e.project_id)
        if rank is None:
            s.text(r, 10, "—", "center")
        else:
            s.number(r, 10, rank, "int")
        s.number(r, 11, len(e.unreported), "int")
        s.number(r, 12, len(e.missing_reasons), "int")
        r += 1
    budget = sum(e.budget.total_fen for e in evaluations)
    executed = sum(e.executed_fen for e in evaluations)
    s.merge_text(r, 0, r, 4, f"合计（{len(evaluations)}个项目）", "total_label")
    s.number(r, 5, fen_to_wan(budget), "total_wan")
    s.number(r, 6, fen_to_wan(executed), "total_wan")
    s.number(r, 7, Decimal(executed) / Decimal(budget) if budget else None, "total_pct")
    for c in range(8, len(HEADERS)):
        s.text(r, c, "", "total_text")
    s.ws.freeze_panes(2, 0)
    s.ws.autofilter(1, 0, r - 1, len(HEADERS) - 1)
    a4(s.ws, landscape=True, repeat_rows=(1, 1))
    book.close()
