"""The published-table reader against the real 昌黎县 file and the variations of real files (DOMAIN.md §1)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tracker.core.money import FEN_PER_WAN
from tracker.core.project import Checkpoint
from tracker.targets.parsing import ParsedFile, TableFormatError, decode, parse_text


def parse(data: bytes) -> ParsedFile:
    return parse_text(decode(data))


@pytest.fixture(scope="module")
def changli(changli_bytes: bytes) -> ParsedFile:
    return parse(changli_bytes)


def by_no(parsed: ParsedFile, n: int):  # type: ignore[no-untyped-def]
    return next(p for p in parsed.projects if p.heading_no == n)


def test_whole_file_has_44_projects_405_indicators_and_24596_12_wan(changli: ParsedFile) -> None:
    # DOMAIN.md §1: "Whole file: 44 projects, 405 indicator rows, 24,596.12 万元"
    assert len(changli.projects) == 44
    assert sum(len(p.indicators) for p in changli.projects) == 405
    assert sum(p.budget_fen for p in changli.projects) == 24_596_12 * FEN_PER_WAN // 100
    assert [p.heading_no for p in changli.projects] == list(range(1, 45))


def test_stray_heading_at_top_is_ignored_with_a_warning(changli: ParsedFile) -> None:
    assert any("第6行" in w and "没有表格" in w for w in changli.warnings)


def test_heading_without_dot_is_read(changli: ParsedFile) -> None:
    assert by_no(changli, 16).name == "中等职业学校免学费补助县级配套"


def test_same_project_code_under_two_units_gives_two_projects(changli: ParsedFile) -> None:
    # DOMAIN.md §1: tables 34/36 and 35/37 share a code under different units
    for a, b in ((34, 36), (35, 37)):
        pa, pb = by_no(changli, a), by_no(changli, b)
        assert pa.code == pb.code
        assert (pa.dept_code, pb.dept_code) == ("360001", "360004")


def test_truncated_last_table_is_imported_and_marked_incomplete(changli: ParsedFile) -> None:
    last = by_no(changli, 44)
    assert last.incomplete is True
    assert len(last.indicators) == 5
    assert all(not p.incomplete for p in changli.projects[:-1])
    assert any("不完整" in w for w in changli.warnings)


@pytest.mark.parametrize(
    ("table", "plan"),
    [
        (1, [(3, "25"), (6, "50"), (10, "75"), (12, "100")]),
        (10, [(12, "100")]),  # blank/blank/blank/100
        (14, [(10, "100"), (12, "100")]),  # blank/blank/100/100
        (23, [(3, "50"), (6, "100")]),  # 50/100/blank/blank
        (25, [(3, "30"), (6, "50"), (10, "100")]),  # 30/50/100/blank
        (29, [(3, "25"), (6, "50"), (10, "83"), (12, "100")]),
        (40, [(6, "50"), (10, "50"), (12, "100")]),  # blank/50/50/100
    ],
)
def test_plan_is_exactly_as_printed_and_blank_means_no_checkpoint(
    changli: ParsedFile, table: int, plan: list[tuple[int, str]]
) -> None:
    assert by_no(changli, table).plan == [Checkpoint(m, Decimal(p)) for m, p in plan]


def test_blank_other_funds_is_zero_and_amounts_are_exact(changli: ParsedFile) -> None:
    p = by_no(changli, 34)
    assert (p.budget_fen, p.fiscal_fen, p.other_fen) == (94_930_000, 94_930_000, 0)


def test_multiline_and_quoted_cells_are_joined(changli: ParsedFile) -> None:
    assert by_no(changli, 31).purpose == "保证高中教育阶段的家庭经济困难学生的费用，切实减轻贫困户家庭经济负担"
    basis = by_no(changli, 33).indicators[0].basis
    assert basis.startswith("昌黎县教育局") and basis.endswith("[2018]144 号")


def test_objectives_are_split_by_their_numbers(changli: ParsedFile) -> None:
    assert len(by_no(changli, 27).objectives) == 4
    assert by_no(changli, 1).objectives[1].startswith("通过对全县范围内的残疾人做到及时发放")


def test_duplicate_level3_names_get_distinct_sequence_numbers(changli: ParsedFile) -> None:
    # DOMAIN.md §2: table 27 has 任务完成及时率 twice
    seqs = [i.seq for i in by_no(changli, 27).indicators if i.level3 == "任务完成及时率"]
    assert len(seqs) == 2 and seqs[0] != seqs[1]


def test_continuation_rows_inherit_level1(changli: ParsedFile) -> None:
    levels = [(i.level1, i.level2) for i in by_no(changli, 1).indicators]
    assert levels[:4] == [("产出指标", l2) for l2 in ("数量指标", "质量指标", "时效指标", "成本指标")]
    assert levels[-1] == ("满意度指标", "服务对象满意度指标")


def test_year_comes_from_the_project_code(changli: ParsedFile) -> None:
    assert {p.year for p in changli.projects} == {2024}


def _targets(p) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    return [(i.level3, i.target.comparator, i.target.value) for i in p.indicators]


def _summary(parsed: ParsedFile) -> list[tuple[object, ...]]:
    return [
        (
            p.dept_code,
            p.code,
            p.budget_fen,
            p.plan,
            [(i.level3, i.target.comparator, i.target.value) for i in p.indicators],
        )
        for p in parsed.projects
    ]


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda t: t.encode("gb18030"), id="gb18030"),
        pytest.param(lambda t: t.replace("\n", "\r\n").encode("utf-8"), id="crlf"),
        pytest.param(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), id="bom"),
        pytest.param(lambda t: ("\ufeff" + t.replace("\n", "\r\n")).encode("gb18030"), id="gb18030-bom-crlf"),
        pytest.param(lambda t: t.replace("≥", ">=").replace("≤", "<=").replace("%", "％").encode(), id="typed-by-hand"),
    ],
)
def test_encodings_line_endings_and_hand_typed_signs_give_the_same_result(
    changli_bytes: bytes, changli: ParsedFile, variant
) -> None:  # type: ignore[no-untyped-def]
    parsed = parse(variant(changli_bytes.decode("utf-8")))
    assert _summary(parsed) == _summary(changli)


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
\t40％
\t
\t100
\t绩效目标
\t1.目标一
2.目标二
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
\t不少于２５００人
\t依据
\t数量指标
\t户数
\t描述
\t≥100户
\t依据
\t满意度指标
\t服务对象满意度指标
\t满意度
\t
\t≥95%
\t问卷
"""


def test_other_county_layout_with_september_checkpoint_and_omitted_empty_cell() -> None:
    parsed = parse(TABLE.encode())
    (p,) = parsed.projects
    assert (p.year, p.heading_no, p.dept_code, p.dept_name) == (2025, 7, "101001", "某某县示例局")
    assert (p.budget_fen, p.fiscal_fen, p.other_fen) == (1_200_500_000, 1_000_000_000, 200_500_000)
    assert p.plan == [Checkpoint(3, Decimal(20)), Checkpoint(6, Decimal(40)), Checkpoint(12, Decimal(100))]
    assert p.objectives == ["目标一", "目标二"]
    # the second row left out its empty 一级 cell entirely; it is re-aligned, not shifted
    assert [(i.level1, i.level2, i.level3, i.target.text) for i in p.indicators] == [
        ("产出指标", "数量指标", "受益人数", "不少于２５００人"),
        ("产出指标", "数量指标", "户数", "≥100户"),
        ("满意度指标", "服务对象满意度指标", "满意度", "≥95%"),
    ]
    assert p.incomplete is False


def test_funds_that_do_not_add_up_give_a_warning() -> None:
    parsed = parse(TABLE.replace("\t200.50", "\t100.00").encode())
    assert any("≠预算数" in w for w in parsed.warnings)


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b"", 1, "未找到"),
        (b"hello world\nthis is not a table\n", 1, "未找到"),
        (bytes(range(256)) * 4, 2, "编码"),  # 0x80 after the first \\n
        ("1.某项目绩效目标表\n\t101001某局\n\t单位：万元\n\t项目编码\n\tX1\n\t预算数\n\t12a\n".encode(), 7, "不是金额"),
    ],
)
def test_input_that_is_not_a_table_names_the_line(data: bytes, line: int, words: str) -> None:
    with pytest.raises(TableFormatError) as info:
        parse(data)
    assert info.value.line == line
    assert words in str(info.value)


def test_plan_with_wrong_number_of_percentages_names_the_line() -> None:
    broken = TABLE.replace("\t20%\n", "\t20%\n\t30%\n")
    with pytest.raises(TableFormatError) as info:
        parse(broken.encode())
    assert "4个月份" in str(info.value)


def test_variants_quarters_full_width_amounts_labelled_unit_and_budget_label() -> None:
    variant = (
        TABLE.replace("\t101001某某县示例局", "\t预算单位：101001 某某县示例局")
        .replace("\t预算数\n\t1,200.50", "\t年度预算数\n\t１,２００.５０")
        .replace("\t3月底\n\t6月底\n\t9月底\n\t12月底", "\t第一季度\n\t第二季度\n\t第三季度\n\t第四季度")
    )
    (p,) = parse(variant.encode()).projects
    assert (p.dept_code, p.dept_name, p.budget_fen) == ("101001", "某某县示例局", 1_200_500_000)
    assert [c.month for c in p.plan] == [3, 6, 12]
