"""config/rules.yaml is one typed object, checked when a process starts, with rules per region and year."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.support import edit
from tracker.core.lights import LightRules
from tracker.core.scoring_rules import ScoringRules
from tracker.monitoring.key_list import DEFAULT_TIERS, key_tiers
from tracker.rules import RulesError, load_rules, parse_rules, scoring_rules

CHANGLI, FUNING = "130322", "130306"


def test_the_shipped_file_states_the_code_defaults() -> None:
    shipped, empty = load_rules(), parse_rules({})
    assert shipped.variance.lights() == empty.variance.lights() == LightRules()
    assert scoring_rules(shipped) == scoring_rules(empty) == ScoringRules()
    assert key_tiers(shipped, region_code=CHANGLI, year=2024) == DEFAULT_TIERS
    assert shipped.for_place(CHANGLI, 2024) is shipped  # nothing set per place: the province's rules


def test_a_misspelt_key_stops_the_load_naming_the_key_path_and_the_file(rules_file: Path) -> None:
    edit(rules_file, "  yellow: 0.6           # yellow", "  yelow: 0.6           # yellow")
    with pytest.raises(RulesError) as caught:
        load_rules()
    assert "variance.yelow: 未知配置项" in caught.value.detail and str(rules_file) in caught.value.detail


def test_a_value_of_the_wrong_kind_names_its_key() -> None:
    with pytest.raises(RulesError, match=r"alerts\.report_due_days"):
        parse_rules({"alerts": {"report_due_days": "ten"}})
    with pytest.raises(RulesError, match=r"variance\.green/yellow"):
        parse_rules({"variance": {"green": 0.5, "yellow": 0.7}})  # yellow above green


def test_a_command_exits_2_with_the_message_when_the_file_is_bad(rules_file: Path) -> None:
    from tracker.cli import app

    edit(rules_file, "  yellow: 0.6           # yellow", "  yelow: 0.6           # yellow")
    result = CliRunner().invoke(app, ["jobs", "run", "variance"])
    assert result.exit_code == 2
    assert "variance.yelow" in result.output and "rules.yaml" in result.output


def test_serve_and_the_scheduler_do_not_start_with_a_bad_file(rules_file: Path) -> None:
    from tracker.cli import app

    edit(rules_file, "  lease_seconds: 60", "  lease_second: 60")
    served = CliRunner().invoke(app, ["serve", "--port", "1"])  # refused before uvicorn starts
    assert served.exit_code == 2 and "schedule.lease_second" in served.output
    scheduler = subprocess.run([sys.executable, "-m", "jobs"], capture_output=True, text=True, timeout=60, check=False)
    assert scheduler.returncode == 2 and "schedule.lease_second: 未知配置项" in scheduler.stderr + scheduler.stdout


def test_the_app_does_not_start_with_a_bad_file(rules_file: Path) -> None:
    from tracker.main import create_app

    edit(rules_file, "  token_hours: 12", "  token_hour: 12")
    with pytest.raises(RulesError, match=r"auth\.token_hour: 未知配置项"):
        create_app()


def test_a_region_overrides_only_its_own_projects_and_a_year_only_that_year() -> None:
    rules = parse_rules(
        {
            "variance": {"green": 0.8},
            "regions": {
                FUNING: {"variance": {"green": 0.9}, "years": {2025: {"scoring": {"lower_is_better": "linear"}}}}
            },
            "years": {2026: {"indicators": {"yellow": 0.5}}},
        }
    )
    assert rules.for_place(FUNING, 2024).variance.green == Decimal("0.9")
    assert rules.for_place(CHANGLI, 2024).variance.green == Decimal("0.8")
    assert scoring_rules(rules.for_place(FUNING, 2025)).lower_form == "linear"
    assert scoring_rules(rules.for_place(FUNING, 2024)).lower_form == "ratio"
    assert scoring_rules(rules.for_place(CHANGLI, 2025)).lower_form == "ratio"
    assert rules.for_place(CHANGLI, 2026).indicators.yellow == Decimal("0.5")
    assert rules.for_place(FUNING, 2026).indicators.yellow == Decimal("0.5")  # the province's year, under the region
    assert rules.for_place(CHANGLI, 2025).indicators.yellow == Decimal("0.6")


def test_an_invalid_override_names_its_key() -> None:
    with pytest.raises(RulesError, match=rf"regions\.{FUNING}\.variance\.gren: 未知配置项"):
        parse_rules({"regions": {FUNING: {"variance": {"gren": 0.9}}}})
    with pytest.raises(RulesError, match=rf"regions\.{FUNING}\.years\.2025\.scoring\.weights: 合计应为100"):
        parse_rules({"regions": {FUNING: {"years": {2025: {"scoring": {"weights": {"产出指标": 60}}}}}}})
    with pytest.raises(RulesError, match=r"years\.2025\.auth: 不能按地区或年度设置"):
        parse_rules({"years": {2025: {"auth": {"token_hours": 1}}}})
    with pytest.raises(RulesError, match=rf"regions\.{FUNING}\.alerts\.webhooks: 不能按地区或年度设置"):
        parse_rules({"regions": {FUNING: {"alerts": {"webhooks": []}}}})
    with pytest.raises(RulesError, match=r"regions\.1303: 行政区划代码应为6位数字"):
        parse_rules({"regions": {"1303": {}}})


def test_the_earlier_key_monitoring_regions_form_still_reads() -> None:
    tier = {"month": 7, "min_budget_wan": 100, "below_rate": 0.5}
    rules = parse_rules({"key_monitoring": {"regions": {FUNING: {"years": {2025: [tier]}}}}})
    assert rules.for_place(FUNING, 2025).key_monitoring.tiers == (tier_of(tier),)
    assert rules.for_place(FUNING, 2024).key_monitoring.tiers is None  # the code's default tiers


def tier_of(raw: dict[str, object]) -> object:
    from tracker.rules.sections import Tier

    return Tier.model_validate(raw)
