"""Every table, by name, each module imported on first use: `from tracker.models import Payment` builds the
tables of `tracker.models.actuals` (and of the modules its foreign keys name), not the alert, user and job
tables as well (an upload command does without them). `load_all()` imports every module: Alembic and
whatever walks the whole metadata call it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import MetaData

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
    from tracker.models.review import ReviewMark, StoredFinding
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

MODULES = ("actuals", "alerts", "auth", "monitoring", "oversight", "pending", "review", "targets")
_WHERE = {
    "Alert": "alerts",
    "AlertMessage": "alerts",
    "AuditEntry": "actuals",
    "BatchPeriod": "actuals",
    "BudgetChange": "targets",
    "Contact": "alerts",
    "CorrectionNotice": "oversight",
    "Dept": "targets",
    "ImportRecord": "targets",
    "Indicator": "targets",
    "IndicatorChange": "targets",
    "IndicatorResult": "actuals",
    "JobRun": "monitoring",
    "KeyListing": "oversight",
    "LoginAttempt": "auth",
    "Objective": "targets",
    "Payment": "actuals",
    "PendingFile": "pending",
    "PlanCheckpoint": "targets",
    "Project": "targets",
    "ProjectReport": "actuals",
    "Region": "targets",
    "ReviewMark": "review",
    "SchedulerLease": "monitoring",
    "StoredFinding": "review",
    "Submission": "actuals",
    "UploadBatch": "actuals",
    "User": "auth",
    "UserRegion": "auth",
    "UserUnit": "auth",
    "VarianceSnapshot": "monitoring",
    "utcnow": "base",
}


def __getattr__(name: str) -> Any:
    """A table (or `utcnow`) from its module, imported now if it was not yet."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def load_all() -> MetaData:
    """Every table registered: the metadata Alembic compares and tests empty."""
    from sqlmodel import SQLModel

    for module in MODULES:
        importlib.import_module(f"{__name__}.{module}")
    return SQLModel.metadata


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
    "ReviewMark",
    "SchedulerLease",
    "StoredFinding",
    "Submission",
    "UploadBatch",
    "User",
    "UserRegion",
    "UserUnit",
    "VarianceSnapshot",
    "utcnow",
]
