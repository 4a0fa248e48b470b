"""The columns of upload files (INTERFACE.md "Upload files"): Chinese or English headers, one canonical name."""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class Kind(StrEnum):
    """What a sheet or CSV holds, told by its columns."""

    PAYMENTS = "payments"  # 支出
    RESULTS = "results"  # 指标
    PROJECTS = "projects"  # 项目: the unit's own 全年预计执行数 and 实际完成情况 (workbooks only)


SHEETS: dict[str, Kind] = {
    "支出": Kind.PAYMENTS,
    "payments": Kind.PAYMENTS,
    "指标": Kind.RESULTS,
    "results": Kind.RESULTS,
    "项目": Kind.PROJECTS,
    "projects": Kind.PROJECTS,
}

# canonical name -> (Chinese header written in templates, other accepted spellings)
PAYMENT_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "dept_code": ("单位编码", ("单位代码",)),
    "project_code": ("项目编码", ("项目代码",)),
    "paid_on": ("支付日期", ("日期",)),
    "amount_wan": ("金额（万元）", ("金额", "支付金额（万元）", "支付金额")),
    "note": ("备注", ()),
    "voucher": ("支付凭证号", ("凭证号",)),  # a recorded payment's identity (template rows, treasury exports)
    "source": ("资金性质", ("资金来源",)),  # 本年财政拨款 | 上年结转 | 其他资金 (words: config/treasury.yaml)
}
RESULT_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "dept_code": ("单位编码", ("单位代码",)),
    "project_code": ("项目编码", ("项目代码",)),
    "seq": ("指标序号", ("序号",)),
    "indicator": ("三级指标", ("指标名称",)),
    "as_of": ("截至日期", ("日期",)),
    "actual": ("实际完成值", ("完成值",)),
    "baseline": ("上年值", ("上年完成值", "上年实际完成值")),  # optional: for 较上年提高-style targets
    "score": ("得分", ()),
    "likelihood": ("完成目标可能性", ()),
    "reason_category": ("偏差原因类别", ("原因类别",)),
    "reason": ("偏差原因", ()),
    "measures": ("改进措施", ()),
    "forecast": ("全年预计完成值", ("预计全年完成值",)),  # optional: the unit's own forecast (DOMAIN.md §4)
}
PROJECT_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "dept_code": ("单位编码", ("单位代码",)),
    "project_code": ("项目编码", ("项目代码",)),
    "as_of": ("截至日期", ("日期",)),
    "forecast_wan": ("全年预计执行数（万元）", ("全年预计执行数", "预计全年执行数（万元）")),
    "narrative": ("实际完成情况", ("完成情况",)),
}
# Columns a template carries for the reader's eyes; an upload ignores them.
INFORMATIONAL = frozenset(
    {
        *("项目名称", "project_name", "预算数（万元）", "budget_wan", "资金支出计划", "plan", "单位名称", "dept_name"),
        *("已支付（万元）", "paid_wan"),
        *("一级指标", "level1", "二级指标", "level2", "指标值", "target", "说明"),
    }
)

REQUIRED: dict[Kind, tuple[str, ...]] = {
    Kind.PAYMENTS: ("dept_code", "project_code", "paid_on", "amount_wan"),
    Kind.RESULTS: ("dept_code", "project_code", "as_of", "actual"),
    Kind.PROJECTS: ("dept_code", "project_code", "as_of"),
}
# The fields a user fills in; a row with none of them is an untouched template row.
FILLED: dict[Kind, tuple[str, ...]] = {
    Kind.PAYMENTS: ("paid_on", "amount_wan", "note"),
    Kind.RESULTS: ("as_of", "actual", "baseline", "score", "likelihood", "reason_category", "reason", "measures",
                   "forecast"),
    Kind.PROJECTS: ("as_of", "forecast_wan", "narrative"),
}  # fmt: skip
COLUMNS = {Kind.PAYMENTS: PAYMENT_COLUMNS, Kind.RESULTS: RESULT_COLUMNS, Kind.PROJECTS: PROJECT_COLUMNS}


def normalise_header(text: object) -> str:
    """Header compared without case, spaces or full-width forms: '金额(万元)' matches '金额（万元）'."""
    folded = unicodedata.normalize("NFKC", str(text or "")).lower()
    return "".join(folded.split()).replace("\ufeff", "")


def _lookup(columns: dict[str, tuple[str, tuple[str, ...]]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, (chinese, others) in columns.items():
        for spelling in (name, chinese, *others):
            out[normalise_header(spelling)] = name
    return out


_LOOKUP = {kind: _lookup(cols) for kind, cols in COLUMNS.items()}
_INFO = frozenset(normalise_header(h) for h in INFORMATIONAL)


def detect_kind(headers: list[str]) -> Kind | None:
    """Payments when the columns name an amount, results when they name an actual; None otherwise."""
    found = {normalise_header(h) for h in headers}
    pays = any(_LOOKUP[Kind.PAYMENTS].get(h) == "amount_wan" for h in found)
    results = any(_LOOKUP[Kind.RESULTS].get(h) == "actual" for h in found)
    if pays == results:
        return None
    return Kind.PAYMENTS if pays else Kind.RESULTS


def map_headers(kind: Kind, headers: list[str]) -> tuple[dict[int, str], list[str], list[str]]:
    """Position -> canonical name, plus problems (duplicates, missing columns) and ignored headers."""
    lookup = _LOOKUP[kind]
    positions: dict[int, str] = {}
    seen: dict[str, str] = {}
    problems: list[str] = []
    ignored: list[str] = []
    for pos, header in enumerate(headers):
        key = normalise_header(header)
        if not key:
            continue
        name = lookup.get(key)
        if name is None:
            if key not in _INFO:
                ignored.append(str(header))
            continue
        if name in seen:
            problems.append(f"列“{header}”与列“{seen[name]}”重复")
            continue
        seen[name] = str(header)
        positions[pos] = name
    for name in REQUIRED[kind]:
        if name not in seen:
            problems.append(f"缺少必填列“{COLUMNS[kind][name][0]}”（{name}）")
    if kind is Kind.RESULTS and "seq" not in seen and "indicator" not in seen:
        problems.append("缺少“指标序号”（seq）或“三级指标”（indicator）列")
    return positions, problems, ignored
