"""Every layout of the target table gives what the text reading gives (DOMAIN.md §1.2).

Each layout is built in the test from the 昌黎县 text (tests/targets/layouts.py): a Word document
with merged cells, text without the leading tabs, the budget system's .xlsx export with the project
cells merged down, the same export as .xls with them repeated, and a PDF with a text layer. Each is
read through the importer and must give the same 44 projects, 405 indicators, budgets, plans and
target readings as the text.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from tests.targets import layouts
from tracker.cli import app
from tracker.core.project import ProjectData
from tracker.errors import InvalidInput
from tracker.models import Indicator, Project
from tracker.targets.cells import LAYOUTS, Document
from tracker.targets.importer import import_targets, parse_file
from tracker.targets.layouts.text import decode, read_tab_text
from tracker.targets.parsing import ParsedFile, build

LAYOUT_NAMES = ["plain", "docx", "xlsx", "xls", "pdf"]


@pytest.fixture(scope="module")
def text_doc(changli_bytes: bytes) -> Document:
    return read_tab_text(decode(changli_bytes))


@pytest.fixture(scope="module")
def text_reading(text_doc: Document) -> ParsedFile:
    return build(text_doc)


@pytest.fixture(scope="module")
def files(text_doc: Document, text_reading: ParsedFile) -> dict[str, bytes]:
    plain = layouts.plain_text(text_doc)
    return {
        "plain": plain.encode("utf-8"),
        "docx": layouts.docx_bytes(text_doc, text_reading),
        "xlsx": layouts.xlsx_bytes(text_reading),
        "xls": layouts.xls_bytes(text_reading),
        "pdf": layouts.pdf_bytes(plain),
    }


@pytest.fixture(scope="module")
def readings(files: dict[str, bytes]) -> dict[str, ParsedFile]:
    return {name: parse_file(data) for name, data in files.items()}


def reading(p: ProjectData) -> tuple[object, ...]:
    """Everything the rules read: identity, money, plan, completeness and every target's reading."""
    indicators = [
        (i.seq, i.level1, i.level2, i.level3, i.target.kind, i.target.comparator, i.target.value, i.target.unit,
         i.target.norm_value, i.target.norm_unit, i.target.direction, i.accumulation)
        for i in p.indicators
    ]  # fmt: skip
    return (p.year, p.dept_code, p.dept_name, p.code, p.name, p.budget_fen, p.fiscal_fen, p.other_fen, p.plan,
            p.incomplete, p.heading_no, indicators)  # fmt: skip


def words(p: ProjectData) -> tuple[object, ...]:
    """The free texts, compared without white space: a page or a cell may wrap them differently."""

    def bare(text: str) -> str:
        return re.sub(r"\s+", "", text)

    return (
        bare(p.purpose),
        [bare(o) for o in p.objectives],
        [(bare(i.description), bare(i.basis)) for i in p.indicators],
    )


@pytest.mark.parametrize("layout", LAYOUT_NAMES)
def test_each_layout_gives_the_projects_indicators_budgets_plans_and_targets_of_the_text(
    layout: str, readings: dict[str, ParsedFile], text_reading: ParsedFile
) -> None:
    got = readings[layout]
    assert len(got.projects) == 44
    assert sum(len(p.indicators) for p in got.projects) == 405
    assert sum(p.budget_fen for p in got.projects) == 24_596_120_000
    assert [reading(p) for p in got.projects] == [reading(p) for p in text_reading.projects]
    assert [words(p) for p in got.projects] == [words(p) for p in text_reading.projects]
    assert got.region_name == text_reading.region_name == "秦皇岛市昌黎县"


@pytest.mark.parametrize(
    ("layout", "name"), [("plain", "不带制表符"), ("docx", "Word"), ("xlsx", "Excel"), ("xls", "Excel"), ("pdf", "PDF")]
)
def test_the_layout_is_recognised_from_the_content(layout: str, name: str, readings: dict[str, ParsedFile]) -> None:
    assert name in readings[layout].layout


def test_the_export_keeps_blank_checkpoints_blank(readings: dict[str, ParsedFile]) -> None:
    # DOMAIN.md §1: table 10 plans blank/blank/blank/100%; a blank means no checkpoint at that month
    table10 = next(p for p in readings["xlsx"].projects if p.heading_no == 10)
    assert [(c.month, c.cumulative_pct) for c in table10.plan] == [(12, Decimal(100))]


def test_export_scores_become_the_indicator_weights(text_reading: ParsedFile) -> None:
    got = parse_file(layouts.xlsx_bytes(text_reading, weights=True))
    first = got.projects[0].indicators
    assert [i.weight for i in first] == [Decimal(i.seq) for i in first]
    assert all(i.weight is None for i in text_reading.projects[0].indicators)


def test_word_merged_cells_are_read_once_in_reading_order(files: dict[str, bytes]) -> None:
    from docx import Document as open_docx

    table = open_docx(io.BytesIO(files["docx"])).tables[0]
    merged = [tc for tr in table._tbl.tr_lst for tc in tr.tc_lst if tc.grid_span > 1 or tc.vMerge is not None]
    assert merged, "the built document has merged cells"


def _docx_without_tables() -> bytes:
    from docx import Document as new_docx

    word = new_docx()
    word.add_paragraph("会议纪要")
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _xlsx_of_something_else() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "电话"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "stopped"),
    [
        pytest.param("随便写点什么\n第二行\n".encode(), "读完全部 3 行文字", id="text"),
        pytest.param(_docx_without_tables(), "读完 1 段文字和 0 个表格", id="docx"),
        pytest.param(_xlsx_of_something_else(), "工作表“Sheet”的前30行中没有", id="xlsx"),
    ],
)
def test_an_unknown_layout_is_refused_with_the_layouts_read_and_where_reading_stopped(
    data: bytes, stopped: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_file(data)
    assert stopped in info.value.detail
    assert all(name in info.value.detail for name in LAYOUTS)


def test_a_broken_export_row_is_named_by_sheet_and_row(text_reading: ParsedFile) -> None:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(layouts.xlsx_bytes(text_reading)))
    book.active["E3"] = "一百八十"  # 预算数 of the first project
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(InvalidInput) as info:
        parse_file(out.getvalue())
    assert "工作表“绩效目标”第3行" in info.value.detail and "不是金额" in info.value.detail


@pytest.mark.parametrize("layout", ["docx", "xlsx"])
def test_importing_a_layout_stores_44_projects_and_405_indicators_and_again_changes_nothing(
    session: Session, files: dict[str, bytes], layout: str
) -> None:
    summary = import_targets(session=session, data=files[layout], filename=f"changli.{layout}")
    assert (summary.projects, summary.indicators, summary.created) == (44, 405, 44)
    assert session.exec(select(func.sum(Project.budget_fen))).one() == 24_596_120_000
    assert session.exec(select(func.count()).select_from(Indicator)).one() == 405
    again = import_targets(session=session, data=files[layout], filename=f"again.{layout}")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 44)


def test_cli_imports_a_word_document(committed_db: Engine, files: dict[str, bytes], tmp_path: Path) -> None:
    path = tmp_path / "changli.docx"
    path.write_bytes(files["docx"])
    result = CliRunner().invoke(app, ["targets", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "44 个项目" in result.output and "405 个指标" in result.output
