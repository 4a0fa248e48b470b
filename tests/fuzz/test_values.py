"""Fuzzing the value parser (tracker/core/value_parsing.py) and the amount reader: an answer for any text, quickly.

A quantitative reading is a finite number (never NaN or Infinity, which break the variance and scoring
maths downstream), or OutOfRange saying it is beyond the stored limits (tracker/limits.py); an amount is
integer fen or a MoneyError; nothing takes longer than the limit, whatever the digits or the exponent.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.fuzz.limits import bounded
from tracker.cli import app
from tracker.core.grades import parse_actual, parse_grade
from tracker.core.money import MoneyError, parse_wan
from tracker.core.value_parsing import parse_value
from tracker.core.values import Kind
from tracker.limits import OutOfRange

pytestmark = pytest.mark.fuzz

COMPARATORS = ["", "≥", "≤", ">", "<", "=", "＞＝", "不低于", "达到", "不超过", "大于等于", "约"]
UNITS = ["", "%", "％", "‰", "人", "万元", "元/人", "户", "亩", "个百分点", "天", "人次", "小时", "万元/人*年"]
SUFFIXES = ["", "以上", "以下", "以内", "及以上", "内", "底前"]
NUMBERS = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers().map(str),
    st.floats().map(repr),
    st.from_regex(r"[+-]?\d{1,400}(\.\d{0,50})?([eE][+-]?\d{1,9})?", fullmatch=True),
    st.sampled_from(
        [
            "NaN",
            "nan",
            "sNaN",
            "Infinity",
            "-Infinity",
            "inf",
            "1e1200000",
            "9" * 5000,
            "1,000.00",
            "1,00",
            "0x10",
            "１２３",
            "1_000",
            "٣",
            "²",
            "1e-999999999",
            ".5",
            "5.",
            "--1",
            "+-1",
        ]
    ),
)
VALUE = st.tuples(st.sampled_from(COMPARATORS), NUMBERS, st.sampled_from(UNITS), st.sampled_from(SUFFIXES)).map("".join)
ANY_TEXT = st.one_of(VALUE, st.text(max_size=60), st.text(alphabet="0123456789.,eE+-%万元 \t\x00", max_size=80))
TARGETS = [parse_value(t) for t in ("≥2500人", "≥95%", "≤30天", "进一步提高", "100万元", "=1")]


def finite(value: Decimal | None) -> bool:
    return value is None or value.is_finite()


@given(ANY_TEXT)
def test_a_target_value_reads_as_a_finite_quantity_or_a_phrase_or_is_out_of_range(text: str) -> None:
    with bounded():
        try:
            v = parse_value(text)
        except OutOfRange as exc:  # more digits than a stored value has: a sentence saying so
            assert "超出上限" in str(exc) or "小数位数过多" in str(exc), exc
            return
    assert v.kind in (Kind.QUANTITATIVE, Kind.QUALITATIVE)
    assert (v.value is None) == (v.kind is Kind.QUALITATIVE)
    assert finite(v.value) and finite(v.norm_value), f"{text!r} read as {v.value}"


@given(ANY_TEXT, st.sampled_from(TARGETS))
def test_an_actual_reads_as_a_finite_number_a_grade_or_a_message(text: str, target: object) -> None:
    with bounded():
        actual = parse_actual(text, target)  # type: ignore[arg-type]
        parse_grade(text)
    assert (actual.value is not None) + (actual.grade is not None) + bool(actual.error) == 1
    assert finite(actual.value), f"{text!r} read as {actual.value}"
    if actual.error:
        assert actual.error.strip()


@given(st.one_of(NUMBERS, ANY_TEXT))
def test_an_amount_is_integer_fen_or_a_money_error(text: str) -> None:
    with bounded():
        try:
            fen = parse_wan(text)
        except MoneyError as exc:
            assert str(exc).strip()
            return
    assert isinstance(fen, int)
    assert Decimal(fen) == Decimal(text.replace(",", "").replace("，", "").replace(" ", "").strip()) * 1_000_000


@given(VALUE)
def test_what_parse_value_prints_is_one_valid_json_object(text: str) -> None:
    """`tracker targets parse-value` prints JSON: no Infinity or NaN token, no traceback, for any value."""
    with bounded():
        result = CliRunner().invoke(app, ["targets", "parse-value", "--", text])
    if result.exit_code == 2:  # beyond the stored limits: one line saying so, no traceback
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert "错误" in result.output and "Traceback" not in result.output
        return
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout, parse_constant=_refuse)
    assert shown["kind"] in ("quantitative", "qualitative")


def _refuse(token: str) -> None:
    raise AssertionError(f"not JSON: {token}")
