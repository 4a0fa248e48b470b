"""Every page route, gathered into one router."""

from fastapi import APIRouter

from tracker.web.pages import alerts, approvals, auth, dashboard, exports, project, settings, targets, upload

router = APIRouter(include_in_schema=False)
for module in (auth, dashboard, project, upload, approvals, alerts, exports, settings, targets):
    router.include_router(module.router)
