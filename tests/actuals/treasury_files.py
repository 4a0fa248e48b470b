"""Treasury payment exports (国库集中支付) for the tests: the budget system's columns, amounts in 元."""

from __future__ import annotations

import io
from collections.abc import Sequence

from tests.actuals.helpers import DEPT, P1, csv_bytes, xlsx_bytes

HEADER = ["支付凭证号", "预算单位", "项目编码", "项目名称", "资金性质", "指标文号", "功能分类科目", "经济分类科目"]
HEADER += ["实际支付金额", "支付日期", "用途", "退回标志"]
UNIT = f"{DEPT} 昌黎县民政局本级"  # code and name in one cell, as exports write it


def row(
    voucher: str,
    day: str,
    yuan: str,
    *,
    source: str = "本年财政拨款",
    refund: str = "",
    note: str = "",
    code: str = P1,
    unit: str = UNIT,
) -> list[str]:
    described = ["城乡困难群众救助", source, "冀财社〔2024〕1号", "2080204", "30305"]
    return [voucher, unit, code, *described, yuan, day, note, refund]


# January–March: three payments, one from last year's carry-over and one from other funds
Q1 = [
    row("ZF2024000101", "2024-01-15", "100000.00", note="1月救助金"),
    row("ZF2024000102", "2024-02-20 10:31:07", "50000.50", source="上年结转资金"),
    row("ZF2024000103", "20240310", "20000", source="其他资金"),
]
# January–June: the same three (ZF…102's amount corrected), three new ones, two of them refunds
H1 = [
    Q1[0],
    row("ZF2024000102", "2024-02-20 10:31:07", "50000.00", source="上年结转资金"),
    Q1[2],
    row("ZF2024000104", "2024-04-05", "30000.00"),
    row("ZF2024000105", "2024-05-06", "-5000.00", note="退回多付"),
    row("ZF2024000106", "2024-06-01", "2000.00", refund="退回"),
]
Q1_FEN = 10_000_000 + 5_000_050 + 2_000_000
H1_FEN = 10_000_000 + 5_000_000 + 2_000_000 + 3_000_000 - 500_000 - 200_000


def export_csv(rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> bytes:
    return csv_bytes(header, rows, encoding="gb18030")  # the budget system writes GB18030


def export_xlsx(rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> bytes:
    return xlsx_bytes({"支付明细": [header, *rows]})


def export_xls(rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("支付明细")
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
