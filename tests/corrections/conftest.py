"""Correction tests use the alert tests' real SMTP server and settings fixtures."""

from tests.alerts.conftest import rules, smtp, use

__all__ = ["rules", "smtp", "use"]
