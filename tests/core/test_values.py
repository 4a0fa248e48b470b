"""Target values and actuals (DOMAIN.md §2): the grammar, units, normalisation and reading actuals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tracker.core.grades import Grade, parse_actual, parse_grade
from tracker.core.units import convert, is_percent
from tracker.core.value_parsing import parse_value
from tracker.core.values import Comparator, Direction, Kind, TargetValue

Q, P = Kind.QUANTITATIVE, Kind.QUALITATIVE
GE, GT, EQ, LE, LT = Comparator.GE, Comparator.GT, Comparator.EQ, Comparator.LE, Comparator.LT
UP, DOWN, NONE = Direction.UP, Direction.DOWN, Direction.NONE

# Every distinct 指标值 of data/changli-2024-targets.txt (405 indicator rows, 153 distinct texts),
# written out and checked by hand: text, kind, comparator, value, unit, direction.
CHANGLI_2024 = [
    ("1.05万亩", Q, EQ, "1.05", "万亩", NONE),
    ("1.92万亩", Q, EQ, "1.92", "万亩", NONE),
    ("100%", Q, EQ, "100", "%", NONE),
    ("1000元/亩", Q, EQ, "1000", "元/亩", NONE),
    ("1000元/人/年", Q, EQ, "1000", "元/人/年", NONE),
    ("1000元/年", Q, EQ, "1000", "元/年", NONE),
    ("1000元/生/年", Q, EQ, "1000", "元/生/年", NONE),
    ("100元/人*年", Q, EQ, "100", "元/人*年", NONE),
    ("1060元/生/年", Q, EQ, "1060", "元/生/年", NONE),
    ("128个", Q, EQ, "128", "个", NONE),
    ("13320元/人/年", Q, EQ, "13320", "元/人/年", NONE),
    ("134元/人", Q, EQ, "134", "元/人", NONE),
    ("1年", Q, EQ, "1", "年", NONE),
    ("2000元/生/年", Q, EQ, "2000", "元/生/年", NONE),
    ("20万元", Q, EQ, "20", "万元", NONE),
    ("380元/人/年", Q, EQ, "380", "元/人/年", NONE),
    ("400元/生/年", Q, EQ, "400", "元/生/年", NONE),
    ("418个", Q, EQ, "418", "个", NONE),
    ("500元/人/年", Q, EQ, "500", "元/人/年", NONE),
    ("6%", Q, EQ, "6", "%", NONE),
    ("6085元/生/年", Q, EQ, "6085", "元/生/年", NONE),
    ("6120元/生/年", Q, EQ, "6120", "元/生/年", NONE),
    ("735元/生/年", Q, EQ, "735", "元/生/年", NONE),
    ("840元/生/年", Q, EQ, "840", "元/生/年", NONE),
    ("935元/生/年", Q, EQ, "935", "元/生/年", NONE),
    ("942元/人", Q, EQ, "942", "元/人", NONE),
    ("960元/人/年", Q, EQ, "960", "元/人/年", NONE),
    ("<3‰", Q, LT, "3", "‰", DOWN),
    ("≤1000元/人/年", Q, LE, "1000", "元/人/年", DOWN),
    ("≤100万元", Q, LE, "100", "万元", DOWN),
    ("≤100人", Q, LE, "100", "人", DOWN),
    ("≤1080元", Q, LE, "1080", "元", DOWN),
    ("≤10万元", Q, LE, "10", "万元", DOWN),
    ("≤10公顷", Q, LE, "10", "公顷", DOWN),
    ("≤1152元", Q, LE, "1152", "元", DOWN),
    ("≤12192元", Q, LE, "12192", "元", DOWN),
    ("≤1235户", Q, LE, "1235", "户", DOWN),
    ("≤15%", Q, LE, "15", "%", DOWN),
    ("≤15600元", Q, LE, "15600", "元", DOWN),
    ("≤160000人", Q, LE, "160000", "人", DOWN),
    ("≤180万元", Q, LE, "180", "万元", DOWN),
    ("≤1年", Q, LE, "1", "年", DOWN),
    ("≤240元", Q, LE, "240", "元", DOWN),
    ("≤25.5万元", Q, LE, "25.5", "万元", DOWN),
    ("≤2500元/人/年", Q, LE, "2500", "元/人/年", DOWN),
    ("≤2800元/生/年", Q, LE, "2800", "元/生/年", DOWN),
    ("≤300万元", Q, LE, "300", "万元", DOWN),
    ("≤300元/人/月", Q, LE, "300", "元/人/月", DOWN),
    ("≤3个月", Q, LE, "3", "个月", DOWN),
    ("≤40.14万元", Q, LE, "40.14", "万元", DOWN),
    ("≤400万元", Q, LE, "400", "万元", DOWN),
    ("≤400元/月", Q, LE, "400", "元/月", DOWN),
    ("≤4500人", Q, LE, "4500", "人", DOWN),
    ("≤500元/人/场", Q, LE, "500", "元/人/场", DOWN),
    ("≤5475万元", Q, LE, "5475", "万元", DOWN),
    ("≤5万元", Q, LE, "5", "万元", DOWN),
    ("≤6000元", Q, LE, "6000", "元", DOWN),
    ("≤60万元", Q, LE, "60", "万元", DOWN),
    ("≤6708元", Q, LE, "6708", "元", DOWN),
    ("≤6万元", Q, LE, "6", "万元", DOWN),
    ("≤7000人", Q, LE, "7000", "人", DOWN),
    ("≤70万元", Q, LE, "70", "万元", DOWN),
    ("≤8724元", Q, LE, "8724", "元", DOWN),
    ("≤8人", Q, LE, "8", "人", DOWN),
    ("≤90000元", Q, LE, "90000", "元", DOWN),
    ("≤936.24万元", Q, LE, "936.24", "万元", DOWN),
    ("≤9372元", Q, LE, "9372", "元", DOWN),
    ("≥0.5%", Q, GE, "0.5", "%", UP),
    ("≥10%", Q, GE, "10", "%", UP),
    ("≥100%", Q, GE, "100", "%", UP),
    ("≥1000人", Q, GE, "1000", "人", UP),
    ("≥100人", Q, GE, "100", "人", UP),
    ("≥100人次", Q, GE, "100", "人次", UP),
    ("≥100户", Q, GE, "100", "户", UP),
    ("≥10万人", Q, GE, "10", "万人", UP),
    ("≥10元/人*年", Q, GE, "10", "元/人*年", UP),
    ("≥11866人", Q, GE, "11866", "人", UP),
    ("≥11万亩", Q, GE, "11", "万亩", UP),
    ("≥120000人", Q, GE, "120000", "人", UP),
    ("≥1300人次", Q, GE, "1300", "人次", UP),
    ("≥130人", Q, GE, "130", "人", UP),
    ("≥15%", Q, GE, "15", "%", UP),
    ("≥150人", Q, GE, "150", "人", UP),
    ("≥16%", Q, GE, "16", "%", UP),
    ("≥16个", Q, GE, "16", "个", UP),
    ("≥1723人", Q, GE, "1723", "人", UP),
    ("≥1833人", Q, GE, "1833", "人", UP),
    ("≥18场次", Q, GE, "18", "场次", UP),
    ("≥1万元", Q, GE, "1", "万元", UP),
    ("≥1年", Q, GE, "1", "年", UP),
    ("≥2000元/年", Q, GE, "2000", "元/年", UP),
    ("≥200人", Q, GE, "200", "人", UP),
    ("≥20万元", Q, GE, "20", "万元", UP),
    ("≥216.4万元", Q, GE, "216.4", "万元", UP),
    ("≥2495人", Q, GE, "2495", "人", UP),
    ("≥2500人", Q, GE, "2500", "人", UP),
    ("≥2万元", Q, GE, "2", "万元", UP),
    ("≥2次/年", Q, GE, "2", "次/年", UP),
    ("≥30%", Q, GE, "30", "%", UP),
    ("≥3000个", Q, GE, "3000", "个", UP),
    ("≥300天", Q, GE, "300", "天", UP),
    ("≥31000人", Q, GE, "31000", "人", UP),
    ("≥35人", Q, GE, "35", "人", UP),
    ("≥36.5元/人*月", Q, GE, "36.5", "元/人*月", UP),
    ("≥380元/人", Q, GE, "380", "元/人", UP),
    ("≥380元/户", Q, GE, "380", "元/户", UP),
    ("≥400000人", Q, GE, "400000", "人", UP),
    ("≥4000人", Q, GE, "4000", "人", UP),
    ("≥40人", Q, GE, "40", "人", UP),
    ("≥430人次", Q, GE, "430", "人次", UP),
    ("≥4600人", Q, GE, "4600", "人", UP),
    ("≥4647人", Q, GE, "4647", "人", UP),
    ("≥5%", Q, GE, "5", "%", UP),
    ("≥5000人", Q, GE, "5000", "人", UP),
    ("≥500人次", Q, GE, "500", "人次", UP),
    ("≥50％", Q, GE, "50", "%", UP),
    ("≥5500人", Q, GE, "5500", "人", UP),
    ("≥5万元", Q, GE, "5", "万元", UP),
    ("≥600人", Q, GE, "600", "人", UP),
    ("≥60人", Q, GE, "60", "人", UP),
    ("≥750人", Q, GE, "750", "人", UP),
    ("≥76.8万元", Q, GE, "76.8", "万元", UP),
    ("≥80%", Q, GE, "80", "%", UP),
    ("≥85％", Q, GE, "85", "%", UP),
    ("≥90%", Q, GE, "90", "%", UP),
    ("≥90％", Q, GE, "90", "%", UP),
    ("≥95%", Q, GE, "95", "%", UP),
    ("≥95％", Q, GE, "95", "%", UP),
    ("≥96%", Q, GE, "96", "%", UP),
    ("≥97%", Q, GE, "97", "%", UP),
    ("≥98%", Q, GE, "98", "%", UP),
    ("≥98％", Q, GE, "98", "%", UP),
    ("≥99%", Q, GE, "99", "%", UP),
    ("≥99％", Q, GE, "99", "%", UP),
    ("利于提高经济文化建设", P, None, None, None, UP),
    ("较上年办公期间能源节约情况", P, None, None, None, DOWN),
    ("较上年扩大", P, None, None, None, UP),
    ("较上年提升", P, None, None, None, UP),
    ("较上年提高", P, None, None, None, UP),
    ("较上年节约", P, None, None, None, DOWN),
    ("较上年降低", P, None, None, None, DOWN),
    ("较上年降低能耗", P, None, None, None, DOWN),
    ("进一步减少", P, None, None, None, DOWN),
    ("进一步减轻", P, None, None, None, DOWN),
    ("进一步增强", P, None, None, None, UP),
    ("进一步提高", P, None, None, None, UP),
    ("进一步提高了人们的节能环保意识", P, None, None, None, UP),
    ("进一步提高了社会的稳定性", P, None, None, None, UP),
    ("进一步提高贫困人口脱贫的能力", P, None, None, None, UP),
    ("进一步改善文化活动环境", P, None, None, None, UP),
    ("进一步满足人民群众文化生活需要", P, None, None, None, NONE),
    ("进一步节约", P, None, None, None, DOWN),
    ("进一步降低", P, None, None, None, DOWN),
]


def test_changli_table_lists_every_distinct_value_once() -> None:
    texts = [row[0] for row in CHANGLI_2024]
    assert len(texts) == len(set(texts)) == 153


@pytest.mark.parametrize(("text", "kind", "comparator", "value", "unit", "direction"), CHANGLI_2024)
def test_every_changli_2024_target_value_reads_as_written(
    text: str,
    kind: Kind,
    comparator: Comparator | None,
    value: str | None,
    unit: str | None,
    direction: Direction,
) -> None:
    read = parse_value(text)
    assert read.text == text
    assert (read.kind, read.comparator, read.unit, read.direction) == (kind, comparator, unit, direction)
    assert read.value == (None if value is None else Decimal(value))
    if kind is P:
        assert (read.norm_value, read.norm_unit) == (None, None)


@pytest.mark.parametrize(
    ("text", "comparator"),
    [
        ("≥95%", GE),
        (">=95%", GE),
        ("=>95%", GE),
        ("≧95%", GE),
        ("⩾95%", GE),
        ("≥=95%", GE),
        ("≧=95%", GE),
        ("≤95%", LE),
        ("<=95%", LE),
        ("=<95%", LE),
        ("≦95%", LE),
        ("⩽95%", LE),
        (">95%", GT),
        ("＞95%", GT),
        ("<95%", LT),
        ("＜95%", LT),
        ("=95%", EQ),
        ("＝95%", EQ),
        ("＞＝95%", GE),
        ("＜＝95%", LE),
    ],
)
def test_comparator_symbols_in_all_their_forms(text: str, comparator: Comparator) -> None:
    read = parse_value(text)
    assert (read.kind, read.comparator, read.value, read.unit) == (Q, comparator, Decimal(95), "%")


@pytest.mark.parametrize(
    ("text", "comparator"),
    [
        ("不低于95%", GE),
        ("不少于2500人", GE),
        ("大于等于95%", GE),
        ("大于或等于95%", GE),
        ("达到95%", GE),
        ("不高于1152元", LE),
        ("不超过1152元", LE),
        ("小于等于1152元", LE),
        ("大于95%", GT),
        ("小于3‰", LT),
        ("等于100%", EQ),
    ],
)
def test_chinese_word_comparators_read_as_symbols(text: str, comparator: Comparator) -> None:
    assert parse_value(text).comparator is comparator


@pytest.mark.parametrize(
    ("text", "comparator", "value", "unit"),
    [
        ("95%以上", GE, "95", "%"),
        ("100人及以上", GE, "100", "人"),
        ("5%以下", LE, "5", "%"),
        ("3个工作日以内", LE, "3", "个工作日"),
        ("3个工作日内", LE, "3", "个工作日"),
    ],
)
def test_yishang_yixia_yinei_after_the_number_include_it(
    text: str, comparator: Comparator, value: str, unit: str
) -> None:
    read = parse_value(text)
    assert (read.comparator, read.value, read.unit) == (comparator, Decimal(value), unit)


@pytest.mark.parametrize(
    ("text", "unit"),
    [("100%", "%"), ("1年", "年"), ("418个", "个"), ("2500", None), ("1.05万亩", "万亩")],
)
def test_a_bare_value_means_equal_a_standard_with_no_direction_of_its_own(text: str, unit: str | None) -> None:
    """DOMAIN.md §2: a bare value means "="; "= is a standard to hit: a miss either way loses points"."""
    read = parse_value(text)
    assert (read.kind, read.comparator, read.unit, read.direction) == (Q, EQ, unit, NONE)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("≥２５人", "25", "人"),
        ("≥２５００人", "2500", "人"),
        ("≥３６．５元/人*月", "36.5", "元/人*月"),
        ("≥９５％", "95", "%"),
        ("１，０００元", "1000", "元"),
        ("≥1,000人", "1000", "人"),
        ("≤1,234,567.89元", "1234567.89", "元"),
        ("≥ 95 %", "95", "%"),
        ("≥\u300095\u3000％", "95", "%"),
        ("  ≤ 3 个月 ", "3", "个月"),
        ("≤1000元／人", "1000", "元/人"),
    ],
)
def test_full_width_digits_signs_separators_and_spaces_are_tolerated(text: str, value: str, unit: str) -> None:
    read = parse_value(text)
    assert (read.kind, read.value, read.unit) == (Q, Decimal(value), unit)
    assert str(read.value) == value  # exact, as written


@pytest.mark.parametrize("text", ["≥95%", "≥95％", "≥95百分比", "≥95 百分比"])
def test_every_percent_spelling_becomes_percent(text: str) -> None:
    read = parse_value(text)
    assert (read.unit, read.norm_unit, read.norm_value) == ("%", "%", Decimal(95))


@pytest.mark.parametrize(("unit", "expected"), [("%", True), ("％", True), ("百分比", True), ("‰", False)])
def test_is_percent(unit: str, expected: bool) -> None:
    assert is_percent(unit) is expected


def test_is_percent_of_no_unit_is_false() -> None:
    assert is_percent(None) is False


@pytest.mark.parametrize(
    ("text", "norm_value", "norm_unit"),
    [
        ("≤25.5万元", "255000", "元"),
        ("≤936.24万元", "9362400", "元"),
        ("≥1万元", "10000", "元"),
        ("≥2亿元", "200000000", "元"),
        ("≥3千元", "3000", "元"),
        ("≤1百万元", "1000000", "元"),
        ("1.05万亩", "10500", "亩"),
        ("≥11万亩", "110000", "亩"),
        ("≤10公顷", "150", "亩"),
        ("≥2.5万人", "25000", "人"),
        ("≥10万人", "100000", "人"),
        ("≥1.2万人次", "12000", "人次"),
        ("≥3万户", "30000", "户"),
        ("≥5万株", "50000", "株"),
        ("≥2万元/人", "20000", "元/人"),
        ("≥10元/人*年", "10", "元/人/年"),
        ("≥36.5元/人*月", "36.5", "元/人/月"),
        ("<3‰", "0.3", "%"),
        ("≤3个月", "3", "个月"),
        ("≥2次/年", "2", "次/年"),
        ("≥18场次", "18", "场次"),
        ("2500", "2500", None),
    ],
)
def test_norm_value_is_in_the_base_unit(text: str, norm_value: str, norm_unit: str | None) -> None:
    read = parse_value(text)
    assert (read.norm_value, read.norm_unit) == (Decimal(norm_value), norm_unit)
    assert str(read.norm_value) == norm_value  # no exponent, no trailing zeros


def test_magnitudes_compare_after_normalisation() -> None:
    target, reported = parse_value("≥2.5万人"), parse_value("26000人")
    assert target.norm_unit == reported.norm_unit == "人"
    assert reported.norm_value is not None and target.norm_value is not None
    assert reported.norm_value > target.norm_value


@pytest.mark.parametrize(
    ("value", "from_unit", "to_unit", "expected"),
    [
        ("26000", "人", "万人", "2.6"),
        ("2.6", "万人", "人", "26000"),
        ("1200", "元", "万元", "0.12"),
        ("1.5", "万元", "元", "15000"),
        ("1.05", "万亩", "亩", "10500"),
        ("10500", "亩", "万亩", "1.05"),
        ("10", "公顷", "亩", "150"),
        ("3", "‰", "%", "0.3"),
        ("97", "％", "%", "97"),
        ("97", "百分比", "%", "97"),
        ("100", "元/人*年", "元/人/年", "100"),
        ("2", "万元/人", "元/人", "20000"),
        ("2600", "人", "人", "2600"),
        ("2600", None, "人", "2600"),
        ("2600", "", "人", "2600"),
        ("2600", "人", None, "2600"),
        ("2600", None, None, "2600"),
    ],
)
def test_convert_between_magnitudes_of_one_unit(
    value: str, from_unit: str | None, to_unit: str | None, expected: str
) -> None:
    assert convert(Decimal(value), from_unit, to_unit) == Decimal(expected)


@pytest.mark.parametrize(
    ("from_unit", "to_unit"),
    [("亩", "人"), ("人次", "人"), ("元", "元/人"), ("元/人/年", "元/人/月"), ("天", "年"), ("‰", "人")],
)
def test_convert_between_incompatible_units_is_none(from_unit: str, to_unit: str) -> None:
    assert convert(Decimal(1), from_unit, to_unit) is None


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("进一步提高", UP),
        ("较上年提高", UP),
        ("有所提高", UP),
        ("进一步增强", UP),
        ("较上年扩大", UP),
        ("较上年提升", UP),
        ("进一步增加", UP),
        ("进一步改善", UP),
        ("较上年节约", DOWN),
        ("进一步减轻", DOWN),
        ("进一步降低", DOWN),
        ("进一步减少", DOWN),
        ("较上年下降", DOWN),
        ("效果明显", NONE),
        ("12月底前完成", NONE),
        ("持续发挥", NONE),
        ("进一步提高了人们的节能环保意识", UP),  # the first word decides
        ("不降低", UP),
        ("不低于上年", UP),  # a comparator word without a number still names the way
        ("不超过预算", DOWN),
        ("", NONE),
        ("   ", NONE),
    ],
)
def test_qualitative_phrases_keep_the_direction_their_words_give(text: str, direction: Direction) -> None:
    read = parse_value(text)
    assert read == TargetValue(text, P, None, None, None, None, None, direction)


@pytest.mark.parametrize(
    "text",
    ["12月底前完成", "2024年12月底前", "100余人", "百分之95", "≥10%%", "无明显变化", "20-10人"],
)
def test_digits_inside_a_phrase_do_not_make_it_quantitative(text: str) -> None:
    assert parse_value(text).kind is P


@pytest.mark.parametrize(("comparator", "direction"), [("≥", UP), (">", UP), ("=", NONE), ("≤", DOWN), ("<", DOWN)])
def test_quantitative_direction_follows_the_comparator(comparator: str, direction: Direction) -> None:
    assert parse_value(f"{comparator}5人").direction is direction


@pytest.mark.parametrize(
    ("doubtful", "comparator", "norm_value"),
    [("≥1万元", GE, "10000"), ("≤100万元", LE, "1000000"), ("≥100%", GE, "100")],
)
def test_doubtful_targets_are_read_as_written(doubtful: str, comparator: Comparator, norm_value: str) -> None:
    read = parse_value(doubtful)
    assert (read.comparator, read.norm_value) == (comparator, Decimal(norm_value))


@pytest.mark.parametrize(
    ("text", "target", "value"),
    [
        ("2600人", "≥2500人", "2600"),
        ("2600", "≥2500人", "2600"),
        ("2.6万人", "≥2500人", "26000"),
        ("26000人", "≥2.5万人", "2.6"),
        ("97%", "≥95%", "97"),
        ("97％", "≥95%", "97"),
        ("97", "≥95%", "97"),
        ("≥97%", "≥95%", "97"),
        ("１２００元", "≤1152元", "1200"),
        ("0.12万元", "≤1152元", "1200"),
        ("1,200 元", "≤1152元", "1200"),
        ("2‰", "<3‰", "2"),
        ("0.2%", "<3‰", "2"),
        ("150亩", "≤10公顷", "10"),
        ("36元/人*月", "≥36.5元/人*月", "36"),
        ("36元/人/月", "≥36.5元/人*月", "36"),
        ("2600", "2500", "2600"),
    ],
)
def test_actual_numbers_are_converted_to_the_target_unit(text: str, target: str, value: str) -> None:
    actual = parse_actual(text, parse_value(target))
    assert (actual.text, actual.value, actual.grade, actual.error) == (text, Decimal(value), None, None)


@pytest.mark.parametrize("grade", list(Grade))
@pytest.mark.parametrize("target", ["进一步提高", "≥95%"])
def test_a_grade_is_accepted_for_any_target(grade: Grade, target: str) -> None:
    actual = parse_actual(f" {grade.value} ", parse_value(target))
    assert (actual.value, actual.grade, actual.error) == (None, grade, None)


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("达成年度指标", Grade.ACHIEVED),
        ("部分达成年度指标并具有一定效果", Grade.PARTIAL),
        ("未达成年度指标且效果较差", Grade.FAILED),
        ("达成", Grade.ACHIEVED),
        ("部分达成", Grade.PARTIAL),
        ("未达成", Grade.FAILED),
        ("达成了", None),
        ("", None),
    ],
)
def test_parse_grade_knows_the_three_grades_and_their_short_names(text: str, grade: Grade | None) -> None:
    assert parse_grade(text) is grade


@pytest.mark.parametrize(
    ("text", "target", "error"),
    [
        ("很多", "≥2500人", "无法识别的实际值：很多"),
        ("abc", "进一步提高", "无法识别的实际值：abc"),
        ("12月底前完成", "≥95%", "无法识别的实际值：12月底前完成"),
        ("", "≥2500人", "实际值为空"),
        ("  ", "≥2500人", "实际值为空"),
        ("10亩", "≥2500人", "单位“亩”无法换算为指标单位“人”"),
        ("2600人次", "≥2500人", "单位“人次”无法换算为指标单位“人”"),
        ("97%", "≥2500人", "单位“%”无法换算为指标单位“人”"),
    ],
)
def test_unreadable_or_unconvertible_actuals_carry_a_chinese_error(text: str, target: str, error: str) -> None:
    actual = parse_actual(text, parse_value(target))
    assert (actual.value, actual.grade, actual.error) == (None, None, error)


def test_a_number_for_a_qualitative_target_asks_for_a_grade() -> None:
    actual = parse_actual("97%", parse_value("进一步提高"))
    assert actual.value is None and actual.grade is None
    assert actual.error is not None and actual.error.startswith("定性指标应填写评价等级")


# DOMAIN.md §2: "Ranges (`10-20人`, `20%-30%`) are met inside the range; approximate values
# (`1000人左右`, `约2000人`) are read as `=` with a tolerance"; "A target of zero (`0起`, `0次`,
# `无重大安全事故`, `零投诉`) means "none": met only at 0."
@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("10-20人", "10", "20", "人"),
        ("20%-30%", "20", "30", "%"),
        ("20-30%", "20", "30", "%"),
        ("10～20个", "10", "20", "个"),
        ("１０－２０人", "10", "20", "人"),
        ("1,000-2,000元/人", "1000", "2000", "元/人"),
        ("3至5天", "3", "5", "天"),
    ],
)
def test_a_range_reads_its_two_ends(text: str, low: str, high: str, unit: str) -> None:
    read = parse_value(text)
    assert (read.kind, read.comparator, read.value, read.high, read.unit) == (Q, EQ, Decimal(low), Decimal(high), unit)
    assert read.is_range and not read.is_zero and not read.approximate


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [("1000人左右", "1000", "人"), ("约2000人", "2000", "人"), ("大约95%", "95", "%"), ("95%左右", "95", "%")],
)
def test_an_approximate_value_is_equal_with_a_tolerance(text: str, value: str, unit: str) -> None:
    read = parse_value(text)
    assert (read.kind, read.comparator, read.value, read.unit, read.approximate) == (Q, EQ, Decimal(value), unit, True)
    assert read.high is None


@pytest.mark.parametrize(
    ("text", "unit"),
    [("0起", "起"), ("0次", "次"), ("无重大安全事故", None), ("零投诉", None), ("杜绝安全责任事故", None)],
)
def test_a_zero_target_means_none(text: str, unit: str | None) -> None:
    read = parse_value(text)
    assert (read.kind, read.comparator, read.value, read.unit) == (Q, EQ, Decimal(0), unit)
    assert read.is_zero


@pytest.mark.parametrize("text", ["无明显变化", "零星维修", "≥0人"])
def test_words_of_none_without_an_incident_or_a_floor_of_zero_are_no_zero_target(text: str) -> None:
    assert not parse_value(text).is_zero
