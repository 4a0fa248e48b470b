"""Job tests reuse the settings and rules overrides of the alert tests."""

from tests.alerts.conftest import rules, use

__all__ = ["rules", "use"]
