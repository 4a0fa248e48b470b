"""The 通报 as a workbook ready to send: title, the date and time progress, one ranked row per unit or region."""

from __future__ import annotations

from decimal import Decimal
from typing import IO

from tracker.core.money import fen_to_wan
from tracker.reports.service import Ranking
from tracker.shared.xlsx import Formats, a4, add_sheet, new_workbook

HEADERS = (
    "排名", "编码", "名称", "项目数", "预算数（万元）", "计划支出（万元）", "实际支出（万元）",
    "执行/计划", "执行率", "时间进度", "与时间进度差（百分点）", "上年同期执行率", "同比（百分点）",
)  # fmt: skip


def _pct(value: Decimal | None) -> Decimal | None:
    """Percent points as the fraction Excel's 0.00% format shows."""
    return None if value is None else value / 100


def write_ranking(target: str | IO[bytes], r: Ranking) -> None:
    """One sheet 通报, A4 landscape, header repeated on every printed page."""
    book = new_workbook(target)
    s = add_sheet(book, Formats(book), "通报")
    for c, w in enumerate((6, 10, 28, 7, 13, 13, 13, 10, 9, 9, 12, 12, 11)):
        s.ws.set_column(c, c, w)
    what = "单位" if r.by == "unit" else "地区"
    s.ws.set_row(0, 30)
    s.merge_text(0, 0, 0, len(HEADERS) - 1, f"{r.year}年预算执行进度通报（按{what}排名）", "title")
    day = f"{r.as_of.year}年{r.as_of.month}月{r.as_of.day}日"
    note = f"截至{day}，时间进度 {r.time_progress_pct}%；按执行/计划排名，金额单位：万元"
    if not r.has_last_year:
        note += "；系统中没有上年数据，同比不计算"
    s.merge_text(1, 0, 1, len(HEADERS) - 1, note, "subtitle")
    for c, label in enumerate(HEADERS):
        s.text(2, c, label, "header")
    for n, row in enumerate(r.rows, start=3):
        s.number(n, 0, row.rank, "int")
        s.text(n, 1, row.key, "center")
        s.text(n, 2, row.name)
        s.number(n, 3, row.projects, "int")
        s.number(n, 4, fen_to_wan(row.budget_fen))
        s.number(n, 5, fen_to_wan(row.planned_fen))
        s.number(n, 6, fen_to_wan(row.actual_fen))
        s.number(n, 7, row.plan_ratio, "pct")
        s.number(n, 8, _pct(row.execution_pct), "pct")
        s.number(n, 9, _pct(r.time_progress_pct), "pct")
        s.number(n, 10, row.time_gap_pts, "score")
        s.number(n, 11, _pct(row.last_year_pct), "pct")
        s.number(n, 12, row.change_pts, "score")
    s.ws.freeze_panes(3, 0)
    a4(s.ws, landscape=True, repeat_rows=(2, 2))
    book.close()
