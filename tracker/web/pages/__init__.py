"""Every page route, gathered into one router."""

from fastapi import APIRouter

from tracker.web.pages import (
    account,
    alerts,
    approvals,
    auth,
    corrections,
    dashboard,
    exports,
    project,
    reports,
    settings,
    target_fixes,
    target_imports,
    targets,
    upload,
)

router = APIRouter(include_in_schema=False)
for module in (
    auth,
    dashboard,
    project,
    upload,
    approvals,
    alerts,
    corrections,
    reports,
    exports,
    settings,
    targets,
    target_imports,
    target_fixes,
    account,
):
    router.include_router(module.router)
