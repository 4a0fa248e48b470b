"""The 绩效运行监控表 workbooks (DOMAIN.md §4): one sheet per project, and the county overview.

Columns A–N of a project sheet: 绩效指标 | 一级 | 二级 | 三级 | 年度指标值 | 1–M月完成值 | 全年预计完成值 |
完成目标可能性 | 偏差原因分析 by category (one column each) | 改进措施. A reason sits in its category's
column; a row that needs a reason or measures and lacks them is highlighted and listed.
"""

from __future__ import annotations

from itertools import groupby
from typing import IO

from tracker.core.likelihood import IMPOSSIBLE, LIKELIHOODS, POSSIBLE
from tracker.core.money import fen_to_wan
from tracker.monitoring.midyear import MonitorProject, MonitorRow
from tracker.shared.xlsx import Formats, Sheet, a4, add_sheet, fit_width, new_workbook, sheet_name

LIGHT_TEXT = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}
LAST = 13  # column N


def write_project_workbook(target: str | IO[bytes], mp: MonitorProject, categories: tuple[str, ...]) -> None:
    book = new_workbook(target)
    write_project_sheet(add_sheet(book, Formats(book), "监控表"), mp, categories)
    book.close()


def write_unit_workbook(target: str | IO[bytes], projects: list[MonitorProject], categories: tuple[str, ...]) -> None:
    book = new_workbook(target)
    formats, taken = Formats(book), set[str]()
    for mp in projects:
        label = f"{mp.heading_no}.{mp.name}" if mp.heading_no is not None else mp.name
        write_project_sheet(add_sheet(book, formats, sheet_name(label, taken)), mp, categories)
    book.close()


def period(mp: MonitorProject) -> str:
    return f"1—{mp.through_month}月"


def write_project_sheet(s: Sheet, mp: MonitorProject, categories: tuple[str, ...]) -> None:
    """Write one project's monitoring table into an empty worksheet."""
    cats = categories[:5] if len(categories) >= 5 else (*categories, *[""] * (5 - len(categories)))
    widths = [
        10,
        10,
        12,
        fit_width([r.level3 for r in mp.rows], low=14, high=28),
        12,
        12,
        12,
        11,
        11,
        11,
        11,
        11,
        11,
        24,
    ]
    for c, w in enumerate(widths):
        s.ws.set_column(c, c, w)
    p = period(mp)
    s.ws.set_row(0, 30)
    s.merge_text(0, 0, 0, LAST, f"项目支出绩效运行监控表（{mp.year}年{p}）", "title")
    place = f"地区：{mp.region_name or mp.region_code}（{mp.region_code}）　　" if mp.region_code else ""
    s.merge_text(1, 0, 1, LAST, f"{place}单位编码：{mp.dept_code}　　项目编码：{mp.code}　　金额单位：万元", "subtitle")
    s.text(2, 0, "项目名称", "label")
    s.merge_text(2, 1, 2, LAST, mp.name)
    dept = f"{mp.dept_code}{mp.dept_name}"
    s.text(3, 0, "主管部门", "label")
    s.merge_text(3, 1, 3, 6, dept)
    s.text(3, 7, "实施单位", "label")
    s.merge_text(3, 8, 3, LAST, dept)
    _funds(s, mp, p)
    s.text(8, 0, "年度总体目标", "label")
    goals = "\n".join(f"{n}.{o}" if len(mp.objectives) > 1 else o for n, o in enumerate(mp.objectives, start=1))
    s.merge_text(8, 1, 8, LAST, goals)
    s.ws.set_row(8, max(1, len(goals) // 90 + goals.count("\n") + 1) * 13.5 + 4)
    top = 9
    if mp.narrative:  # the unit's own account (upload sheet 项目); the table has no generated one to replace
        s.text(top, 0, "实际完成情况", "label")
        s.merge_text(top, 1, top, LAST, mp.narrative)
        s.ws.set_row(top, max(1, len(mp.narrative) // 90 + mp.narrative.count("\n") + 1) * 13.5 + 4)
        top += 1
    last = _indicators(s, mp, p, cats, top)
    last = _correction(s, mp, last + 1)
    _notes(s, mp, last + 1)
    a4(s.ws, landscape=True, repeat_rows=(0, 0))


def _funds(s: Sheet, mp: MonitorProject, p: str) -> None:
    s.merge_text(4, 0, 7, 0, "项目资金（万元）", "label")
    s.merge_text(4, 1, 4, 2, "", "header")
    heads = ("年度预算数", f"{p}执行数", f"{p}执行率", "计划执行进度", "时间进度", "全年预计执行数", "全年预计执行率")
    for c, label in enumerate(heads, start=3):
        s.text(4, c, label, "header")
    s.merge_text(4, 10, 4, LAST, "执行进度", "header")
    lines = (
        ("年度资金总额", mp.budget.total_fen),
        ("其中：财政拨款", mp.budget.fiscal_fen),
        ("其他资金", mp.budget.other_fen),
    )
    for r, (label, fen) in enumerate(lines, start=5):
        s.merge_text(r, 1, r, 2, label)
        s.number(r, 3, fen_to_wan(fen))
    s.number(5, 4, fen_to_wan(mp.executed_fen))
    s.number(5, 5, mp.execution_rate, "pct")
    s.number(5, 6, mp.planned_pct / 100, "pct")
    s.number(5, 7, mp.time_progress_pct / 100, "pct")
    forecast = mp.forecast_fen if mp.forecast_fen is not None else mp.executed_fen
    s.number(5, 8, fen_to_wan(forecast), "wan_estimated" if mp.forecast_estimated else "wan")
    s.number(5, 9, fen_to_wan(forecast) / fen_to_wan(mp.budget.total_fen) if mp.budget.total_fen else None, "pct")
    light = mp.light.value if mp.light is not None else None
    s.merge_text(5, 10, 7, LAST, LIGHT_TEXT.get(light or "", "未到第一个计划节点"), light or "center")
    for r in (6, 7):
        for c in range(4, 10):
            s.text(r, c, "—", "center")


def _indicators(s: Sheet, mp: MonitorProject, p: str, cats: tuple[str, ...], top: int = 9) -> int:
    for c, label in enumerate(("一级指标", "二级指标", "三级指标", "年度指标值", f"{p}完成值", "全年预计完成值"), 1):
        s.merge_text(top, c, top + 1, c, label, "header")
    s.merge_text(top, 7, top + 1, 7, "完成目标可能性\n（确定能/有可能/完全不可能）", "header")
    s.merge_text(top, 8, top, 12, "偏差原因分析", "header")
    for k, cat in enumerate(cats):
        s.text(top + 1, 8 + k, cat, "header")
    s.merge_text(top, LAST, top + 1, LAST, "改进措施", "header")
    s.ws.set_row(top, 28)
    last = top + 1 + len(mp.rows)
    s.merge_text(top, 0, max(last, top + 1), 0, "绩效指标", "label")
    r = top + 2
    for level1, group in groupby(mp.rows, key=lambda row: row.level1):
        rows1 = list(group)
        s.merge_text(r, 1, r + len(rows1) - 1, 1, level1, "center")
        for level2, group2 in groupby(rows1, key=lambda row: row.level2):
            rows2 = list(group2)
            s.merge_text(r, 2, r + len(rows2) - 1, 2, level2, "center")
            for row in rows2:
                _row(s, r, row, cats)
                r += 1
    return last


def _row(s: Sheet, r: int, row: MonitorRow, cats: tuple[str, ...]) -> None:
    s.text(r, 3, row.level3)
    s.text(r, 4, row.target_text, "center")
    if row.actual is not None:
        s.quantity(r, 5, row.actual, row.unit)
    else:
        s.text(r, 5, row.actual_text, "center" if row.reported else "missing")
    if row.forecast is not None:  # stays a number; an estimate shows 2600人（测算）
        s.quantity(r, 6, row.forecast, f"{row.unit or ''}（测算）" if row.forecast_estimated else row.unit)
    else:
        s.text(r, 6, row.forecast_text, "center")
    likelihood = (row.likelihood or "") + ("（测算）" if row.estimated else "")
    s.text(r, 7, likelihood, {POSSIBLE: "yellow", IMPOSSIBLE: "red"}.get(row.likelihood or "", "center"))
    style = "flag" if row.missing_reason else "text"
    column = cats.index(row.reason_category) if row.reason_category in cats else len(cats) - 1
    for k in range(len(cats)):
        s.text(r, 8 + k, row.reason if k == column else "", style)
    s.text(r, LAST, row.measures, style)
    longest = max(len(row.reason), len(row.measures), len(row.level3) // 2)
    if longest > 12:
        s.ws.set_row(r, min(longest // 12 + 1, 8) * 13.5)


def _correction(s: Sheet, mp: MonitorProject, r: int) -> int:
    """是否需要整改, 整改要求, 整改结果 (DOMAIN.md §8), one row each; answers the last row written."""
    for k, (label, value) in enumerate(zip(("是否需要整改", "整改要求", "整改结果"), mp.correction, strict=True)):
        s.text(r + k, 0, label, "label")
        s.merge_text(r + k, 1, r + k, LAST, value)
    return r + 2


def _notes(s: Sheet, mp: MonitorProject, r: int) -> None:
    by_seq = {row.seq: row for row in mp.rows}
    notes = ["全年预计完成值：单位填报的优先；未填报的，累计类指标已完成全年目标的取实际值，未完成的按项目支出计划"
             "截至日应完成的比例推算，比率、标准类指标取最新值，均标“（测算）”；"
             "完成目标可能性标“（测算）”者为单位未填报、按预计完成值测算。"]  # fmt: skip
    unreported = [row.seq for row in mp.rows if not row.reported]
    if unreported:
        notes.append("未填报：" + "、".join(f"第{n}项“{by_seq[n].level3}”" for n in unreported) + "。")
    if mp.missing_reasons:
        names = "、".join(f"第{n}项“{by_seq[n].level3}”" for n in mp.missing_reasons)
        notes.append(f"完成目标可能性为有可能或完全不可能、但未填写偏差原因或改进措施（已标黄）：{names}。")
    for k, note in enumerate(notes):
        s.merge_text(r + k, 0, r + k, LAST, ("说明：" if k == 0 else "") + note, "note")


OVERVIEW = (
    "序号", "单位编码", "单位名称", "项目编码", "项目名称", "年度预算数（万元）", "执行数（万元）", "执行率",
    "计划执行进度", "时间进度", "全年预计执行数（万元）", "执行进度", "指标数", "未填报", *LIKELIHOODS, "缺偏差原因",
    "是否需要整改", "整改要求", "整改结果",
)  # fmt: skip


def write_overview(target: str | IO[bytes], projects: list[MonitorProject], *, year: int, through_month: int) -> None:
    """The county overview of the monitoring tables: one row per project."""
    book = new_workbook(target, large=True)
    s = add_sheet(book, Formats(book), "汇总")
    names = fit_width([m.name for m in projects], low=20, high=40)
    units = fit_width([m.dept_name for m in projects], low=14, high=28)
    widths = [6, 10, units, 24, names, 12, 12, 9, 9, 9, 12, 9, 7, 7, 7, 7, 9, 9, 10, 30, 30]
    for c, w in enumerate(widths):
        s.ws.set_column(c, c, w)
    s.ws.set_row(0, 30)
    s.merge_text(0, 0, 0, len(OVERVIEW) - 1, f"{year}年1—{through_month}月项目支出绩效运行监控汇总表", "title")
    for c, label in enumerate(OVERVIEW):
        s.text(1, c, label.replace("执行数（", f"1—{through_month}月执行数（", 1) if c == 6 else label, "header")
    for n, m in enumerate(projects, start=1):
        r = n + 1
        s.number(r, 0, n, "int")
        for c, value in ((1, m.dept_code), (2, m.dept_name), (3, m.code), (4, m.name)):
            s.text(r, c, value, "center" if c in (1, 3) else "text")
        s.number(r, 5, fen_to_wan(m.budget.total_fen))
        s.number(r, 6, fen_to_wan(m.executed_fen))
        s.number(r, 7, m.execution_rate, "pct")
        s.number(r, 8, m.planned_pct / 100, "pct")
        s.number(r, 9, m.time_progress_pct / 100, "pct")
        s.number(r, 10, fen_to_wan(m.forecast_fen if m.forecast_fen is not None else m.executed_fen))
        light = m.light.value if m.light is not None else None
        s.text(r, 11, LIGHT_TEXT.get(light or "", "—"), light or "center")
        s.number(r, 12, len(m.rows), "int")
        s.number(r, 13, sum(1 for row in m.rows if not row.reported), "int")
        for k, likelihood in enumerate(LIKELIHOODS):
            s.number(r, 14 + k, sum(1 for row in m.rows if row.likelihood == likelihood), "int")
        s.number(r, 17, len(m.missing_reasons), "int")
        for k, value in enumerate(m.correction):
            s.text(r, 18 + k, value, "center" if k == 0 else "text")
    s.ws.freeze_panes(2, 0)
    a4(s.ws, landscape=True, repeat_rows=(1, 1))
    book.close()
