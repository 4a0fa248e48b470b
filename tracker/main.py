"""The FastAPI application: API under /api/v1, pages at the root, JSON errors everywhere."""

from __future__ import annotations

import inspect
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from tracker.actuals.router import router as actuals_router
from tracker.alerts.router import router as alerts_router
from tracker.auth.router import router as auth_router
from tracker.auth.users_router import router as users_router
from tracker.budget.router import router as budget_router
from tracker.corrections.router import router as corrections_router
from tracker.db import database_problem
from tracker.edge import BodyLimit, request_limits
from tracker.errors import DomainError
from tracker.evaluation.router import router as evaluation_router
from tracker.health import router as health_router
from tracker.logs import RequestIdMiddleware
from tracker.monitoring.router import router as monitoring_router
from tracker.openapi import allowed_methods, document_errors
from tracker.reports.router import router as reports_router
from tracker.rules import Rules, load_rules
from tracker.targets.router import router as targets_router
from tracker.web import install as install_pages


def create_app(*, rules: Rules | None = None) -> FastAPI:
    """The app with the rules it applies: `rules`, else config/rules.yaml read now (a bad file stops the start)."""
    loaded = rules if rules is not None else load_rules()
    app = FastAPIOffline(  # /docs from files in the installed package: offline networks have no CDN
        title="tracker 预算绩效运行监控",
        version="0.1.0",
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
        static_url="/docs-assets",
        dependencies=[Depends(request_limits)],
    )
    app.state.rules = loaded  # read by tracker.deps.RulesDep

    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e.get("loc", ()) if p != "body")
            parts.append(f"{where}: {e.get('msg')}")
        return JSONResponse({"error": "InvalidInput", "detail": "; ".join(parts)}, status_code=422)

    @app.exception_handler(SQLAlchemyError)
    async def database_error(request: Request, exc: SQLAlchemyError) -> Response:
        # Looked up per call: the pages replace the DomainError handler with one that answers HTML.
        handler = app.exception_handlers[DomainError]
        result: Any = handler(request, database_problem(exc))
        answer: Response = await result if inspect.isawaitable(result) else result
        return answer

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        name = {401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 405: "MethodNotAllowed"}.get(
            exc.status_code, "HTTPError"
        )
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(app, request.scope)
        return JSONResponse({"error": name, "detail": str(exc.detail)}, status_code=exc.status_code, headers=headers)

    app.add_middleware(BodyLimit)

    app.include_router(health_router)
    app.include_router(auth_router, prefix="/api/v1")
    app.include_router(targets_router, prefix="/api/v1")
    app.include_router(budget_router, prefix="/api/v1")
    app.include_router(users_router, prefix="/api/v1")
    app.include_router(actuals_router, prefix="/api/v1")
    app.include_router(evaluation_router, prefix="/api/v1")
    app.include_router(monitoring_router, prefix="/api/v1")
    app.include_router(alerts_router, prefix="/api/v1")
    app.include_router(corrections_router, prefix="/api/v1")
    app.include_router(reports_router, prefix="/api/v1")
    install_pages(app, rules=loaded)
    document_errors(app)  # the one description of the error body: tracker/openapi.py
    app.add_middleware(RequestIdMiddleware)  # outermost: every answer, errors too, carries the id
    return app


def served() -> FastAPI:
    """The app as `tracker serve` runs it (uvicorn's factory): logging set up in every worker process."""
    from tracker import logs

    logs.configure()
    return create_app()


app = create_app()
