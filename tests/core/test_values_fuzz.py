"""Robustness: any text read as a target value or an actual gives an answer, never an exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.core.grades import parse_actual
from tracker.core.value_parsing import parse_value
from tracker.core.values import Kind
from tracker.targets.parsing import TableFormatError, parse_text

CHARS = "0123456789.,%％≥≤<>=＞＜＝万元人户亩年月底前 \t\n２５－-/*"
PIECES = st.sampled_from([*CHARS, "百分比", "不低于", "达到", "提高", "降低"])
VALUE_TEXT = st.lists(PIECES, max_size=12).map("".join)


@given(VALUE_TEXT | st.text(max_size=20))
@settings(max_examples=400, deadline=None)
def test_any_text_parses_to_a_value_or_a_phrase(text: str) -> None:
    v = parse_value(text)
    assert v.kind in (Kind.QUANTITATIVE, Kind.QUALITATIVE)
    assert (v.value is None) == (v.kind is Kind.QUALITATIVE)
    actual = parse_actual(text, parse_value("≥2500人"))
    assert actual.value is not None or actual.grade is not None or actual.error


LINES = ["\t项目编码", "\t预算数", "\t12", "1.某项目绩效目标表", "\t101001某局", "", "\tx"]


@given(st.lists(st.sampled_from(LINES), max_size=30))
@settings(max_examples=300, deadline=None)
def test_any_layout_either_parses_or_names_a_line(lines: list[str]) -> None:
    try:
        parse_text("\n".join(lines))
    except TableFormatError as exc:
        assert exc.line >= 1 and str(exc).startswith(f"第{exc.line}行")
