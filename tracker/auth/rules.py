"""Sign-in rules (`auth:` of config/rules.yaml) as the values the auth service uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from tracker.rules import Rules


@dataclass(frozen=True, slots=True)
class AuthRules:
    max_failures: int = 5  # per username and address
    max_failures_per_user: int = 20  # per username from any address: rotating addresses does not help
    window: timedelta = timedelta(minutes=15)
    token_ttl: timedelta = timedelta(hours=12)
    session_ttl: timedelta = timedelta(hours=12)
    min_password_length: int = 8


def auth_rules(rules: Rules) -> AuthRules:
    """The configured sign-in rules."""
    a = rules.auth
    return AuthRules(
        max_failures=a.max_failures,
        max_failures_per_user=a.max_failures_per_user,
        window=timedelta(minutes=a.window_minutes),
        token_ttl=timedelta(hours=a.token_hours),
        session_ttl=timedelta(hours=a.session_hours),
        min_password_length=a.min_password_length,
    )
