"""Write the bad-input corpus: small upload and target files, each a single thing wrong.

Run `python -m tests.corpus.generate` to (re)write the files; they are checked in, and
`manifest.json` beside them holds what the user is told for each (reviewed by hand, not generated).
Uploads are checked against the 昌黎县 2024 targets (unit 314001, project P1: budget 180 万元,
indicator 1 “≥2500人”); target files stand alone.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
DEPT, P1 = "314001", "13032224P00XC0610104L"
PAY = ["单位编码", "项目编码", "支付日期", "金额（万元）", "备注"]
RES = ["单位编码", "项目编码", "指标序号", "三级指标", "截至日期", "实际完成值", "得分", "完成目标可能性"]
RES += ["偏差原因类别", "偏差原因", "改进措施"]


def csv_text(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def pay(day: str = "2024-03-05", amount: str = "10", note: str = "", dept: str = DEPT, code: str = P1) -> list[str]:
    return [dept, code, day, amount, note]


def res(seq: str = "1", actual: str = "2600人", as_of: str = "2024-03-31", **kw: str) -> list[str]:
    return [kw.get("dept", DEPT), kw.get("code", P1), seq, kw.get("name", ""), as_of, actual, kw.get("score", ""),
            kw.get("likelihood", ""), kw.get("category", ""), kw.get("reason", ""), kw.get("measures", "")]  # fmt: skip


def payments(*rows: list[str]) -> bytes:
    return csv_text(PAY, list(rows))


def results(*rows: list[str]) -> bytes:
    return csv_text(RES, list(rows))


def workbook(rows: list[list[object]], title: str = "支出") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.properties.created = book.properties.modified = datetime(2024, 1, 1)
    out = io.BytesIO()
    book.save(out)
    return rezip(out.getvalue(), _fixed_dates)


def _fixed_dates(name: str, body: bytes) -> bytes:
    """openpyxl stamps the time of saving into the properties; a fixed one keeps the bytes the same."""
    if name == "docProps/core.xml":
        return re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-01-01T00:00:00Z", body)
    return body


def rezip(data: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    """The same workbook with some members rewritten."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():  # a fixed date: the same bytes on every run
            fixed = zipfile.ZipInfo(item.filename, date_time=(2024, 1, 1, 0, 0, 0))
            dst.writestr(fixed, change(item.filename, src.read(item.filename)), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def entity_workbook() -> bytes:
    """A workbook whose shared strings declare XML entities (billion-laughs style)."""
    laughs = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    laughs += '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'

    def change(name: str, body: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            start = body.index(b"<worksheet")
            return body[:start] + laughs.encode() + body[start:].replace(b">ZZZ<", b">&d;<")
        return body

    return rezip(workbook([PAY, pay(note="ZZZ")], "支出"), change)


BIG = "9" * 400
UPLOADS: dict[str, bytes] = {
    # the file as a whole
    "empty.csv": b"",
    "bom-only.csv": b"\xef\xbb\xbf",
    "blank-lines.csv": b"\r\n\r\n  \r\n",
    "header-only.csv": csv_text(PAY, []),
    "untouched-rows.csv": payments([DEPT, P1, "", "", ""]),
    "unknown-header.csv": csv_text(["甲", "乙", "丙"], [["1", "2", "3"]]),
    "missing-amount-column.csv": csv_text([*PAY[:3], "备注"], [[DEPT, P1, "2024-03-05", ""]]),
    "duplicate-column.csv": csv_text([*PAY, "金额"], [[*pay(), "10"]]),
    "utf16.csv": "\ufeff单位编码,项目编码\r\n".encode("utf-16"),
    "undecodable.csv": csv_text(PAY, [pay(note="x")]).replace(b"x", b"\xff\xfe\xff"),
    "old-excel.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
    "report.pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\n",
    "nul-in-head.csv": payments(pay(note="a\x00b")),
    "nul-late.csv": payments(*[pay(day=f"2024-03-{1 + n % 28:02d}", amount="0.01") for n in range(1500)])
    + b",".join([DEPT.encode(), P1.encode(), b"2024-03-05", b"1", b"a\x00b"])
    + b"\r\n",
    "unclosed-quote.csv": payments(pay()) + f'{DEPT},{P1},2024-03-06,"5,note\r\n'.encode(),
    "more-fields-than-header.csv": payments(pay()) + f"{DEPT},{P1},2024-03-06,5,note,extra\r\n".encode(),
    "thousands-comma-unquoted.csv": payments(pay()) + f"{DEPT},{P1},2024-03-06,1,000.00,\r\n".encode(),
    # no note written: the five fields fit the header, the amount reads "1" and the note "000.00"
    "thousands-comma-five-fields.csv": payments(pay()) + f"{DEPT},{P1},2024-03-06,1,000.00\r\n".encode(),
    "formula-amount.csv": payments(pay(amount="=1+1")),
    # payment cells
    "amount-zero.csv": payments(pay(amount="0")),
    "amount-negative.csv": payments(pay(amount="-5")),
    "amount-text.csv": payments(pay(amount="十万")),
    "amount-seven-decimals.csv": payments(pay(amount="1.0000001")),
    "amount-400-digits.csv": payments(pay(amount=BIG)),
    "amount-20-digits.csv": payments(pay(amount="12345678901234567890")),
    "amount-infinity.csv": payments(pay(amount="Infinity")),
    "amount-nan.csv": payments(pay(amount="NaN")),
    "amount-exponent.csv": payments(pay(amount="1e5")),
    "amount-over-budget.csv": payments(pay(amount="100"), pay(day="2024-03-06", amount="90")),
    "amount-empty.csv": payments(pay(amount="")),
    "dept-unknown.csv": payments(pay(dept="999999")),
    "dept-100-chars.csv": payments(pay(dept="3" * 100)),
    "project-unknown.csv": payments(pay(code="13032224P00XXXXXXXXXX")),
    "project-100-chars.csv": payments(pay(code="P" * 100)),
    "project-of-other-unit.csv": payments(pay(code="13032224P000N2E10172Y")),
    "date-month-13.csv": payments(pay(day="2024-13-01")),
    "date-feb-30.csv": payments(pay(day="2024-02-30")),
    "date-words.csv": payments(pay(day="昨天")),
    "date-year-without-projects.csv": payments(pay(day="2023-03-05")),
    "date-far-future.csv": payments(pay(day="2999-03-05")),
    "date-year-0.csv": payments(pay(day="0000-03-05")),
    "date-empty.csv": payments(pay(day="")),
    "note-5000-chars.csv": payments(pay(note="备" * 5000)),
    # result cells
    "seq-1e1200000.csv": results(res(seq="1e1200000")),
    "seq-fraction.csv": results(res(seq="1.7")),
    "seq-zero.csv": results(res(seq="0")),
    "seq-negative.csv": results(res(seq="-1")),
    "seq-20-digits.csv": results(res(seq="99999999999999999999")),
    "seq-text.csv": results(res(seq="一")),
    "seq-missing-indicator.csv": results(res(seq="99")),
    "seq-and-name-disagree.csv": results(res(seq="1", name="户数")),
    "seq-infinity.csv": results(res(seq="Infinity")),
    "actual-empty.csv": results(res(actual="")),
    "actual-400-digits.csv": results(res(actual=BIG + "人")),
    "actual-5000-digits.csv": results(res(actual="9" * 5000 + "人")),
    "actual-infinity.csv": results(res(actual="Infinity")),
    "actual-nan.csv": results(res(actual="NaN")),
    "actual-wrong-unit.csv": results(res(actual="3吨")),
    "actual-words.csv": results(res(actual="很多")),
    "actual-300-chars.csv": results(res(actual="2600人" + "很" * 300)),
    "actual-seven-decimals.csv": results(res(actual="2600.1234567人")),
    "score-400-digits.csv": results(res(score=BIG)),
    "score-over-100.csv": results(res(score="101")),
    "score-negative.csv": results(res(score="-1")),
    "score-text.csv": results(res(score="满分")),
    "score-infinity.csv": results(res(score="Infinity")),
    "likelihood-unknown.csv": results(res(likelihood="也许")),
    "likelihood-without-reason.csv": results(res(likelihood="有可能")),
    "reason-category-unknown.csv": results(res(likelihood="有可能", category="天气", reason="雨", measures="等")),
    "reason-10000-chars.csv": results(res(likelihood="有可能", category="其他", reason="雨" * 10000, measures="等")),
    "as-of-bad.csv": results(res(as_of="2024-04-31")),
    "as-of-other-year.csv": results(res(as_of="2023-03-31")),
    "same-indicator-twice.csv": results(res(), res(actual="2700人")),
    # workbooks
    "not-a-zip.xlsx": b"PK\x03\x04" + b"\x00" * 200,
    "zip-without-workbook.xlsx": b"",  # written below
    "xml-entities.xlsx": b"",
    "wb-formula.xlsx": workbook([PAY, [DEPT, P1, "2024-03-05", "=1+1", ""]]),
    "wb-amount-1e300.xlsx": workbook([PAY, [DEPT, P1, "2024-03-05", 1e300, ""]]),
    "wb-amount-negative.xlsx": workbook([PAY, [DEPT, P1, "2024-03-05", -3, ""]]),
    "wb-header-only.xlsx": workbook([PAY]),
    "wb-empty-sheet.xlsx": workbook([]),
    "wb-unknown-sheet.xlsx": workbook([["甲", "乙"], ["1", "2"]], "Sheet1"),
    "wb-seq-fraction.xlsx": workbook([RES, [DEPT, P1, 1.7, "", "2024-03-31", "2600人", "", "", "", "", ""]], "指标"),
    "wb-seq-huge.xlsx": workbook([RES, [DEPT, P1, 1e300, "", "2024-03-31", "2600人", "", "", "", "", ""]], "指标"),
    "wb-long-note.xlsx": workbook([PAY, [DEPT, P1, "2024-03-05", 10, "备" * 5000]]),
    "wb-date-number.xlsx": workbook([PAY, [DEPT, P1, 99999999, 10, ""]]),
}


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hello")
    return out.getvalue()


UPLOADS["zip-without-workbook.xlsx"] = _zip_without_workbook()
UPLOADS["xml-entities.xlsx"] = entity_workbook()

TABLE = """某某县
2025年绩效目标公开
7、示例项目绩效目标表
\t101001某某县示例局
\t单位：万元
\t项目编码
\t13099925P000001
\t项目名称
\t示例项目
\t预算规模及资金用途
\t预算数
\t1,200.50
\t其中：财政资金
\t1000.00
\t其他资金
\t200.50
\t
\t用途说明
\t资金支出计划（%）
\t3月底
\t6月底
\t9月底
\t12月底
\t
\t20%
\t40%
\t60%
\t100%
\t绩效目标
\t1.目标一
\t一级指标
\t二级指标
\t三级指标
\t绩效指标描述
\t指标值
\t指标值确定依据
\t产出指标
\t数量指标
\t受益人数
\t描述
\t≥2500人
\t依据
\t满意度指标
\t服务对象满意度指标
\t满意度
\t
\t≥95%
\t问卷
"""


def table(old: str = "", new: str = "") -> bytes:
    assert old in TABLE, old
    return TABLE.replace(old, new, 1).encode() if old else TABLE.encode()


PCTS = "\t20%\n\t40%\n\t60%\n\t100%\n"
TARGETS: dict[str, bytes] = {
    "empty.txt": b"",
    "not-a-table.txt": "这不是绩效目标表\n只是一段文字\n".encode(),
    "undecodable.txt": TABLE.encode("utf-8")[:60] + b"\xff\xfe\xfa\xfb" + TABLE.encode()[60:],
    "heading-without-unit.txt": table("\t101001某某县示例局\n", ""),
    "nul-byte.txt": table("\t示例项目\n", "\t示例\x00项目\n"),
    "plan-nan.txt": table("\t40%", "\tNaN%"),
    "plan-infinity.txt": table("\t40%", "\tInfinity%"),
    "plan-123456.txt": table("\t40%", "\t123456%"),
    "plan-negative.txt": table("\t40%", "\t-5%"),
    "plan-three-decimals.txt": table("\t40%", "\t40.125%"),
    "plan-text.txt": table("\t40%", "\t四成"),
    "plan-exponent.txt": table("\t40%", "\t4e1%"),
    "plan-four-months-three-pct.txt": table("\t60%\n", ""),
    "plan-month-13.txt": table("\t12月底", "\t13月底"),
    "plan-no-months.txt": table("\t3月底\n\t6月底\n\t9月底\n\t12月底\n", ""),
    "plan-missing.txt": table("\t资金支出计划（%）\n\t3月底\n\t6月底\n\t9月底\n\t12月底\n\t\n" + PCTS),
    "plan-400-digits.txt": table("\t40%", "\t" + BIG + "%"),
    "budget-text.txt": table("\t1,200.50", "\t一千二百"),
    "budget-400-digits.txt": table("\t1,200.50", "\t" + BIG),
    "budget-1e1200000.txt": table("\t1,200.50", "\t1e1200000"),
    "budget-infinity.txt": table("\t1,200.50", "\tInfinity"),
    "budget-nan.txt": table("\t1,200.50", "\tNaN"),
    "budget-negative.txt": table("\t1,200.50", "\t-1200.50"),
    "budget-sub-fen.txt": table("\t1,200.50", "\t1200.5000001"),
    "budget-20-digits.txt": table("\t1,200.50", "\t12345678901234567890"),
    "fiscal-400-digits.txt": table("\t1000.00", "\t" + BIG),
    "ends-after-fiscal-label.txt": TABLE[: TABLE.index("\t其中：财政资金") + len("\t其中：财政资金\n")].encode(),
    "same-table-twice.txt": (TABLE + TABLE.split("2025年绩效目标公开\n", 1)[1]).encode(),
    "project-code-100-chars.txt": table("\t13099925P000001", "\t13099925" + "P" * 92),
    "project-name-600-chars.txt": table("\t示例项目\n\t预算规模", "\t" + "项" * 600 + "\n\t预算规模"),
    "dept-name-300-chars.txt": table("\t101001某某县示例局", "\t101001" + "局" * 300),
    "level3-600-chars.txt": table("\t受益人数", "\t" + "数" * 600),
    "value-600-chars.txt": table("\t≥2500人", "\t≥2500人" + "很" * 600),
    "value-400-digits.txt": table("\t≥2500人", "\t≥" + BIG + "人"),
    "value-5000-digits.txt": table("\t≥2500人", "\t≥" + "9" * 5000 + "人"),
    "value-seven-decimals.txt": table("\t≥2500人", "\t≥2500.1234567人"),
    "missing-code.txt": table("\t项目编码\n\t13099925P000001\n"),
    "missing-budget.txt": table("\t预算数\n\t1,200.50\n"),
    "indicators-without-value-column.txt": table("\t指标值\n"),
    "first-indicator-without-level1.txt": table("\t产出指标\n\t数量指标", "\t\n\t数量指标"),
    "year-unknown.txt": table("\t13099925P000001", "\tXYZ").replace("2025年".encode(), b""),
}


def write() -> None:
    """Write every file of the corpus under uploads/ and targets/."""
    for folder, files in (("uploads", UPLOADS), ("targets", TARGETS)):
        base = HERE / folder
        base.mkdir(exist_ok=True)
        for name, data in files.items():
            (base / name).write_bytes(data)


if __name__ == "__main__":
    write()
    print(f"{len(UPLOADS)} uploads, {len(TARGETS)} target files")
