"""Every page route, gathered into one router."""

from fastapi import APIRouter

from tracker.web.pages import alerts, auth, dashboard, exports, project, settings

router = APIRouter(include_in_schema=False)
for module in (auth, dashboard, project, alerts, exports, settings):
    router.include_router(module.router)
