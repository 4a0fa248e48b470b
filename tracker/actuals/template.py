"""The pre-filled workbook a unit reports its quarter in: sheets 说明, 支出, 指标 and 项目 (INTERFACE.md)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import xlsxwriter
from sqlmodel import Session

from tracker.actuals.columns import PAYMENT_COLUMNS, RESULT_COLUMNS
from tracker.actuals.identity import recorded
from tracker.actuals.read import cumulative_paid
from tracker.actuals.recorded import write_recorded
from tracker.actuals.template_projects import INSTRUCTION, PROJECT_HEADERS, PROJECT_WIDTHS, fill_project_sheet
from tracker.core.grades import Grade
from tracker.core.likelihood import LIKELIHOODS
from tracker.core.money import fen_to_wan
from tracker.core.project import ProjectData
from tracker.core.values import Direction, Kind
from tracker.errors import NotFound
from tracker.places import resolve_unit
from tracker.rules import Rules, reason_categories
from tracker.scope import Scope
from tracker.targets.loading import load_core

SPARE_ROWS = 500  # drop-downs and formats reach this far below the pre-filled rows, for copied rows

PAYMENT_HEADERS = ["单位编码", "项目编码", "项目名称", "预算数（万元）", "资金支出计划", "已支付（万元）"] + [
    PAYMENT_COLUMNS[k][0] for k in ("paid_on", "amount_wan", "note", "voucher")
]
RESULT_HEADERS = ["单位编码", "项目编码", "项目名称", "指标序号", "一级指标", "二级指标", "三级指标", "指标值"] + [
    RESULT_COLUMNS[k][0]
    for k in ("as_of", "actual", "baseline", "score", "likelihood", "reason_category", "reason", "measures", "forecast")
]


def _result_col(name: str) -> int:
    """Position of a column of sheet 指标 by its canonical name."""
    return RESULT_HEADERS.index(RESULT_COLUMNS[name][0])


def template_filename(dept_code: str, year: int) -> str:
    return f"{dept_code}-{year}-执行情况填报.xlsx"


def _instructions(dept_name: str, year: int, categories: list[str]) -> list[str]:
    return [
        f"{dept_name} {year}年 预算执行和绩效目标完成情况填报模板",
        "",
        "1. 本工作簿有两张表：“支出”填写每一笔支付，“指标”填写绩效指标完成情况。两张表可以只填其中一张。",
        "2. 灰色列已预填（单位编码、项目编码、项目名称、预算、指标等），请勿修改；表头（第1行）请勿修改。",
        "3. 支出：一行一笔支付。同一项目有多笔支付时，复制该项目的行，分别填写支付日期和金额。",
        "   支付日期写作 YYYY-MM-DD，须在本年度内且不晚于今天；金额单位为万元，大于0，最多6位小数（即精确到分）。",
        "   累计支付不能超过项目预算。两行完全相同的支付会提示核对，但不会被拒绝。",
        "4. 指标：填写截至日期和实际完成值。数量类填数字和单位，如 2600人、97%；单位可以换算（如 2.6万人）。",
        f"   定性指标从下拉列表选择评价等级：{'、'.join(Grade)}。",
        "   上年值（可选）：“较上年提高”“进一步降低”这类指标，可以在实际完成值填数字、在上年值填上年同口径的数字"
        "（如 1280人 和 1200人），年终按是否较上年提高（降低）评分；不填上年值时请选择评价等级。",
        "   同一指标、同一截至日期再次上传时，新值替换旧值，旧值保留在历史记录中。",
        "   指标表最后一列“全年预计完成值”（可选）：单位对该指标全年能完成多少的预计，如 2600人；不填的由系统测算。",
        "5. 完成目标可能性为“有可能”或“完全不可能”时，必须填写偏差原因和改进措施；",
        f"   偏差原因类别：{'、'.join(categories)}。",
        "6. 得分只在评价等级类指标自评时填写，须在该等级的分值区间内；定量指标按公式计分，不填得分。",
        "7. 未填写的预填行上传时会被跳过；只填了一部分的行会被列为错误。",
        "8. 请不要使用公式。上传时先检查整份文件：只要有一处错误就不写入任何数据，并列出每一处错误的行号、列名和原因。",
        "9. 已由财政局审核锁定的季度不能再上传或撤回；如需修改，请联系财政局解锁。",
        "10. 支出表列出了已记录的支付，每笔带有支付凭证号：再次上传时按凭证号识别，不会重复计入；"
        "修改其日期或金额即为更正。新增的支付请不要填写凭证号；与已记录的支付完全相同（项目、日期、金额、备注）的新行会被视为疑似重复而拒绝，"
        "如确为另一笔支付，请在上传时勾选“允许重复支付”。",
        INSTRUCTION,
    ]


def _plan_text(project: ProjectData) -> str:
    return "；".join(f"{c.month}月底{c.cumulative_pct.normalize():f}%" for c in project.plan)


def template_bytes(
    *, session: Session, scope: Scope, dept_code: str, year: int, rules: Rules, region_code: str | None = None
) -> bytes:
    """The workbook for one unit and year, pre-filled with its projects and indicators."""
    unit = resolve_unit(session=session, dept_code=dept_code, region_code=region_code, scope=scope)
    loaded = load_core(session=session, scope=scope, year=year, dept_code=dept_code, region_code=unit.region_code)
    if not loaded:
        raise NotFound(f"单位 {dept_code} 在 {year} 年没有项目")
    paid = cumulative_paid(session=session, project_ids=[p.id for p, _ in loaded if p.id is not None])
    categories = list(reason_categories(rules.for_place(unit.region_code, year)))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    fmt = _formats(book)
    notes = book.add_worksheet("说明")
    notes.set_column(0, 0, 120)
    for n, line in enumerate(_instructions(loaded[0][1].dept_name, year, categories)):
        notes.write_string(n, 0, line, fmt["title"] if n == 0 else fmt["wrap"])

    pays = _sheet(book, "支出", PAYMENT_HEADERS, [12, 26, 40, 14, 30, 14, 14, 14, 30, 22], fmt)
    listed = recorded(session, [p.id for p, _ in loaded if p.id is not None])
    r = 0
    for project, data in loaded:
        r += 1
        pays.write_string(r, 0, data.dept_code, fmt["code"])
        pays.write_string(r, 1, data.code, fmt["code"])
        pays.write_string(r, 2, data.name, fmt["given"])
        # the effective budget with every recorded change: what payments may reach
        pays.write_number(r, 3, float(fen_to_wan(data.year_end_budget())), fmt["money_given"])
        pays.write_string(r, 4, _plan_text(data), fmt["given"])
        pays.write_number(r, 5, float(fen_to_wan(paid.get(project.id or 0, 0))), fmt["money_given"])
        for payment in listed.get(project.id or 0, []):
            r += 1
            write_recorded(pays, r, data, payment, fmt)
    last = r + SPARE_ROWS
    pays.set_column(6, 6, 14, fmt["date"])
    pays.set_column(7, 7, 14, fmt["money"])
    pays.data_validation(1, 6, last, 6, _date_rule(year))
    pays.data_validation(1, 7, last, 7, {"validate": "decimal", "criteria": ">", "value": 0,
                                         "error_message": "金额应为大于0的数（万元）"})  # fmt: skip

    widths = [12, 26, 30, 8, 12, 16, 30, 16, 14, 18, 12, 8, 14, 14, 30, 30, 16]
    as_of, actual, likelihood, category = (_result_col(n) for n in ("as_of", "actual", "likelihood", "reason_category"))
    ind = _sheet(book, "指标", RESULT_HEADERS, widths, fmt)
    r = 0
    for _project, data in loaded:
        for i in data.indicators:
            r += 1
            for c, value in enumerate([data.dept_code, data.code, data.name]):
                ind.write_string(r, c, value, fmt["code"] if c < 2 else fmt["given"])
            ind.write_number(r, 3, i.seq, fmt["given"])
            for c, value in enumerate([i.level1, i.level2, i.level3, i.target.text], start=4):
                ind.write_string(r, c, value, fmt["given"])
            if i.target.kind is Kind.QUALITATIVE and i.target.direction is Direction.NONE:
                ind.data_validation(r, actual, r, actual, _list_rule(list(Grade), "请从下拉列表选择评价等级"))
            elif i.target.kind is Kind.QUALITATIVE:  # 较上年提高: a grade, or a number with 上年值
                rule = _list_rule(list(Grade), "请选择评价等级；如填写数字，请同时填写上年值")
                ind.data_validation(r, actual, r, actual, {**rule, "error_type": "information"})
    last = r + SPARE_ROWS
    ind.set_column(as_of, as_of, 14, fmt["date"])
    ind.data_validation(1, as_of, last, as_of, _date_rule(year))
    ind.data_validation(1, likelihood, last, likelihood, _list_rule(list(LIKELIHOODS), "请从下拉列表选择"))
    if categories:
        ind.data_validation(1, category, last, category, _list_rule(categories, "请从下拉列表选择偏差原因类别"))
    projects = _sheet(book, "项目", PROJECT_HEADERS, PROJECT_WIDTHS, fmt)
    fill_project_sheet(projects, loaded, paid, fmt, _date_rule(year), SPARE_ROWS)
    notes.activate()
    book.close()
    return buffer.getvalue()


def _formats(book: Any) -> dict[str, Any]:
    grey = {"bg_color": "#EEEEEE", "border": 1, "border_color": "#CCCCCC"}
    return {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "wrap": book.add_format({"text_wrap": False}),
        "header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}),
        "code": book.add_format({**grey, "num_format": "@"}),
        "given": book.add_format(grey),
        "money_given": book.add_format({**grey, "num_format": "0.00"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "money": book.add_format({"num_format": "0.00####"}),
        "text": book.add_format({"num_format": "@"}),
    }


def _sheet(book: Any, name: str, headers: list[str], widths: list[int], fmt: dict[str, Any]) -> Any:
    sheet = book.add_worksheet(name)
    for c, (header, width) in enumerate(zip(headers, widths, strict=True)):
        sheet.set_column(c, c, width, fmt["code"] if c < 2 else None)
        sheet.write_string(0, c, header, fmt["header"])
    sheet.freeze_panes(1, 0)
    return sheet


def _date_rule(year: int) -> dict[str, Any]:
    return {
        "validate": "date",
        "criteria": "between",
        "minimum": date(year, 1, 1),
        "maximum": date(year, 12, 31),
        "error_message": f"请填写{year}年内的日期（YYYY-MM-DD）",
    }


def _list_rule(values: list[str], message: str) -> dict[str, Any]:
    return {"validate": "list", "source": values, "error_message": message}
