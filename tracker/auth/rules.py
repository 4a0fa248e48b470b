"""Sign-in rules from config/rules.yaml (`auth:`), with the defaults used when a key is missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tracker.config import load_rules


@dataclass(frozen=True, slots=True)
class AuthRules:
    max_failures: int = 5  # per username and address
    max_failures_per_user: int = 20  # per username from any address: rotating addresses does not help
    window: timedelta = timedelta(minutes=15)
    token_ttl: timedelta = timedelta(hours=12)
    session_ttl: timedelta = timedelta(hours=12)
    min_password_length: int = 8

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> AuthRules:
        d = cls()
        return cls(
            max_failures=int(data.get("max_failures", d.max_failures)),
            max_failures_per_user=int(data.get("max_failures_per_user", d.max_failures_per_user)),
            window=timedelta(minutes=float(data.get("window_minutes", d.window.total_seconds() / 60))),
            token_ttl=timedelta(hours=float(data.get("token_hours", d.token_ttl.total_seconds() / 3600))),
            session_ttl=timedelta(hours=float(data.get("session_hours", d.session_ttl.total_seconds() / 3600))),
            min_password_length=int(data.get("min_password_length", d.min_password_length)),
        )


def auth_rules() -> AuthRules:
    """The configured sign-in rules."""
    return AuthRules.from_mapping(load_rules().get("auth") or {})
