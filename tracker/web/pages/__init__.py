"""Every page route, gathered into one router."""

from fastapi import APIRouter

from tracker.web.pages import auth, dashboard, project

router = APIRouter(include_in_schema=False)
for module in (auth, dashboard, project):
    router.include_router(module.router)
