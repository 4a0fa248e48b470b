"""Every table, imported here so that Alembic sees the whole metadata."""

from tracker.models.actuals import (
    AuditEntry,
    BatchPeriod,
    IndicatorResult,
    Payment,
    ProjectReport,
    Submission,
    UploadBatch,
)
from tracker.models.alerts import Alert, AlertMessage, Contact
from tracker.models.auth import LoginAttempt, User, UserRegion, UserUnit
from tracker.models.base import utcnow
from tracker.models.monitoring import JobRun, SchedulerLease, VarianceSnapshot
from tracker.models.oversight import CorrectionNotice, KeyListing
from tracker.models.pending import PendingFile
from tracker.models.targets import (
    BudgetChange,
    Dept,
    ImportRecord,
    Indicator,
    IndicatorChange,
    Objective,
    PlanCheckpoint,
    Project,
    Region,
)

__all__ = [
    "Alert",
    "AlertMessage",
    "AuditEntry",
    "BatchPeriod",
    "BudgetChange",
    "Contact",
    "CorrectionNotice",
    "Dept",
    "ImportRecord",
    "Indicator",
    "IndicatorChange",
    "IndicatorResult",
    "JobRun",
    "KeyListing",
    "LoginAttempt",
    "Objective",
    "Payment",
    "PendingFile",
    "PlanCheckpoint",
    "Project",
    "ProjectReport",
    "Region",
    "SchedulerLease",
    "Submission",
    "UploadBatch",
    "User",
    "UserRegion",
    "UserUnit",
    "VarianceSnapshot",
    "utcnow",
]
