"""The one clock: today's date in the configured time zone (TRACKER_TIMEZONE, Asia/Shanghai by default)."""

from __future__ import annotations

from datetime import date, datetime

from tracker.config import get_settings


def today() -> date:
    """Today in the configured time zone, never the machine's (a server in UTC is 8 hours behind)."""
    return datetime.now(get_settings().tz).date()
