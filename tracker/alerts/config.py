"""The `alerts` section of config/rules.yaml as typed values (defaults per DOMAIN.md §3)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from tracker.core.variance import Light
from tracker.rules import Rules
from tracker.rules.sections import WebhookSpec

RULES = ("lagging", "escalation", "early_warning", "reminder", "key_monitoring", "correction")
FORMATS = ("wecom", "dingtalk", "generic")


def rule_family(rule: str) -> str:
    """reminder_before_10 → reminder; lagging_again_2 (a still-lagging project reminded again) → lagging."""
    if rule.startswith("reminder"):
        return "reminder"
    if rule.startswith("lagging"):
        return "lagging"
    if rule.startswith("correction"):
        return "correction"
    return rule


@dataclass(frozen=True, slots=True)
class Webhook:
    """A chat-group or generic endpoint; it is a recipient named `webhook:<name>`."""

    name: str
    url: str
    format: str = "generic"
    rules: tuple[str, ...] = RULES
    depts: tuple[str, ...] | None = None  # None: every unit
    secret: str | None = None

    @property
    def recipient(self) -> str:
        return f"webhook:{self.name}"

    def wants(self, rule: str, dept_code: str | None) -> bool:
        """Whether this endpoint hears about `rule` (reminder_* counts as reminder) for this unit."""
        family = rule_family(rule)
        return family in self.rules and (self.depts is None or dept_code is None or dept_code in self.depts)


@dataclass(frozen=True, slots=True)
class AlertRules:
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
    webhooks: tuple[Webhook, ...] = field(default_factory=tuple)
    remind_again_days: int = 14  # a project still lagging this long after its alert hears again; 0: never
    wecom_max_bytes: int = 4096  # WeCom markdown.content limit (UTF-8 bytes)
    dingtalk_max_bytes: int = 20000  # DingTalk robot limit on the whole request body


def _webhook(spec: WebhookSpec) -> Webhook:
    url = (spec.url or os.environ.get(spec.url_env or "", "")).strip()
    return Webhook(
        name=spec.name.strip(),
        url=url,
        format=spec.format,
        rules=tuple(spec.rules),
        depts=spec.depts or None,
        secret=os.environ.get(spec.secret_env) if spec.secret_env else None,
    )


def alert_rules(rules: Rules) -> AlertRules:
    """The `alerts:` section; webhooks without a URL (an unset url_env) are left out."""
    a = rules.alerts
    return AlertRules(
        after_checkpoint_days=a.after_checkpoint_days,
        report_due_days=a.report_due_days,
        reminder_days_before=a.reminder_days_before,
        overdue_days_after=a.overdue_days_after,
        escalate_lights=a.escalate_lights,
        send_lease_seconds=a.send_lease_seconds,
        smtp_timeout_seconds=a.smtp_timeout_seconds,
        webhook_timeout_seconds=a.webhook_timeout_seconds,
        webhook_attempts=max(1, a.webhook_attempts),
        webhook_backoff_seconds=a.webhook_backoff_seconds,
        webhooks=tuple(h for h in (_webhook(w) for w in a.webhooks) if h.url),
        remind_again_days=max(0, a.remind_again_days),
        wecom_max_bytes=a.wecom_max_bytes,
        dingtalk_max_bytes=a.dingtalk_max_bytes,
    )
