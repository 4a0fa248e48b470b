"""The `alerts` section of config/rules.yaml as typed values (defaults per DOMAIN.md §3)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tracker.config import load_rules
from tracker.core.variance import Light
from tracker.errors import InvalidInput

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


def _webhook(raw: Mapping[str, Any]) -> Webhook:
    name = str(raw.get("name") or "").strip()
    url = str(raw.get("url") or os.environ.get(str(raw.get("url_env") or ""), "")).strip()
    fmt = str(raw.get("format", "generic"))
    rules = tuple(str(r) for r in raw.get("rules", RULES))
    if not name or fmt not in FORMATS or any(r not in RULES for r in rules):
        raise InvalidInput(f"config/rules.yaml alerts.webhooks 配置有误：{dict(raw)}")
    secret_env = raw.get("secret_env")
    depts = raw.get("depts")
    return Webhook(
        name=name,
        url=url,
        format=fmt,
        rules=rules,
        depts=tuple(str(d) for d in depts) if depts else None,
        secret=os.environ.get(str(secret_env)) if secret_env else None,
    )


def alert_rules(rules: Mapping[str, Any] | None = None) -> AlertRules:
    """Read the alerts section; webhooks without a URL (an unset url_env) are left out."""
    section = (rules if rules is not None else load_rules()).get("alerts") or {}
    d = AlertRules()
    hooks = tuple(h for h in (_webhook(w) for w in section.get("webhooks") or []) if h.url)
    return AlertRules(
        after_checkpoint_days=int(section.get("after_checkpoint_days", d.after_checkpoint_days)),
        report_due_days=int(section.get("report_due_days", d.report_due_days)),
        reminder_days_before=tuple(int(n) for n in section.get("reminder_days_before", d.reminder_days_before)),
        overdue_days_after=tuple(int(n) for n in section.get("overdue_days_after", d.overdue_days_after)),
        escalate_lights=tuple(Light(x) for x in section.get("escalate_lights", d.escalate_lights)),
        send_lease_seconds=int(section.get("send_lease_seconds", d.send_lease_seconds)),
        smtp_timeout_seconds=float(section.get("smtp_timeout_seconds", d.smtp_timeout_seconds)),
        webhook_timeout_seconds=float(section.get("webhook_timeout_seconds", d.webhook_timeout_seconds)),
        webhook_attempts=max(1, int(section.get("webhook_attempts", d.webhook_attempts))),
        webhook_backoff_seconds=float(section.get("webhook_backoff_seconds", d.webhook_backoff_seconds)),
        webhooks=hooks,
        remind_again_days=max(0, int(section.get("remind_again_days", d.remind_again_days))),
        wecom_max_bytes=int(section.get("wecom_max_bytes", d.wecom_max_bytes)),
        dingtalk_max_bytes=int(section.get("dingtalk_max_bytes", d.dingtalk_max_bytes)),
    )
