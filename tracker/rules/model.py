"""The rules object: every section of config/rules.yaml, and the rules in force for a place and year.

A region (`regions: {"130322": {...}}`) and a year (`years: {2025: {...}}`, or a region's own
`regions.<code>.years.<year>`) may override the sections that DOMAIN.md §1.1 lets vary by place:
thresholds, weights and bands, key-monitoring tiers, checkpoint and reminder days. The province's
(the top level) is the default; `Rules.for_place` merges them, most specific last.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field, PrivateAttr

from tracker.rules.sections import (
    Actuals,
    Alerts,
    Auth,
    Corrections,
    Indicators,
    KeyMonitoring,
    Monitoring,
    Review,
    Schedule,
    Scoring,
    Section,
    Targets,
    Variance,
)

# The sections a region or a year may set, and for `alerts` the keys that are days (not delivery).
PLACE_SECTIONS = (
    "targets",
    "variance",
    "indicators",
    "monitoring",
    "scoring",
    "review",
    "key_monitoring",
    "corrections",
    "alerts",
)
PLACE_ALERT_KEYS = (
    "after_checkpoint_days",
    "report_due_days",
    "reminder_days_before",
    "overdue_days_after",
    "escalate_lights",
    "remind_again_days",
)


class Rules(Section):
    """config/rules.yaml, validated: the province's sections, and the overrides per region and year."""

    targets: Targets = Field(default_factory=Targets)
    variance: Variance = Field(default_factory=Variance)
    indicators: Indicators = Field(default_factory=Indicators)
    monitoring: Monitoring = Field(default_factory=Monitoring)
    scoring: Scoring = Field(default_factory=Scoring)
    review: Review = Field(default_factory=Review)
    schedule: Schedule = Field(default_factory=Schedule)
    key_monitoring: KeyMonitoring = Field(default_factory=KeyMonitoring)
    corrections: Corrections = Field(default_factory=Corrections)
    alerts: Alerts = Field(default_factory=Alerts)
    actuals: Actuals = Field(default_factory=Actuals)
    auth: Auth = Field(default_factory=Auth)
    # Overrides as written (checked when the file is loaded, see tracker/rules/load.py): region code →
    # sections and `years`; year → sections.
    regions: dict[str, dict[str, Any]] = Field(default_factory=dict)
    years: dict[int, dict[str, Any]] = Field(default_factory=dict)

    _places: dict[tuple[str, int], Rules] = PrivateAttr(default_factory=dict)

    def for_place(self, region_code: str | None, year: int) -> Rules:
        """The rules in force for a project of this region and year (the province's where nothing is set)."""
        key = (region_code or "", year)
        found = self._places.get(key)
        if found is None:
            layers = place_layers(self, region_code=region_code, year=year)
            found = self if not layers else merged(self, layers)
            self._places[key] = found
        return found


def place_layers(rules: Rules, *, region_code: str | None, year: int) -> list[Mapping[str, Any]]:
    """The overrides for a place, least specific first: the year's, the region's, the region's year's."""
    region = rules.regions.get(region_code or "") or {}
    by_year = region.get("years") or {}
    layers = [rules.years.get(year), {k: v for k, v in region.items() if k != "years"}, by_year.get(year)]
    return [layer for layer in layers if layer]


def merged(rules: Rules, layers: list[Mapping[str, Any]]) -> Rules:
    """The province's sections with the layers laid over them (mappings merge, lists replace)."""
    data: dict[str, Any] = rules.model_dump(exclude={"regions", "years"}, exclude_unset=True)
    for layer in layers:
        data = deep_merge(data, layer)
    return Rules.model_validate(data)


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`over` laid on `base`: nested mappings are merged key by key, anything else is replaced."""
    out = dict(base)
    for key, value in over.items():
        old = out.get(key)
        out[key] = deep_merge(old, value) if isinstance(old, Mapping) and isinstance(value, Mapping) else value
    return out
