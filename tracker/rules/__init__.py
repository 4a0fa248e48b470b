"""The rules of config/rules.yaml: one typed object, loaded once per start and passed explicitly.

`load_rules()` reads and checks the file (tracker/rules/load.py); `Rules` holds every section
(tracker/rules/sections.py) and `Rules.for_place(region, year)` the rules in force for a project
(tracker/rules/model.py). The readers below turn a section into the pure core's rule objects.
"""

from __future__ import annotations

from dataclasses import replace

from tracker.core.goals import TargetRules
from tracker.core.scoring_rules import ScoringRules
from tracker.rules.load import RulesError, load_rules, parse_rules
from tracker.rules.model import Rules

__all__ = ["Rules", "RulesError", "load_rules", "parse_rules", "reason_categories", "scoring_rules", "target_rules"]


def reason_categories(rules: Rules) -> tuple[str, ...]:
    """The 偏差原因 categories (`monitoring.reason_categories`, else the core's list)."""
    return rules.monitoring.reason_categories


def scoring_rules(rules: Rules) -> ScoringRules:
    """The `scoring:` section (DOMAIN.md §5) with the `targets:` reading of values it scores by."""
    return replace(rules.scoring.core(), targets=target_rules(rules))


def target_rules(rules: Rules) -> TargetRules:
    """The `targets:` section (DOMAIN.md §2): tolerance of approximate values, 二级 directions of =."""
    return rules.targets.core()
