"""The `alerts` section of config/rules.yaml as the alert senders use it: rule families, webhooks resolved."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from tracker.rules import Rules
from tracker.rules.sections import Alerts, WebhookSpec

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
    """The `alerts:` section as sending uses it: the section's own values, and its webhooks resolved.

    The values and their defaults have one owner, `tracker.rules.sections.Alerts`; only what needs the
    environment (a webhook's URL and secret) is read here.
    """

    section: Alerts = field(default_factory=Alerts)
    webhooks: tuple[Webhook, ...] = ()

    @property
    def webhook_attempts(self) -> int:
        """At least one attempt, whatever the file says."""
        return max(1, self.section.webhook_attempts)


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
    return AlertRules(section=a, webhooks=tuple(h for h in (_webhook(w) for w in a.webhooks) if h.url))
