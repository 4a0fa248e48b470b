"""What runs when (jobs/schedule.py): crontabs from config, in Asia/Shanghai, and the last time each was due."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from jobs.crontab import cron_trigger
from jobs.schedule import JOBS, entries, options
from tracker.rules import load_rules, parse_rules

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


def test_every_job_has_a_time_from_config_in_shanghai_time() -> None:
    plan = {e.name: e for e in entries(load_rules(), SHANGHAI)}
    assert set(plan) == set(JOBS) == {"variance", "reminders", "alerts", "key_monitoring", "corrections"}
    assert plan["variance"].trigger.get_next_fire_time(None, at(2024, 4, 1, 0, 0)) == at(2024, 4, 1, 1, 30)
    assert plan["alerts"].trigger.get_next_fire_time(None, at(2024, 4, 1, 9, 0)) == at(2024, 4, 2, 8, 30)
    # 08:30 in Shanghai is 00:30 UTC whatever the server's own clock zone
    fire = plan["alerts"].trigger.get_next_fire_time(None, at(2024, 4, 1, 0, 0))
    assert fire is not None and fire.utcoffset() == timedelta(hours=8) and fire.hour == 8


@pytest.mark.parametrize(
    ("now", "within", "due"),
    [
        (at(2024, 4, 1, 9, 0), timedelta(days=1), at(2024, 4, 1, 8, 30)),
        (at(2024, 4, 1, 8, 29), timedelta(days=1), at(2024, 3, 31, 8, 30)),
        (at(2024, 4, 1, 8, 30), timedelta(days=1), at(2024, 4, 1, 8, 30)),
        (at(2024, 4, 1, 10, 0), timedelta(hours=1), None),  # missed longer ago than the grace time
    ],
)
def test_the_last_due_time_looks_back_no_further_than_the_grace_time(
    now: datetime, within: timedelta, due: datetime | None
) -> None:
    alerts = next(e for e in entries(load_rules(), SHANGHAI) if e.name == "alerts")
    assert alerts.last_due(now, within=within) == due


def test_times_and_options_come_from_the_rules_file() -> None:
    rules = parse_rules({"schedule": {"alerts": "0 9 * * 1-5", "lease_seconds": 5, "misfire_grace_seconds": 60}})
    alerts = next(e for e in entries(rules, SHANGHAI) if e.name == "alerts")
    assert alerts.trigger.get_next_fire_time(None, at(2024, 4, 6, 0, 0)) == at(2024, 4, 8, 9, 0)  # Saturday → Monday
    assert (options(rules).lease_seconds, options(rules).misfire_grace_seconds) == (5, 60)
    variance = next(e for e in entries(rules, SHANGHAI) if e.name == "variance")
    assert variance.crontab == "30 1 * * *"  # not named: the default


@pytest.mark.parametrize(
    ("weekday", "fires_on"),
    [
        ("1-5", [8, 9, 10, 11, 12]),  # Monday to Friday, as in crontab (APScheduler alone would say Tue–Sat)
        ("0", [7]),
        ("7", [7]),
        ("6,0", [6, 7]),
        ("mon", [8]),
        ("*", [6, 7, 8, 9, 10, 11, 12]),
    ],
)
def test_weekdays_are_counted_as_crontab_counts_them(weekday: str, fires_on: list[int]) -> None:
    trigger = cron_trigger(f"0 9 * * {weekday}", SHANGHAI)
    days, fire = [], trigger.get_next_fire_time(None, at(2024, 4, 6, 0, 0))  # Saturday 6 April
    while fire is not None and fire < at(2024, 4, 13, 0, 0):
        days.append(fire.day)
        fire = trigger.get_next_fire_time(fire, fire + timedelta(minutes=1))
    assert days == fires_on


def test_a_crontab_line_needs_five_fields() -> None:
    with pytest.raises(ValueError):
        cron_trigger("0 9 * *", SHANGHAI)
