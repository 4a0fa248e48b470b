"""The mid-year 绩效运行监控表 (DOMAIN.md §4) through June, from payments and results in the database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session

from tests.evaluation.yearend import export_midyear, load, pay, report, sheet
from tracker.errors import InvalidInput
from tracker.models import Project
from tracker.rules import load_rules
from tracker.scope import Scope
from tracker.shared.export import project_file

JUNE = date(2024, 6, 30)


@pytest.fixture
def june(session: Session, changli_bytes: bytes, tmp_path: Path) -> tuple[Project, Path]:
    projects, batch = load(session, changli_bytes)
    p = projects[1]  # 180 万元, plan 3月 25% / 6月 50% / 10月 75% / 12月 100%
    pay(session, batch, p, date(2024, 3, 31), "100")
    pay(session, batch, p, date(2024, 11, 30), "71")  # after the cut-off
    report(session, batch, p, 1, "1300人", value="1300", as_of=JUNE)  # cumulative count, no likelihood given
    report(session, batch, p, 2, "80%", value="80", as_of=JUNE, likelihood="有可能", category="人员保障",
           reason="核查人员不足", measures="增派人员")  # fmt: skip
    report(session, batch, p, 4, "1200元", value="1200", as_of=JUNE)  # cost above ≤1152元, no reason
    report(session, batch, p, 5, "达成年度指标", grade="达成年度指标", as_of=JUNE)
    report(session, batch, p, 7, "1年", value="1", as_of=date(2024, 7, 15))  # after the cut-off
    export_midyear(session, tmp_path)
    return p, tmp_path


def test_spending_through_june_and_the_full_year_forecast(june: tuple[Project, Path]) -> None:
    p, out = june
    ws = sheet(out / project_file(p.dept_code, p.code, p.name))
    assert ws["A1"].value == "项目支出绩效运行监控表（2024年1—6月）"
    assert [ws[f"{c}5"].value for c in "DEFGHIJ"] == [
        "年度预算数", "1—6月执行数", "1—6月执行率", "计划执行进度", "时间进度", "全年预计执行数", "全年预计执行率",
    ]  # fmt: skip
    # 100 万元 by 30 June (the 71 paid in November is later): 100 / 180 = 55.56%; plan at 6月底 50%,
    # time 6/12 = 50%; DOMAIN.md §3 "the plan's shape applied to the lag so far (actual × plan at 12月底 /
    # plan today)": 100 × 100% / 50% = 200 万元, capped at the budget: 180 → 100%
    assert [ws[f"{c}6"].value for c in "DEFGHIJ"] == [180, 100, 0.5556, 0.5, 0.5, 180, 1]
    assert ws["I6"].number_format == '0.00"（测算）"'  # estimated, not the unit's own; still a number
    assert ws["K6"].value == "绿灯"  # 100 against 90 planned at the June checkpoint


def test_indicator_rows_carry_values_forecasts_likelihood_and_reasons_by_category(june: tuple[Project, Path]) -> None:
    p, out = june
    ws = sheet(out / project_file(p.dept_code, p.code, p.name))
    assert [ws[f"{c}11"].value for c in "IJKLM"] == ["经费保障", "制度保障", "人员保障", "硬件条件保障", "其他"]
    assert ws["N10"].value == "改进措施" and ws["F10"].value == "1—6月完成值"

    def row(seq: int) -> list[object]:
        return [ws[f"{c}{11 + seq}"].value for c in "EFGH"]

    # DOMAIN.md §4: an unmet count "projects it at the plan's shape, marked （测算）": 50% of the plan is
    # due by 30 June, so 1300 / 50% = 2600 ≥ 2500 → 确定能, estimated; the cell stays a number
    assert row(1) == ["≥2500人", 1300, 2600, "确定能（测算）"]
    assert ws["G12"].number_format.endswith('"人（测算）"')
    assert row(2) == ["≥95%", 80, 80, "有可能"]  # a rate stays; the unit's own likelihood
    assert [ws[f"{c}13"].value for c in "IJKLMN"] == ["", "", "核查人员不足", "", "", "增派人员"]
    assert row(3) == ["≥95%", "未填报", "", ""]
    assert row(4) == ["≤1152元", 1200, 1200, "有可能（测算）"]  # a cost above its ceiling may still be met
    assert row(5) == ["进一步提高", "达成年度指标", "达成年度指标", "确定能（测算）"]
    assert row(7) == ["≥1年", "未填报", "", ""]  # reported in July: after the cut-off
    assert ws["N15"].fill.fgColor.rgb.endswith("FFEB9C")  # 有可能 without reason and measures
    assert not ws["N13"].fill.fgColor.rgb.endswith("FFEB9C")
    notes = " ".join(str(c.value) for c in ws["A"] if c.value and str(c.value).startswith(("说明", "未填报", "完成")))
    assert "但未填写偏差原因或改进措施（已标黄）：第4项“残疾人生活补贴发放成本”" in notes


def test_overview_counts_per_project(june: tuple[Project, Path]) -> None:
    _, out = june
    ws = sheet(out / "overview.xlsx")
    assert ws["A1"].value == "2024年1—6月项目支出绩效运行监控汇总表" and ws["G2"].value == "1—6月执行数（万元）"
    first = [c.value for c in ws[3]]
    # budget, executed, rate, plan, time, forecast, light, indicators, 未填报, 确定能, 有可能, 完全不可能, 缺原因
    assert first[5:18] == [180, 100, 0.5556, 0.5, 0.5, 180, "绿灯", 8, 4, 2, 2, 0, 1]
    assert [ws["S2"].value, ws["T2"].value, ws["U2"].value, first[18]] == ["是否需要整改", "整改要求", "整改结果", "否"]
    assert ws.max_row == 46  # title, header, 44 projects


def test_cut_off_month_outside_the_year_is_refused(session: Session, table1_bytes: bytes, tmp_path: Path) -> None:
    load(session, table1_bytes)
    with pytest.raises(InvalidInput, match="截至月份"):
        export_midyear(session, tmp_path, through_month=13)


def test_a_count_that_met_its_target_by_june_keeps_its_actual_as_the_forecast(
    session: Session, changli_bytes: bytes
) -> None:
    # DOMAIN.md §4: "a cumulative one keeps its actual when already met"; issue 15: 2,600 people at
    # 30 June against ≥2500人 were projected to 5,228.57
    from tracker.monitoring.midyear import monitoring_projects

    projects, batch = load(session, changli_bytes)
    p = projects[1]
    report(session, batch, p, 1, "2600人", value="2600", as_of=JUNE)
    [mp] = monitoring_projects(
        rules=load_rules(), session=session, scope=Scope.everything(), year=2024, through_month=6, project_id=p.id
    )
    first = next(r for r in mp.rows if r.seq == 1)
    assert (first.actual, first.forecast, first.likelihood) == (2600, 2600, "确定能")
