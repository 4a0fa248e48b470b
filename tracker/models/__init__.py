"""Every table, imported here so that Alembic sees the whole metadata."""

from tracker.models.actuals import AuditEntry, BatchPeriod, IndicatorResult, Payment, Submission, UploadBatch
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
    "AuditEntry",
    "BatchPeriod",
    "BudgetVersion",
    "Dept",
    "ImportRecord",
    "Indicator",
    "IndicatorResult",
    "Objective",
    "Payment",
    "PlanCheckpoint",
    "Project",
    "Region",
    "Submission",
    "UploadBatch",
    "utcnow",
]
