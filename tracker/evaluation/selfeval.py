"""The 项目支出绩效自评表 workbook: one sheet per project in the layout of DOMAIN.md §5.

Columns A–I. Money in 万元 (0.00), rates 0.00%, scores 0.00, all numeric cells; an actual number is
numeric too, shown with its unit by the number format (2480 displayed as 2480人). 未填报 rows say
so in 实际完成值 and 得分 (never 0); a row that lost points without 偏差原因 is highlighted and listed.
"""

from __future__ import annotations

import math
from itertools import groupby
from typing import IO

from tracker.core.money import fen_to_wan
from tracker.core.project import Funds
from tracker.core.scoring_indicators import RowStatus
from tracker.evaluation.schemas import Evaluation, Row
from tracker.shared.xlsx import Formats, Sheet, a4, add_sheet, display_width, fit_width, new_workbook, sheet_name

COLUMNS = 9
LINE_PT = 13.5  # one line of 10-point 宋体


def write_project_workbook(target: str | IO[bytes], ev: Evaluation) -> None:
    """One project's self-evaluation table as a workbook of one sheet."""
    book = new_workbook(target)
    write_project_sheet(add_sheet(book, Formats(book), "自评表"), ev)
    book.close()


def write_unit_workbook(target: str | IO[bytes], evaluations: list[Evaluation]) -> None:
    """A unit's projects, one sheet each, named by table number and project name."""
    book = new_workbook(target)
    formats, taken = Formats(book), set[str]()
    for ev in evaluations:
        label = f"{ev.heading_no}.{ev.name}" if ev.heading_no is not None else ev.name
        write_project_sheet(add_sheet(book, formats, sheet_name(label, taken)), ev)
    book.close()


def write_project_sheet(sheet: Sheet, ev: Evaluation) -> None:
    """Write one self-evaluation table into an empty worksheet."""
    widths = _widths(ev)
    for c, w in enumerate(widths):
        sheet.ws.set_column(c, c, w)
    s = sheet
    s.ws.set_row(0, 30)
    s.merge_text(0, 0, 0, 8, f"项目支出绩效自评表（{ev.year}年度）", "title")
    place = f"地区：{ev.region_name or ev.region_code}（{ev.region_code}）　　" if ev.region_code else ""
    s.merge_text(1, 0, 1, 8, f"{place}单位编码：{ev.dept_code}　　项目编码：{ev.code}　　金额单位：万元", "subtitle")
    s.text(2, 0, "项目名称", "label")
    s.merge_text(2, 1, 2, 8, ev.name)
    dept = f"{ev.dept_code}{ev.dept_name}"
    s.text(3, 0, "主管部门", "label")
    s.merge_text(3, 1, 3, 3, dept)
    s.text(3, 4, "实施单位", "label")
    s.merge_text(3, 5, 3, 8, dept)
    _funds(s, ev)
    s.merge_text(9, 0, 10, 0, "年度总体目标", "label")
    s.merge_text(9, 1, 9, 4, "预期目标", "header")
    s.merge_text(9, 5, 9, 8, "实际完成情况", "header")
    goals = "\n".join(f"{n}.{o}" if len(ev.objectives) > 1 else o for n, o in enumerate(ev.objectives, start=1))
    s.merge_text(10, 1, 10, 4, goals)
    s.merge_text(10, 5, 10, 8, ev.achieved_text)
    s.ws.set_row(10, _height(goals, sum(widths[1:5])))
    last = _indicators(s, ev, 11, widths)
    _total(s, ev, last + 1)
    _notes(s, ev, last + 2, sum(widths))
    a4(s.ws, landscape=False, repeat_rows=(0, 0))


def _funds(s: Sheet, ev: Evaluation) -> None:
    s.merge_text(4, 0, 8, 0, "项目资金（万元）", "label")
    s.merge_text(4, 1, 4, 2, "", "header")
    for c, label in enumerate(("年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"), 3):
        s.text(4, c, label, "header")
    executed = ev.executed or Funds(ev.executed_fen, ev.executed_fen, 0, 0)
    lines = (
        ("年度资金总额", ev.initial.total_fen, ev.budget.total_fen, ev.executed_fen),
        ("其中：本年财政拨款", ev.initial.fiscal_fen, ev.budget.fiscal_fen, executed.fiscal_fen),
        ("上年结转资金", ev.initial.carryover_fen, ev.budget.carryover_fen, executed.carryover_fen),
        ("其他资金", ev.initial.other_fen, ev.budget.other_fen, executed.other_fen),
    )
    for r, (label, initial, budget, spent) in enumerate(lines, start=5):
        s.merge_text(r, 1, r, 2, label)
        s.number(r, 3, fen_to_wan(initial))
        s.number(r, 4, fen_to_wan(budget))
        s.number(r, 5, fen_to_wan(spent))  # per source from the payments' 资金性质
        if r == 5:
            s.number(r, 6, ev.execution_points, "score")
            s.number(r, 7, ev.execution_rate, "pct")
            s.number(r, 8, ev.execution_score, "score")
        else:  # points, rate and score belong to the total
            for c in (6, 7, 8):
                s.text(r, c, "—", "center")


def _indicators(s: Sheet, ev: Evaluation, top: int, widths: list[float]) -> int:
    """The indicator block from row `top`; returns its last row."""
    for c, label in enumerate(
        ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"), 1
    ):
        s.text(top, c, label, "header")
    last = top + len(ev.rows)
    s.merge_text(top, 0, last, 0, "绩效指标", "label")
    r = top + 1
    for level1, group in groupby(ev.rows, key=lambda row: row.level1):
        rows1 = list(group)
        s.merge_text(r, 1, r + len(rows1) - 1, 1, level1, "center")
        for level2, group2 in groupby(rows1, key=lambda row: row.level2):
            rows2 = list(group2)
            s.merge_text(r, 2, r + len(rows2) - 1, 2, level2, "center")
            for row in rows2:
                _indicator(s, r, row)
                lines = max(
                    _lines(row.level3, widths[3]), _lines(row.reason, widths[8]), _lines(row.target_text, widths[4])
                )
                if lines > 1:
                    s.ws.set_row(r, lines * LINE_PT)
                r += 1
    return last


def _indicator(s: Sheet, r: int, row: Row) -> None:
    s.text(r, 3, row.level3)
    s.text(r, 4, row.target_text, "center")
    if row.status is RowStatus.SCORED:
        if row.actual is not None:
            s.quantity(r, 5, row.actual, row.unit)
        else:
            s.text(r, 5, row.actual_text, "center")
        s.number(r, 6, row.points, "score")
        s.number(r, 7, row.score, "score")
    elif row.status is RowStatus.UNREPORTED:
        s.text(r, 5, "未填报" if row.points is not None else row.actual_text, "missing")
        if row.points is None:  # the table could not be scored
            s.text(r, 6, "—", "center")
            s.text(r, 7, "未评分", "center")
        else:
            s.number(r, 6, row.points, "score")
            s.text(r, 7, "未填报", "missing")
    else:
        s.text(r, 5, "不适用", "center")
        s.number(r, 6, row.points, "score")
        s.text(r, 7, "不适用", "center")
    s.text(r, 8, row.reason, "flag" if row.missing_reason else "text")


def _total(s: Sheet, ev: Evaluation, r: int) -> None:
    s.merge_text(r, 0, r, 5, "总分", "total_label")
    s.number(r, 6, 100, "total_score")
    if ev.total is None:
        s.text(r, 7, "未评分", "total_text")
        grade = "评价等级：未评定"
    else:
        s.number(r, 7, ev.total, "total_score")
        grade = f"评价等级：{ev.grade}" if ev.grade else f"评价等级：未评定（{len(ev.unreported)}项未填报）"
    s.text(r, 8, grade, "total_text")


def _notes(s: Sheet, ev: Evaluation, r: int, width: float) -> None:
    by_seq = {row.seq: row for row in ev.rows}
    notes = []
    if ev.rescaled:
        notes.append(f"本表无{'、'.join(ev.dropped)}，其余部分的分值按比例折算为100分。")
    if ev.unreported:
        notes.append(f"未填报、不计分的指标：{_named(ev.unreported, by_seq)}。")
    if ev.missing_reasons:
        notes.append(f"失分但未填写偏差原因分析及改进措施（已标黄）：{_named(ev.missing_reasons, by_seq)}。")
    notes += [f"评分说明：{p}" for p in ev.problems]
    for k, note in enumerate(notes):
        text = ("说明：" if k == 0 else "") + note
        s.merge_text(r + k, 0, r + k, 8, text, "note")
        if _lines(text, width) > 1:  # Excel does not grow merged rows by itself
            s.ws.set_row(r + k, _height(text, width))


def _named(seqs: list[int], by_seq: dict[int, Row]) -> str:
    return "、".join(f"第{seq}项“{by_seq[seq].level3}”" for seq in seqs if seq in by_seq)


def _widths(ev: Evaluation) -> list[float]:
    rows = ev.rows
    return [
        10,
        10,
        12,
        fit_width([r.level3 for r in rows], low=14, high=30),
        fit_width([r.target_text for r in rows], low=12, high=18),
        fit_width([r.actual_text for r in rows], low=12, high=18),
        11,
        11,
        30,
    ]


def _lines(text: str, width: float) -> int:
    return sum(max(1, math.ceil(display_width(line) / max(width - 1, 1))) for line in (text or "").splitlines() or [""])


def _height(text: str, width: float) -> float:
    return max(1, _lines(text, width)) * LINE_PT + 4
