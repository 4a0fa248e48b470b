"""One typed section per part of config/rules.yaml; a key that is not declared here stops the start.

Each section keeps the defaults the code used before the file was typed, and answers the pure core's
own rule object (`lights()`, `core()`), so that a feature never reads the raw mapping.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from tracker.core.goals import TargetRules
from tracker.core.lights import Light, LightRules
from tracker.core.likelihood import REASON_CATEGORIES
from tracker.core.money import parse_wan
from tracker.core.review_rules import ReviewRules
from tracker.core.scoring_rules import ScoringRules, ScoringRulesError


class Section(BaseModel):
    """A part of the rules file: unknown keys are refused, values are never changed after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def key_error(detail: str) -> PydanticCustomError:
    """A problem the core names by its key inside the section (`weights: 合计应为100`)."""
    return PydanticCustomError("rules_key", "{detail}", {"detail": detail})


class Targets(Section):
    """`targets:` (DOMAIN.md §2): the tolerance of approximate values, 二级 directions of a plain =."""

    approximate_tolerance: Decimal | None = None
    eq_direction_by_level2: dict[str, str] | None = None

    def core(self) -> TargetRules:
        return TargetRules.from_mapping(self.model_dump(exclude_none=True))

    @model_validator(mode="after")
    def _readable(self) -> Targets:
        try:
            self.core()
        except ValueError as exc:
            raise key_error(str(exc)) from exc
        return self


class Variance(Section):
    """`variance:` (DOMAIN.md §3): spending lights, the smallest gap that counts, early-warning days."""

    green: Decimal = LightRules().green
    yellow: Decimal = LightRules().yellow
    min_gap_wan: Decimal = Decimal(1)
    early_warning_days: int = LightRules().warn_days

    def lights(self) -> LightRules:
        return LightRules(
            green=self.green,
            yellow=self.yellow,
            min_gap_fen=parse_wan(str(self.min_gap_wan)),
            warn_days=self.early_warning_days,
        )

    @model_validator(mode="after")
    def _readable(self) -> Variance:
        try:
            self.lights()
        except (ValueError, ArithmeticError) as exc:
            raise key_error(f"green/yellow/min_gap_wan/early_warning_days: {exc}") from exc
        return self


class Indicators(Section):
    """`indicators:` (DOMAIN.md §4): indicator progress lights."""

    green: Decimal = LightRules().green
    yellow: Decimal = LightRules().yellow

    def lights(self) -> LightRules:
        return LightRules(green=self.green, yellow=self.yellow)

    @model_validator(mode="after")
    def _readable(self) -> Indicators:
        try:
            self.lights()
        except ValueError as exc:
            raise key_error(f"green/yellow: {exc}") from exc
        return self


class Monitoring(Section):
    """`monitoring:` (DOMAIN.md §4): the mid-year table's cut-off month and 偏差原因 categories."""

    through_month: int = Field(6, ge=1, le=12)
    reason_categories: tuple[str, ...] = REASON_CATEGORIES

    @field_validator("reason_categories", mode="before")
    @classmethod
    def _default_when_empty(cls, value: Any) -> Any:
        return value or REASON_CATEGORIES


class Scoring(Section):
    """`scoring:` (DOMAIN.md §5), read by the core's `ScoringRules.from_mapping` (its messages name the key)."""

    weights: dict[str, Any] | None = None
    lower_is_better: str | None = None
    grade_bands: dict[str, Any] | None = None
    grade_shares: dict[str, Any] | None = None
    total_grades: dict[str, Any] | None = None

    def core(self) -> ScoringRules:
        return ScoringRules.from_mapping(self.model_dump(exclude_none=True))

    @model_validator(mode="after")
    def _readable(self) -> Scoring:
        try:
            self.core()
        except ScoringRulesError as exc:
            raise key_error(str(exc)) from exc
        return self


class Review(Section):
    """`review:` (DOMAIN.md §6): quantity × unit cost against the budget, outside [low, high] warns."""

    budget_ratio_low: Decimal | None = None
    budget_ratio_high: Decimal | None = None

    def core(self) -> ReviewRules:
        return ReviewRules(**self.model_dump(exclude_none=True))

    @model_validator(mode="after")
    def _ordered(self) -> Review:
        rules = self.core()
        if not 0 <= rules.budget_ratio_low < rules.budget_ratio_high:
            raise key_error("budget_ratio_low应小于budget_ratio_high")
        return self


class Schedule(Section):
    """`schedule:` (jobs/schedule.py): crontabs per job and the scheduler's lease."""

    variance: str | None = None
    reminders: str | None = None
    alerts: str | None = None
    key_monitoring: str | None = None
    corrections: str | None = None
    misfire_grace_seconds: int = 86400
    lease_seconds: int = 60
    standby_poll_seconds: float = 15


class Tier(Section):
    """One 重点监控 tier: budget at least `min_budget_wan`, execution rate below `below_rate` at `month`'s end."""

    month: int = Field(ge=1, le=12)
    min_budget_wan: Decimal
    below_rate: Decimal = Field(gt=0, le=1)


class KeyMonitoring(Section):
    """`key_monitoring:` (DOMAIN.md §3): the tiers; None keeps the code's default tiers."""

    tiers: tuple[Tier, ...] | None = None


class Corrections(Section):
    """`corrections:` (DOMAIN.md §8): reminder days before a notice's deadline."""

    remind_days_before: tuple[int, ...] = (3,)


class WebhookSpec(Section):
    """A chat-group or generic endpoint as written in the file (the URL may come from the environment)."""

    name: str = Field(min_length=1)
    url: str | None = None
    url_env: str | None = None
    format: Literal["wecom", "dingtalk", "generic"] = "generic"
    rules: tuple[Literal["lagging", "escalation", "early_warning", "reminder", "key_monitoring", "correction"], ...] = (
        "lagging",
        "escalation",
        "early_warning",
        "reminder",
        "key_monitoring",
        "correction",
    )
    depts: tuple[str, ...] | None = None
    secret_env: str | None = None


class Alerts(Section):
    """`alerts:` (reminders and alerts); sending reads it through `tracker.alerts.config.AlertRules`."""

    after_checkpoint_days: int = 31
    report_due_days: int = 0
    reminder_days_before: tuple[int, ...] = (10, 3)
    overdue_days_after: tuple[int, ...] = (1, 7)
    escalate_lights: tuple[Light, ...] = (Light.RED,)
    send_lease_seconds: int = 300
    smtp_timeout_seconds: float = 30
    webhook_timeout_seconds: float = 10
    webhook_attempts: int = 3
    webhook_backoff_seconds: float = 1
    webhooks: tuple[WebhookSpec, ...] = ()
    remind_again_days: int = 14
    wecom_max_bytes: int = 4096
    dingtalk_max_bytes: int = 20000


class Actuals(Section):
    """`actuals:` (quarterly uploads): how many bad rows a refusal lists."""

    max_listed_rows: int = Field(1000, ge=1)


class Auth(Section):
    """`auth:` (sign-in); read into `tracker.auth.rules.AuthRules`."""

    max_failures: int = 5
    max_failures_per_user: int = 20
    window_minutes: float = 15
    token_hours: float = 12
    session_hours: float = 12
    min_password_length: int = 8
