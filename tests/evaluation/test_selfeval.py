"""Year-end self-evaluation workbooks (DOMAIN.md §5) from a year of payments and results in the database.

Scores are checked against hand calculations under the default rules of config/rules.yaml:
执行率 10, 产出 50, 效益 30, 满意度 10, split equally inside each 一级.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from tests.evaluation.yearend import find_row, load, pay, report, sheet
from tracker.evaluation.export import export_self_evaluation
from tracker.evaluation.service import evaluate
from tracker.models import Project
from tracker.rules import load_rules
from tracker.scope import Scope
from tracker.shared.export import DirSink, project_file

EVERYONE = Scope.everything()
PARTIAL = "部分达成年度指标并具有一定效果"


def table1_year(session: Session, batch: int, p: Project) -> None:
    """Table 1 (困难残疾人生活补贴, 180 万元): 4 产出 at 12.5, 3 效益 at 10, 1 满意度 at 10."""
    pay(session, batch, p, date(2024, 3, 31), "100")
    pay(session, batch, p, date(2024, 11, 30), "71")
    pay(session, batch, p, date(2024, 6, 1), "50", withdrawn=True)  # withdrawn: never counts
    pay(session, batch, p, date(2025, 1, 10), "5")  # next year: not in 全年执行数
    report(session, batch, p, 1, "2300人", value="2300")  # lost points, no reason given
    report(session, batch, p, 2, "50%", value="50", current=False)  # superseded
    report(session, batch, p, 2, "97%", value="97")
    report(session, batch, p, 3, "95%", value="95")
    report(session, batch, p, 3, "10%", value="10", as_of=date(2025, 1, 15))  # after the year
    report(session, batch, p, 4, "1280元", value="1280", reason="补贴标准上调", measures="下年度按新标准测算成本")
    report(session, batch, p, 5, PARTIAL, grade=PARTIAL, reason="收入提高幅度低于预期", category="其他")
    report(session, batch, p, 6, "达成年度指标", grade="达成年度指标", score="9", reason="调查样本不足")
    report(session, batch, p, 7, "1年", value="1")
    report(session, batch, p, 8, "96%", value="96")


def table44_year(session: Session, batch: int, p: Project) -> None:
    """Table 44 (421.28 万元) is cut off after five rows: no 满意度, so 90 points are rescaled to 100."""
    pay(session, batch, p, date(2024, 12, 20), "421.28")
    report(session, batch, p, 1, "11866人", value="11866")
    report(session, batch, p, 2, "85%", value="85")
    report(session, batch, p, 3, "98%", value="98")
    report(session, batch, p, 4, "361元/人/年", value="361", reason="部分对象年中退出资助")
    report(session, batch, p, 5, "达成年度指标", grade="达成年度指标")


@pytest.fixture
def exported(session: Session, changli_bytes: bytes, tmp_path: Path) -> tuple[dict[int, Project], Path]:
    projects, batch = load(session, changli_bytes)
    table1_year(session, batch, projects[1])
    table44_year(session, batch, projects[44])
    export_self_evaluation(rules=load_rules(), session=session, scope=EVERYONE, year=2024, sink=DirSink(tmp_path))
    return projects, tmp_path


def workbook_of(projects: dict[int, Project], n: int, out: Path) -> Path:
    p = projects[n]
    return out / project_file(p.dept_code, p.code, p.name)


def test_table1_scores_match_the_hand_calculation(exported: tuple[dict[int, Project], Path]) -> None:
    projects, out = exported
    ws = sheet(workbook_of(projects, 1, out))
    # 全年执行数 = 100 + 71 = 171 万元 (the withdrawn 50 and the 5 paid in 2025 do not count)
    # 执行率 = 171 / 180 = 0.95 → 0.95 × 10 = 9.50
    assert [ws[c].value for c in ("D6", "E6", "F6", "G6", "H6", "I6")] == [180, 180, 171, 10, 0.95, 9.5]
    rows = {n: [ws[f"{c}{12 + n}"].value for c in "FGH"] for n in range(1, 9)}
    assert rows[1] == [2300, 12.5, 11.5]  # ≥2500人, 2300: 12.5 × 2300 / 2500 = 11.50
    assert rows[2] == [97, 12.5, 12.5]  # ≥95%, 97 (the superseded 50 is ignored): full 12.50
    assert rows[3] == [95, 12.5, 12.5]  # ≥95%, 95 (the 2025 report is ignored): full 12.50
    assert rows[4] == [1280, 12.5, 11.25]  # ≤1152元, 1280: 12.5 × 1152 / 1280 = 11.25
    assert rows[5] == [PARTIAL, 10, 7]  # 部分达成, no score entered: 70% × 10 = 7.00
    assert rows[6] == ["达成年度指标", 10, 9]  # 达成 with 9 entered: inside [8, 10] → 9.00
    assert rows[7] == [1, 10, 10]  # ≥1年, 1: full 10.00
    assert rows[8] == [96, 10, 10]  # ≥95%, 96: full 10.00
    # 9.50 + 11.50 + 12.50 + 12.50 + 11.25 + 7.00 + 9.00 + 10.00 + 10.00 = 93.25 → 优 (≥ 90)
    assert [ws[c].value for c in ("A21", "G21", "H21", "I21")] == ["总分", 100, 93.25, "评价等级：优"]
    assert ws["F13"].number_format == 'General"人"' and ws["F16"].number_format == 'General"元"'
    assert ws["I16"].value == "补贴标准上调；下年度按新标准测算成本"
    assert ws["I17"].value == "其他：收入提高幅度低于预期"


def test_truncated_table_is_rescaled_to_100(exported: tuple[dict[int, Project], Path]) -> None:
    projects, out = exported
    ws = sheet(workbook_of(projects, 44, out))
    # no 满意度: 10 + 50 + 30 = 90 points rescaled to 100 → 执行率 11.11, 产出 55.56, 效益 33.33
    # (100/9 = 11.111, 500/9 = 55.556, 300/9 = 33.333; cut to cents, the spare cent goes to 产出)
    assert ws["G6"].value == 11.11 and ws["I6"].value == 11.11  # 421.28 of 421.28 spent: rate 1
    assert [ws[f"G{r}"].value for r in range(13, 18)] == [13.89, 13.89, 13.89, 13.89, 33.33]  # 55.56 / 4 = 13.89
    # =380元/人/年 scored like ≥, 361: 13.89 × 361 / 380 = 13.1955 → 13.20
    assert [ws[f"H{r}"].value for r in range(13, 18)] == [13.89, 13.89, 13.89, 13.2, 33.33]
    # 11.11 + 13.89 × 3 + 13.20 + 33.33 = 99.31 → 优
    assert [ws[c].value for c in ("A18", "G18", "H18", "I18")] == ["总分", 100, 99.31, "评价等级：优"]
    assert ws["A19"].value == "说明：本表无满意度指标，其余部分的分值按比例折算为100分。"


def test_summary_lists_every_project_with_rank(exported: tuple[dict[int, Project], Path]) -> None:
    projects, out = exported
    ws = sheet(out / "summary.xlsx")
    assert [c.value for c in ws[2]][:11] == [
        "序号", "单位编码", "单位名称", "项目编码", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "执行率",
        "自评得分", "评价等级", "排名",
    ]  # fmt: skip
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=3, max_row=46)]
    assert [r[0] for r in body] == list(range(1, 45))
    assert {(r[1], r[3]) for r in body} == {(p.dept_code, p.code) for p in projects.values()}
    first, last = body[0], body[43]
    assert first[5:11] == [180, 171, 0.95, 93.25, "优", 2]  # table 44 (99.31) ranks above it
    assert last[5:11] == [421.28, 421.28, 1, 99.31, "优", 1]
    assert body[1][9] == "未评定（8项未填报）" and body[1][10] == "—"  # nothing reported: no grade, no rank
    assert ws["A47"].value == "合计（44个项目）" and ws["F47"].value == pytest.approx(24596.12)
    assert ws["F3"].number_format == "0.00" and ws["H3"].number_format == "0.00%"


def test_unit_workbook_has_a_sheet_per_project(exported: tuple[dict[int, Project], Path]) -> None:
    _, out = exported
    book = load_workbook(out / "units" / "130322-450005-昌黎县城乡居民基本医疗保险服务中心.xlsx")
    assert book.sheetnames == [
        "42.2024年城乡居民基本医疗保险县级配套资金",
        "43.2024年医疗救助县级配套资金",
        "44.2024年政府资助个人缴费医疗救助资金",
    ]
    assert book["44.2024年政府资助个人缴费医疗救助资金"]["H18"].value == 99.31


def test_unreported_indicator_says_so_and_is_never_zero(exported: tuple[dict[int, Project], Path]) -> None:
    projects, out = exported
    ws = sheet(workbook_of(projects, 2, out))  # table 2: nothing reported
    for r in range(13, 21):
        assert ws[f"F{r}"].value == "未填报" and ws[f"H{r}"].value == "未填报"
    assert ws["I21"].value == "评价等级：未评定（8项未填报）"
    assert "未填报、不计分的指标：第1项" in str(ws["A22"].value)


def test_lost_points_without_reason_are_highlighted_and_listed(exported: tuple[dict[int, Project], Path]) -> None:
    projects, out = exported
    ws = sheet(workbook_of(projects, 1, out))
    flagged = ws["I13"].fill.fgColor.rgb  # seq 1 lost 1.00 and gives no reason
    assert flagged.endswith("FFEB9C")
    assert ws["I16"].fill.fgColor.rgb != flagged  # seq 4 lost points but explains them
    note = find_row(ws, "A", "说明：失分但未填写偏差原因分析及改进措施（已标黄）：第1项“困难残疾人受救助人数”。")
    assert note == 22


@pytest.mark.parametrize(
    ("grade", "entered", "expected", "problem"),
    [
        ("达成年度指标", None, D("10.00"), None),  # 100% of 10 by default
        (PARTIAL, None, D("7.00"), None),  # 70%
        ("未达成年度指标且效果较差", None, D("3.00"), None),  # 30%
        (PARTIAL, "6.5", D("6.50"), None),  # inside [60%, 80%) of 10 = [6, 8)
        ("未达成年度指标且效果较差", "5.9", D("5.90"), None),  # inside [0, 6)
        (PARTIAL, "8", D("7.00"), "不在“部分达成年度指标并具有一定效果”的分值区间[6.00, 8.00)内"),  # 8 is 达成's
        ("达成年度指标", "7.5", D("10.00"), "分值区间[8.00, 10.00]"),  # below 达成's band: default 100%
    ],
)
def test_qualitative_grades_land_in_their_bands(
    session: Session, table1_bytes: bytes, grade: str, entered: str | None, expected: D, problem: str | None
) -> None:
    projects, batch = load(session, table1_bytes)
    report(session, batch, projects[1], 5, grade, grade=grade, score=entered)  # 进一步提高, 10 points
    (ev,) = evaluate(rules=load_rules(), session=session, scope=EVERYONE, project_id=projects[1].id)
    assert ev.rows[4].score == expected
    if problem is None:
        assert ev.problems == []
    else:
        assert len(ev.problems) == 1 and problem in ev.problems[0] and "已按等级默认比例计分" in ev.problems[0]


def test_a_number_for_a_quantitative_target_is_scored_by_formula_not_by_an_uploaded_score(
    session: Session, table1_bytes: bytes
) -> None:
    projects, batch = load(session, table1_bytes)
    report(session, batch, projects[1], 1, "2000人", value="2000", score="12.5")
    (ev,) = evaluate(rules=load_rules(), session=session, scope=EVERYONE, project_id=projects[1].id)
    assert ev.rows[0].score == D("10.00")  # 12.5 × 2000 / 2500
    assert ev.problems == ["第1项指标“困难残疾人受救助人数”已填实际完成值，按公式计分，填报的等级或得分未采用"]


def test_a_department_sees_only_its_units_projects(session: Session, changli_bytes: bytes, tmp_path: Path) -> None:
    load(session, changli_bytes)
    scope = Scope.of_units({("130322", "360004")})
    done = export_self_evaluation(rules=load_rules(), session=session, scope=scope, year=2024, sink=DirSink(tmp_path))
    assert done.projects == 2 and done.units == 1
    ws = sheet(tmp_path / "summary.xlsx")
    assert [ws[f"B{r}"].value for r in (3, 4)] == ["360004", "360004"] and ws["A5"].value == "合计（2个项目）"
