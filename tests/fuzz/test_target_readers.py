"""Fuzzing the target readers: any bytes give projects that make sense or a message naming a line.

The seed is the first two tables of the real 昌黎县 file; the fuzzer rewrites cells (with the values
that broke it before: NaN%, Infinity, 1e1200000, 400 digits), drops, repeats and swaps lines, cuts the
file short and mixes encodings. Read through `parse_file`, the entry point the CLI and the API share.
When a file is accepted, every number in it is finite and within what the database stores: a file that
imports must not break the variance, alerts and pages afterwards.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import DATA
from tests.fuzz.limits import outcome
from tracker.errors import InvalidInput
from tracker.targets.importer import parse_file
from tracker.targets.parsing import ParsedFile

pytestmark = pytest.mark.fuzz

SEED = DATA.read_text(encoding="utf-8").split("\n")[:190]  # the title lines and tables 1 and 2
CELL_LINES = [i for i, line in enumerate(SEED) if line.startswith("\t")]
# Cells holding a number (amounts, plan percentages, target values, months) are where the damage was.
VALUE_LINES = [i for i in CELL_LINES if any(ch.isdigit() for ch in SEED[i]) and len(SEED[i]) < 20]
NASTY = [
    "NaN%",
    "Infinity%",
    "-Infinity",
    "123456%",
    "1e1200000",
    "9" * 400,
    "-25%",
    "1,000.00",
    "\x00",
    '"',
    "0.0000001%",
    "１２％",
    "3月底",
    "12月底",
    "13月底",
    "其中：财政资金",
    "项目编码",
    "预算数",
    "资金支出计划（%）",
    "一级指标",
    "产出指标",
    "≥1e30人",
    "-1",
    "",
    " ",
    "—",
    "314001昌黎县民政局本级",
    "1.某项目绩效目标表",
]
CELL_TEXT = st.one_of(st.sampled_from(NASTY), st.text(max_size=30), st.decimals().map(lambda d: f"{d}%"))
BIGGEST_FEN = 10**15  # far above a county budget (10 trillion 元), far below what BIGINT holds


@st.composite
def target_files(draw: st.DrawFn) -> bytes:
    lines = list(SEED)
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.sampled_from(VALUE_LINES) | st.sampled_from(CELL_LINES))
        lines[at] = "\t" + draw(CELL_TEXT)
    for _ in range(draw(st.integers(0, 3))):
        edit = draw(st.sampled_from(["drop", "repeat", "swap", "untab"]))
        at = draw(st.integers(0, len(lines) - 2))
        if edit == "drop":
            del lines[at]
        elif edit == "repeat":
            lines.insert(at, lines[at])
        elif edit == "swap":
            lines[at], lines[at + 1] = lines[at + 1], lines[at]
        else:
            lines[at] = lines[at].lstrip("\t")
    if draw(st.booleans()):
        lines = lines[: draw(st.integers(0, len(lines)))]
    text = draw(st.sampled_from(["\n", "\r\n"])).join(lines)
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"])), errors="replace")


def sane(parsed: ParsedFile) -> None:
    """What an accepted file holds is something the rules and the database can work with."""
    assert parsed.projects
    for p in parsed.projects:
        for fen in (p.budget_fen, p.fiscal_fen, p.other_fen):
            assert 0 <= fen <= BIGGEST_FEN, f"{p.code}: amount {fen} fen"
        for c in p.plan:
            assert 1 <= c.month <= 12
            assert c.cumulative_pct.is_finite() and 0 <= c.cumulative_pct <= 100, f"{p.code}: plan {c}"
        assert [c.month for c in p.plan] == sorted({c.month for c in p.plan}), f"{p.code}: plan months {p.plan}"
        for ind in p.indicators:
            assert 1 <= ind.seq < 10_000
            for value in (ind.target.value, ind.target.norm_value):
                assert value is None or (value.is_finite() and abs(value) < Decimal(10) ** 15), f"{ind.target}"


def check(data: bytes) -> None:
    got = outcome(lambda: parse_file(data))
    if isinstance(got, ParsedFile):
        sane(got)
    else:
        assert isinstance(got, InvalidInput), got
        assert got.detail.startswith("第") and "行" in got.detail, got.detail  # names the line


@given(target_files())
def test_a_mangled_target_file_reads_sensibly_or_names_the_line(data: bytes) -> None:
    check(data)


@given(st.binary(max_size=400) | st.text(max_size=200).map(str.encode))
def test_arbitrary_bytes_are_refused_with_a_line_or_read(data: bytes) -> None:
    check(data)
