"""Request limits checked before any route runs: ids, years, dates and offsets beyond what is stored.

Python reads `99999999999999999999` as an int, and PostgreSQL (INTEGER) or SQLite (64-bit) then fail
with an error instead of "not found"; `year=0` makes an impossible date. One app-wide dependency
turns these into a 404 or a 422 with a Chinese message, for the API and the pages alike. It reads
nothing but the request, so it runs on the event loop (a plain `def` would cost a thread hand-off).
"""

from __future__ import annotations

import re

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from tracker import limits
from tracker.config import get_settings
from tracker.errors import InvalidInput, NotFound

_DATE = re.compile(r"(\d{4,})-\d{1,2}-\d{1,2}")
_ID_QUERY = frozenset({"project_id", "batch_id", "submission_id", "id"})
_COUNT_QUERY = frozenset({"offset", "page", "limit"})
BODY_SLACK = 1024 * 1024  # multipart headers and form fields around the file


async def request_limits(request: Request) -> None:
    """NotFound for an id beyond any stored row; InvalidInput for a year, date or offset out of range."""
    for name, value in request.path_params.items():
        digits = value.removeprefix("-") if isinstance(value, str) else ""
        if digits.isdigit() and (len(digits) > 10 or int(digits) > limits.MAX_ID or digits != value):
            raise NotFound(f"{name}={limits.shorten(value)} 不存在")  # no row has a negative id
    for name, value in request.query_params.multi_items():
        text = value.strip()
        if name == "year" and text.lstrip("-").isdigit():
            if len(text) > 5 or not limits.MIN_YEAR <= int(text) <= limits.MAX_YEAR:
                raise InvalidInput(f"year: 年度应在{limits.MIN_YEAR}–{limits.MAX_YEAR}之间")
        elif (name in _ID_QUERY or name in _COUNT_QUERY) and (digits := text.removeprefix("-")).isdigit():
            high = limits.MAX_ID if name in _ID_QUERY else limits.MAX_OFFSET
            if len(digits) > 10 or int(digits) > high:  # far below zero overflows the database as well
                raise InvalidInput(f"{name}: 应在0–{high}之间")
        elif (m := _DATE.fullmatch(text)) and not limits.MIN_YEAR <= int(m[1][:6]) <= limits.MAX_YEAR:
            raise InvalidInput(f"{name}: 日期的年度应在{limits.MIN_YEAR}–{limits.MAX_YEAR}之间")


class BodyLimit:
    """A body declared larger than an upload may be is refused before a byte of it is read.

    A plain ASGI middleware: other requests and their answers pass through untouched.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            declared = Headers(scope=scope).get("content-length", "")
            limit = get_settings().upload_max_bytes + BODY_SLACK
            if declared.isdigit() and len(declared) < 19 and int(declared) > limit:
                detail = f"文件大小超过上限 {get_settings().upload_max_bytes / 1024 / 1024:.1f} MB"
                await JSONResponse({"error": "TooLarge", "detail": detail}, status_code=413)(scope, receive, send)
                return
        await self.app(scope, receive, send)
