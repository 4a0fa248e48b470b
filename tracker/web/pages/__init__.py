"""Every page route, gathered into one router."""

from fastapi import APIRouter

from tracker.web.pages import auth, dashboard, project, settings

router = APIRouter(include_in_schema=False)
for module in (auth, dashboard, project, settings):
    router.include_router(module.router)
