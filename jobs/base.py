"""What a job receives and returns. A job is a thin function: it calls services and reports counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Engine

from tracker.config import Settings
from tracker.models.base import utcnow
from tracker.rules import Rules


@dataclass(frozen=True, slots=True)
class JobContext:
    as_of: date  # the day the job acts for (today in Asia/Shanghai unless given)
    run_id: int
    engine: Engine
    settings: Settings
    rules: Rules  # config/rules.yaml, read once at the start (scheduler or command)
    clock: Callable[[], datetime] = utcnow


@dataclass(slots=True)
class JobResult:
    counts: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # reported in the run's outcome, never silently skipped


Job = Callable[[JobContext], JobResult]
