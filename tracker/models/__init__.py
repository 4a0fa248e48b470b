"""Every table, imported here so that Alembic sees the whole metadata."""

from tracker.models.base import utcnow
from tracker.models.targets import (
    BudgetVersion,
    Dept,
    ImportRecord,
    Indicator,
    Objective,
    PlanCheckpoint,
    Project,
    Region,
)

__all__ = [
    "BudgetVersion",
    "Dept",
    "ImportRecord",
    "Indicator",
    "Objective",
    "PlanCheckpoint",
    "Project",
    "Region",
    "utcnow",
]
