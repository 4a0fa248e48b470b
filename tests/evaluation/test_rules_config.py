"""The scoring and review rules come from config/rules.yaml; a wrong value is a 4xx naming its key."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlmodel import Session

from tests.evaluation.yearend import load, report
from tests.support import edit
from tracker.core.review_rules import ReviewRules
from tracker.core.scoring_rules import ScoringRules
from tracker.errors import InvalidInput
from tracker.evaluation.review import review_rules
from tracker.evaluation.service import evaluate
from tracker.rules import load_rules, scoring_rules
from tracker.scope import Scope


def test_shipped_rules_are_the_domain_defaults(rules_file: Path) -> None:
    assert scoring_rules(load_rules()) == ScoringRules()  # 10/50/30/10, ratio form, bands 80/60, 优 90 良 80 中 60
    assert review_rules(load_rules()) == ReviewRules(budget_ratio_low=D("0.67"), budget_ratio_high=D("1.5"))


def test_a_wrong_scoring_value_names_its_key(rules_file: Path) -> None:
    edit(rules_file, "产出指标: 50", "产出指标: 60")  # 10 + 60 + 30 + 10 = 110
    with pytest.raises(InvalidInput, match=r"scoring\.weights: 合计应为100"):
        load_rules()  # the file is checked when it is loaded, before anything is scored


def test_a_wrong_review_value_names_its_key(rules_file: Path) -> None:
    edit(rules_file, "budget_ratio_high: 1.5", "budget_ratio_hi: 1.5")
    with pytest.raises(InvalidInput, match=r"review\.budget_ratio_hi: 未知配置项"):
        load_rules()


def test_linear_form_for_lower_is_better_is_an_option(session: Session, table1_bytes: bytes, rules_file: Path) -> None:
    edit(rules_file, "lower_is_better: ratio", "lower_is_better: linear")
    projects, batch = load(session, table1_bytes)
    report(session, batch, projects[1], 4, "1280元", value="1280")  # ≤1152元, 12.5 points
    (ev,) = evaluate(rules=load_rules(), session=session, scope=Scope.everything(), project_id=projects[1].id)
    # linear: full at 1152, 0 at 2304: 12.5 × (2 − 1280 / 1152) = 12.5 × 0.8889 = 11.11 (ratio form: 11.25)
    assert ev.rows[3].score == D("11.11")
