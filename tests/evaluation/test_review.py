"""The target review (DOMAIN.md §6) of the stored 昌黎县 tables, as `tracker targets review` prints it."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from tracker.cli import app

DATA = Path(__file__).resolve().parents[2] / "data" / "changli-2024-targets.txt"
runner = CliRunner()


def review() -> list[dict[str, object]]:
    assert runner.invoke(app, ["targets", "import", str(DATA)]).exit_code == 0
    result = runner.invoke(app, ["targets", "review", "--year", "2024", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def at(findings: list[dict[str, object]], rule: str) -> dict[tuple[str, int | None], dict[str, object]]:
    """Findings of one rule by (project name, indicator seq)."""
    return {(f["project"]["name"], f["seq"]): f for f in findings if f["rule"] == rule}  # type: ignore[index]


def test_every_finding_names_project_indicator_severity_rule_and_a_chinese_sentence(committed_db: Engine) -> None:
    findings = review()
    keys = ["project", "seq", "indicator", "severity", "rule", "message", "dept_code", "code", "suggestion"]
    assert findings and all(list(f) == keys for f in findings)
    assert all(f["suggestion"] for f in findings)  # §6: "Each finding has … a suggested correction"
    assert all(list(f["project"]) == ["id", "dept_code", "code", "name"] for f in findings)  # type: ignore[arg-type]
    assert {f["severity"] for f in findings} <= {"error", "warning", "info"}


def test_cost_indicators_not_written_with_le_are_found(committed_db: Engine) -> None:
    cost = at(review(), "cost_not_le")
    # table 10: 每人每年成本数 ≥1万元 — a cost with ≥ is an error; table 16: 400元/生/年 is a bare value, a
    # fixed policy standard: "Not findings: a fixed policy standard written as a bare value in 成本"
    ge = cost[("县级企业军转干各类经费", 4)]
    assert ge["severity"] == "error" and ge["indicator"] == "每人每年成本数"
    assert ge["message"] == "成本指标“每人每年成本数”写作“≥1万元”，成本指标应使用≤"
    assert ge["suggestion"] == "改为“≤1万元”"
    assert ("中等职业学校免学费补助县级配套", 4) not in cost
    assert sum(1 for f in cost.values() if f["severity"] == "error") == 8 and len(cost) == 8


def test_percentage_above_100_with_ge_is_found(committed_db: Engine) -> None:
    hit = at(review(), "percent_over_100_ge")[("畜禽病虫害防治资金（强制免疫县级配套资金）", 3)]
    assert "≥100%" in str(hit["message"])


def test_the_truncated_table_may_lack_satisfaction_because_it_is_cut_off(committed_db: Engine) -> None:
    # §6: "Not findings: … the missing 满意度 of a table that was cut off (say it may be cut off instead)"
    findings = review()
    missing = at(findings, "missing_level1")[("2024年政府资助个人缴费医疗救助资金", None)]
    assert missing["severity"] == "info" and missing["message"] == "绩效目标表未见满意度指标，原表截断，可能在缺失部分"
    assert ("2024年政府资助个人缴费医疗救助资金", None) in at(findings, "incomplete_table")


def test_quantity_times_unit_cost_far_from_budget_is_a_warning(committed_db: Engine) -> None:
    far = at(review(), "quantity_cost_vs_budget")
    # DOMAIN.md §6's example, table 1: 2500 people × 1152 元 = 288 万元 against 180 万元 (1.6 ×)
    table1 = far[("残疾人两项补贴县级配套（困难残疾人生活补贴）", 4)]
    assert table1["severity"] == "warning"
    assert "2500人 × 成本指标“残疾人生活补贴发放成本”1152元 = 288.00万元，与预算数180.00万元" in str(table1["message"])
    assert all(f["severity"] == "warning" for f in far.values())  # a 配套 project may pay only a share
    assert len(far) >= 13


def test_review_of_a_year_without_tables_is_an_empty_list(committed_db: Engine) -> None:
    result = runner.invoke(app, ["targets", "review", "--year", "1999", "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == []
