"""The rule sets of config/rules.yaml as the pure core's dataclasses; a bad value names its key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from tracker.config import load_rules
from tracker.core.goals import TargetRules
from tracker.core.likelihood import REASON_CATEGORIES
from tracker.core.scoring import ScoringRules, ScoringRulesError
from tracker.errors import InvalidInput


def reason_categories(rules: Mapping[str, Any]) -> tuple[str, ...]:
    """The 偏差原因 categories: `monitoring.reason_categories` of the loaded file, else the core's list."""
    section = rules.get("monitoring") or {}
    return tuple(str(c) for c in section.get("reason_categories") or REASON_CATEGORIES)


def scoring_rules(rules: Mapping[str, Any] | None = None) -> ScoringRules:
    """The `scoring:` section (DOMAIN.md §5); `rules` is the whole loaded file, read afresh when None."""
    loaded = rules if rules is not None else load_rules()
    section = loaded.get("scoring") or {}
    try:
        scoring = ScoringRules.from_mapping(section)
    except ScoringRulesError as exc:
        raise InvalidInput(f"config/rules.yaml scoring.{exc}") from exc
    return replace(scoring, targets=target_rules(loaded))


def target_rules(rules: Mapping[str, Any] | None = None) -> TargetRules:
    """The `targets:` section (DOMAIN.md §2): tolerance of approximate values, 二级 directions of =."""
    section = (rules if rules is not None else load_rules()).get("targets") or {}
    if not isinstance(section, Mapping):
        raise InvalidInput(f"config/rules.yaml targets: 应为映射，实为{section!r}")
    try:
        return TargetRules.from_mapping(section)
    except ValueError as exc:
        raise InvalidInput(f"config/rules.yaml targets.{exc}") from exc
