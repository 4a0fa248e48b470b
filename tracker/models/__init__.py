"""Every table, imported here so that Alembic sees the whole metadata."""

from tracker.models.actuals import AuditEntry, IndicatorResult, Payment, Submission, UploadBatch
from tracker.models.auth import LoginAttempt, User, UserUnit
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
    "BudgetVersion",
    "Dept",
    "ImportRecord",
    "Indicator",
    "IndicatorResult",
    "LoginAttempt",
    "Objective",
    "Payment",
    "PlanCheckpoint",
    "Project",
    "Region",
    "Submission",
    "UploadBatch",
    "User",
    "UserUnit",
    "utcnow",
]
