"""Sheet 项目 of the pre-filled workbook: one row per project for the unit's own 全年预计执行数 and words.

Kept apart from template.py (支出 and 指标) so that each sheet changes on its own. Grey columns are
given (codes, name, budget, paid so far) and ignored on upload; the unit fills in 截至日期 and either
全年预计执行数（万元） or 实际完成情况 (tracker/actuals/project_reports.py reads them back).
"""

from __future__ import annotations

from typing import Any

from tracker.actuals.columns import PROJECT_COLUMNS
from tracker.core.money import fen_to_wan
from tracker.core.project import ProjectData
from tracker.models import Project

PROJECT_HEADERS = ["单位编码", "项目编码", "项目名称", "预算数（万元）", "已支付（万元）"] + [
    PROJECT_COLUMNS[k][0] for k in ("as_of", "forecast_wan", "narrative")
]
PROJECT_WIDTHS = [12, 26, 40, 14, 14, 14, 22, 60]
INSTRUCTION = (
    "11. 项目（可选）：每个项目一行，填写截至日期，以及全年预计执行数（万元，可为0）或实际完成情况（单位自己的说明），"
    "用于运行监控表的全年预计执行数和自评表的实际完成情况；未填写的，系统按支出计划测算并标注“（测算）”。"
)


def fill_project_sheet(
    sheet: Any, loaded: list[tuple[Project, ProjectData]], paid: dict[int, int], fmt: dict[str, Any],
    date_rule: dict[str, Any], spare_rows: int,
) -> None:  # fmt: skip
    """Pre-fill one row per project; dates and amounts validated down to the spare rows."""
    for r, (project, data) in enumerate(loaded, start=1):
        sheet.write_string(r, 0, data.dept_code, fmt["code"])
        sheet.write_string(r, 1, data.code, fmt["code"])
        sheet.write_string(r, 2, data.name, fmt["given"])
        sheet.write_number(r, 3, float(fen_to_wan(data.year_end_budget())), fmt["money_given"])
        sheet.write_number(r, 4, float(fen_to_wan(paid.get(project.id or 0, 0))), fmt["money_given"])
    last = len(loaded) + spare_rows
    as_of, forecast, narrative = 5, 6, 7
    sheet.set_column(as_of, as_of, PROJECT_WIDTHS[as_of], fmt["date"])
    sheet.set_column(forecast, forecast, PROJECT_WIDTHS[forecast], fmt["money"])
    sheet.set_column(narrative, narrative, PROJECT_WIDTHS[narrative], fmt["text"])
    sheet.data_validation(1, as_of, last, as_of, date_rule)
    rule = {
        "validate": "decimal",
        "criteria": ">=",
        "value": 0,
        "error_message": "全年预计执行数应为不小于0的数（万元）",
    }
    sheet.data_validation(1, forecast, last, forecast, rule)
