"""Every page route, gathered into one router."""

from fastapi import APIRouter

from tracker.web.pages import (
    alerts,
    approvals,
    auth,
    dashboard,
    exports,
    project,
    settings,
    target_fixes,
    targets,
    upload,
)

router = APIRouter(include_in_schema=False)
for module in (auth, dashboard, project, upload, approvals, alerts, exports, settings, targets, target_fixes):
    router.include_router(module.router)
