"""What runs when: the one list. Times come from config/rules.yaml `schedule`, in TRACKER_TIMEZONE."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from jobs import alerts, corrections, key_monitoring, reminders, variance
from jobs.base import Job
from jobs.crontab import cron_trigger
from tracker.rules import Rules

JOBS: dict[str, Job] = {
    "variance": variance.run,
    "reminders": reminders.run,
    "alerts": alerts.run,
    "key_monitoring": key_monitoring.run,
    "corrections": corrections.run,
}
DEFAULT_TIMES = {
    "variance": "30 1 * * *",
    "reminders": "0 8 * * *",
    "alerts": "30 8 * * *",
    "key_monitoring": "0 9 * * *",
    "corrections": "15 9 * * *",
}


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    crontab: str
    trigger: CronTrigger

    def last_due(self, now: datetime, *, within: timedelta) -> datetime | None:
        """The latest time this job was due at or before `now`, looking back no further than `within`."""
        due = None
        fire = self.trigger.get_next_fire_time(None, now - within)
        while fire is not None and fire <= now:
            due = fire
            fire = self.trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
        return due


@dataclass(frozen=True, slots=True)
class Options:
    misfire_grace_seconds: int = 86400
    lease_seconds: int = 60
    standby_poll_seconds: float = 15


def entries(rules: Rules, tz: ZoneInfo) -> list[Entry]:
    """Each job with its crontab, from config (defaults above when a job is not named there)."""
    section = rules.schedule.model_dump()
    out = []
    for name in JOBS:
        crontab = str(section.get(name) or DEFAULT_TIMES[name])
        out.append(Entry(name, crontab, cron_trigger(crontab, tz)))
    return out


def options(rules: Rules) -> Options:
    """The scheduler's grace time, lease and standby poll (`schedule:`)."""
    s = rules.schedule
    return Options(
        misfire_grace_seconds=s.misfire_grace_seconds,
        lease_seconds=s.lease_seconds,
        standby_poll_seconds=s.standby_poll_seconds,
    )
