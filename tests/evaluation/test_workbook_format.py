"""What every export workbook promises: numeric cells, text that never runs, Chinese fonts, A4 pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import Session

from tests.evaluation.yearend import export_midyear, load, pay, report, sheet
from tracker.evaluation.export import export_self_evaluation
from tracker.rules import load_rules
from tracker.scope import Scope
from tracker.shared.export import DirSink, project_file

ATTACK = '=HYPERLINK("http://evil.example/","点我")'


def test_text_starting_with_a_formula_sign_stays_text_with_excels_apostrophe(
    session: Session, table1_bytes: bytes, tmp_path: Path
) -> None:
    projects, batch = load(session, table1_bytes)
    p = projects[1]
    report(session, batch, p, 1, "2000人", value="2000", reason=ATTACK)
    report(session, batch, p, 2, "90%", value="90", reason="+1 追加", measures="@all -整改")
    export_self_evaluation(
        rules=load_rules(), session=session, scope=Scope.everything(), year=2024, sink=DirSink(tmp_path)
    )
    ws = sheet(tmp_path / project_file(p.dept_code, p.code, p.name))
    for ref, text in (("I13", ATTACK), ("I14", "+1 追加；@all -整改")):
        cell = ws[ref]
        assert cell.value == text and cell.data_type == "s" and cell.quotePrefix
    assert not ws["D13"].quotePrefix  # ordinary text is left alone


def test_self_evaluation_sheet_is_numeric_chinese_and_prints_on_a4(
    session: Session, changli_bytes: bytes, tmp_path: Path
) -> None:
    projects, _ = load(session, changli_bytes)
    export_self_evaluation(
        rules=load_rules(), session=session, scope=Scope.everything(), year=2024, sink=DirSink(tmp_path)
    )
    p = projects[27]  # 21 indicators, the longest table
    ws = sheet(tmp_path / project_file(p.dept_code, p.code, p.name))
    assert ws["E6"].data_type == "n" and ws["E6"].value == 1500 and ws["E6"].number_format == "0.00"
    assert ws["H6"].number_format == "0.00%" and ws["G13"].number_format == "0.00"
    assert ws["A1"].font.name == "宋体" and ws["A1"].font.b and ws["D13"].font.name == "宋体"
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "portrait"
    # fit to one page wide (fitToWidth 1 is the XML default, so it is left out), any number of pages tall
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)
    assert ws.page_setup.fitToHeight == 0 and ws.print_title_rows == "$1:$1"
    assert ws.column_dimensions["D"].width >= 14 and ws.column_dimensions["I"].width >= 30
    assert "A1:I1" in {str(r) for r in ws.merged_cells.ranges}


def test_monitoring_sheet_is_landscape_a4_with_numeric_money(
    session: Session, table1_bytes: bytes, tmp_path: Path
) -> None:
    projects, batch = load(session, table1_bytes)
    pay(session, batch, projects[1], date(2024, 5, 1), "70")
    export_midyear(session, tmp_path)
    p = projects[1]
    ws = sheet(tmp_path / project_file(p.dept_code, p.code, p.name))
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws["E6"].value == 70 and ws["E6"].number_format == "0.00" and ws["F6"].number_format == "0.00%"
    assert ws["A1"].font.name == "宋体"
