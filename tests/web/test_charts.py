"""The spend chart is plain SVG drawn on the server: plan, actual, checkpoints, time progress."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

from tracker.core.project import Checkpoint
from tracker.web.charts import BOTTOM, TOP, H, _nice_max, spend_chart

NS = {"s": "http://www.w3.org/2000/svg"}
PLAN = [
    Checkpoint(3, Decimal(25)),
    Checkpoint(6, Decimal(50)),
    Checkpoint(10, Decimal(75)),
    Checkpoint(12, Decimal(100)),
]
WAN = 1_000_000


def points(svg: ET.Element, cls: str) -> list[tuple[float, float]]:
    line = svg.find(f"s:polyline[@class='{cls}']", NS)
    assert line is not None
    return [(float(x), float(y)) for x, y in (p.split(",") for p in line.attrib["points"].split())]


def draw(payments: list[tuple[date, int]], as_of: date = date(2024, 6, 30)) -> ET.Element:
    svg = spend_chart(year=2024, budget_fen=180 * WAN, plan=PLAN, payments=payments, as_of=as_of)
    return ET.fromstring(str(svg))


def test_the_chart_is_valid_svg_with_a_chinese_title() -> None:
    svg = draw([])
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.attrib["aria-label"] == "2024年累计支出：计划与实际（万元）"


def test_the_plan_runs_from_zero_on_1_january_through_every_checkpoint() -> None:
    svg = draw([])
    plan = points(svg, "plan")
    assert len(plan) == 1 + len(PLAN) + 1  # 1 January, the checkpoints, 31 December
    assert plan[0][1] == H - BOTTOM  # zero
    assert plan[0][1] > plan[1][1] > plan[2][1] > plan[3][1] > plan[4][1]
    labels = [t.text for t in svg.findall("s:g[@class='checkpoint']/s:text", NS)]
    assert labels == ["3月底 25%", "6月底 50%", "10月底 75%", "12月底 100%"]


def test_the_actual_line_climbs_by_each_payment_and_stops_at_the_date_shown() -> None:
    svg = draw([(date(2024, 2, 1), 30 * WAN), (date(2024, 5, 1), 30 * WAN), (date(2024, 8, 1), 99 * WAN)])
    actual = points(svg, "actual")
    ys = sorted({y for _, y in actual}, reverse=True)
    assert len(ys) == 3  # zero, 30 and 60 万元; the August payment is after 30 June
    now = svg.find("s:line[@class='now']", NS)
    assert now is not None and actual[-1][0] == float(now.attrib["x1"])


def test_time_progress_reaches_the_budget_on_31_december() -> None:
    svg = draw([])
    time_line = points(svg, "time")
    assert len(time_line) == 13
    assert time_line[-1] == points(svg, "plan")[-1]  # both end at 180 万元 on 31 December


def test_the_money_axis_has_a_round_top() -> None:
    assert [_nice_max(w * WAN) // WAN for w in (0, 1, 5, 6, 180, 1400, 24596)] == [1, 1, 5, 10, 250, 2500, 25000]
    svg = draw([])
    labels = [t.text for t in svg.findall("s:text[@class='ylab']", NS)]
    assert labels == ["0", "50", "100", "150", "200", "250"]
    assert TOP < H - BOTTOM


def test_spending_over_budget_raises_the_axis() -> None:
    svg = draw([(date(2024, 3, 1), 300 * WAN)])
    labels = [t.text for t in svg.findall("s:text[@class='ylab']", NS)]
    assert labels[-1] == "500"
