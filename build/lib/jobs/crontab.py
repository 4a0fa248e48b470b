"""Crontab lines as operators write them, read into APScheduler triggers.

APScheduler 3 counts weekdays from Monday = 0, while crontab counts from Sunday = 0 (7 is Sunday
too); `CronTrigger.from_crontab("0 9 * * 1-5")` would run Tuesday to Saturday. Weekday numbers are
therefore turned into names (mon … sun), which both read the same way.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _weekdays(field: str) -> str:
    return re.sub(r"(?<![/\d])([0-7])(?!\d)", lambda m: _DAYS[int(m.group(1))], field)


def cron_trigger(line: str, tz: ZoneInfo) -> CronTrigger:
    """minute hour day month weekday, in `tz`; ValueError when the line is not five fields."""
    fields = line.split()
    if len(fields) != 5:
        raise ValueError(f"crontab 须为5个字段（分 时 日 月 周）：{line!r}")
    minute, hour, day, month, weekday = fields
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=_weekdays(weekday), timezone=tz)
